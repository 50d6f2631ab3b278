"""Shared by the pytest suites (test/pty, test/container): where the repository, its Node and
its built bin are. The jest leg of `.ci/test` builds dist/ first; run alone, this builds it."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".ci" / ".tools"
BIN = ROOT / "dist" / "bin" / "flyte-pipeline.js"


def _node() -> str:
    local = TOOLS / "node22" / "node_modules" / ".bin" / "node"
    return str(local) if local.exists() else shutil.which("node") or "node"


NODE = _node()


def tool_env() -> dict[str, str]:
    """The environment `.ci/test` gives: .ci/setup's Node 22 and Python tools first on PATH."""
    env = dict(os.environ)
    extra = [TOOLS / "node22" / "node_modules" / ".bin", TOOLS / "python" / "bin"]
    env["PATH"] = os.pathsep.join([str(p) for p in extra if p.exists()] + [env.get("PATH", "")])
    return env


@pytest.fixture(scope="session", autouse=True)
def built() -> Path:
    if not BIN.exists():
        subprocess.run(["npm", "run", "-s", "build"], cwd=ROOT, env=tool_env(), check=True)
    return BIN
