"""test/local: the local loop of a generated, installed project, driven through `./run` as a
user drives it. One project is generated and installed (pipenv install --dev, about a minute)
per session; the others (a second project on the same machine, projects made on other
tables by test_your_data.py) share its virtualenv.
Every run uses a home (so a local cache, ~/.flyte/local-cache) and a temp folder of the
session's own: the user's own cache and other runs' temp folders are never touched."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from local_project import BIN, NODE, Project, new_project, user_env


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
def other_project(workspace: Path, project: Project) -> Project:
    """"Other Model" on the same machine (same home), using the first project's virtualenv."""
    return new_project(project, workspace / "other", "Other Model")
