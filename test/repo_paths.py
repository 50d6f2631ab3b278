"""Where the repository, its Node and its built bin are, for every pytest suite (test/pty,
test/container, test/local): `from repo_paths import BIN, NODE` (pytest.ini puts test/ on the path)."""

import os
import shutil
from pathlib import Path

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


def let_other_users_reach_the_clone() -> None:
    """The clone may sit in a folder only root may enter (`mktemp -d` makes one 0700), while tests
    that run as another user need its Node (.ci/.tools) and bin: let other users pass through the
    folders above it (search only, nothing listed), as a checkout in a home folder allows."""
    for folder in (ROOT, *ROOT.parents):
        mode = folder.stat().st_mode
        if not mode & 0o001:
            folder.chmod(mode | 0o001)
