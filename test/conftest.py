"""Shared by the pytest suites (test/pty, test/container, test/local). The jest leg of `.ci/test`
builds dist/ first; run alone, this builds it."""

import subprocess
from pathlib import Path

import pytest
from repo_paths import BIN, ROOT, tool_env


@pytest.fixture(scope="session", autouse=True)
def built() -> Path:
    if not BIN.exists():
        subprocess.run(["npm", "run", "-s", "build"], cwd=ROOT, env=tool_env(), check=True)
    return BIN
