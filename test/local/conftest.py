"""test/local: the local loop of a generated, installed project, driven through `./run` as a
user drives it. One project is generated and installed (pipenv install --dev, about a minute)
per session; a second one, for the test of two projects on one machine, shares its virtualenv.
Every run uses a home (so a local cache, ~/.flyte/local-cache) and a temp folder of the
session's own: the user's own cache and other runs' temp folders are never touched."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from local_project import BIN, NODE, Project, user_env


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("local-loop")


@pytest.fixture(scope="session")
def project(workspace: Path) -> Project:
    """"Churn Model", generated and installed through the bin; runs with the session's home and temp."""
    env = user_env()
    subprocess.run([NODE, str(BIN), "new", "Churn Model", "--defaults"], cwd=workspace, env=env, check=True, capture_output=True, timeout=900)
    for name in ("home", "tmp"):
        (workspace / name).mkdir()
    return Project(workspace / "churn-model", {**env, "HOME": str(workspace / "home"), "TMPDIR": str(workspace / "tmp")})


@pytest.fixture(scope="session")
def other_project(workspace: Path, project: Project) -> Iterator[Project]:
    """"Other Model" on the same machine (same home), using the first project's virtualenv."""
    folder = workspace / "other"
    folder.mkdir()
    subprocess.run([NODE, str(BIN), "new", "Other Model", "--defaults", "--skip-install"], cwd=folder, env=project.env, check=True, capture_output=True, timeout=300)
    other = Project(folder / "other-model", project.env)
    os.symlink(project.path / ".venv", other.path / ".venv")
    shutil.copy(project.path / "Pipfile.lock", other.path / "Pipfile.lock")
    yield other
