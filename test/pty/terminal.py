"""Driving the real `flyte-pipeline` bin in a pseudo-terminal, as a person at a keyboard does.

Inquirer draws its prompts with colour codes and redraws the line on every key, so the tests wait
for stable text (a question, a rule, a file name), type whole lines, and move through select
prompts with the arrow keys. `Terminal.text()` is what the person saw, colour codes removed.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pexpect

from repo_paths import BIN, NODE, ROOT, TOOLS, tool_env  # noqa: F401 (TOOLS: conftest.py imports it from here)
# FLYTE_PIPELINE_UNDER_TEST runs the suite against another build's bin (e.g. an older commit's).
BIN: Path = Path(os.environ.get("FLYTE_PIPELINE_UNDER_TEST", BIN))

STANDIN_BIN = ROOT / "test" / "fixtures" / "bin"  # flytectl STAND-IN (see its header)

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
DOWN = "\x1b[B"
BACKSPACE = "\x7f"
# What every prompt turns into once answered (✔); a refused answer is shown in red after "> ".
REFUSAL = r"> [^\r\n]*"


class Terminal:
    """One command in a pseudo-terminal; every byte it prints is kept for `text()`."""

    def __init__(self, command: str, args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 30):
        self.transcript = StringIO()
        self.child = pexpect.spawn(
            command, args, cwd=str(cwd), env=env or tool_env(), encoding="utf-8", timeout=timeout, dimensions=(50, 250)
        )
        self.child.logfile_read = self.transcript

    @classmethod
    def bin(cls, args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 30) -> "Terminal":
        """`flyte-pipeline ARGS` with .ci/setup's Node, as `.ci/test` runs it."""
        return cls(NODE, [str(BIN), *args], cwd, env, timeout)

    def expect(self, pattern: str) -> str:
        """Waits for a regular expression; returns what matched, colour codes removed."""
        self.child.expect(pattern)
        return ANSI.sub("", self.child.after)

    def answer(self, question: str, text: str) -> None:
        """Types a line at the prompt asking `question` (a plain string; Enter alone takes the default)."""
        self.child.expect_exact(question)
        self.child.sendline(text)

    def refused(self, rule: str, typed: str, instead: str) -> str:
        """The prompt refused `typed`, stating `rule` (a regex): erase it as a person would, type `instead`."""
        shown = self.expect(REFUSAL + rule)
        self.child.send(BACKSPACE * len(typed))
        self.child.sendline(instead)
        return shown

    def select(self, question: str, down: int) -> None:
        """Picks the choice `down` rows below the highlighted default, with the arrow keys."""
        self.child.expect_exact(question)
        self.child.expect_exact("navigate")  # the key help under the choices: the list is drawn
        self.child.send(DOWN * down)
        self.child.send("\r")

    def interrupt(self) -> None:
        """Ctrl-C, as typed: a prompt reads it as a key, otherwise the terminal sends SIGINT."""
        self.child.sendintr()

    def finish(self, timeout: float = 60) -> int:
        """Waits for the command to end; returns its exit code (128 + N if killed by signal N)."""
        self.child.expect(pexpect.EOF, timeout=timeout)
        self.child.close()
        if self.child.exitstatus is None:
            return 128 + (self.child.signalstatus or 0)
        return self.child.exitstatus

    def text(self) -> str:
        """Everything shown, without colour codes and carriage returns."""
        return ANSI.sub("", self.transcript.getvalue()).replace("\r", "")


def files_under(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` (relative path -> contents): to prove what was, or was not, written.
    Not git's own records in a project's .git/ (a new project is a git repository)."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(folder).parts
    }


def generate(cwd: Path, name: str, *flags: str, env: dict[str, str] | None = None) -> Path:
    """A project made without a terminal (set-up for the commands run inside one); returns its folder."""
    result = subprocess.run(
        [NODE, str(BIN), "new", name, "--defaults", "--skip-install", *flags],
        cwd=cwd, env=env or tool_env(), capture_output=True, text=True, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    folders = [path for path in cwd.iterdir() if (path / ".yo-rc.json").exists()]
    assert len(folders) == 1, folders
    return folders[0]


def stored_answers(project: Path) -> dict[str, object]:
    return json.loads((project / ".yo-rc.json").read_text())["generator-flyte-pipeline"]


def read_snapshot(project: Path) -> dict:
    return json.loads(gzip.decompress((project / ".flyte-pipeline" / "base.json.gz").read_bytes()))


def write_snapshot(project: Path, snapshot: dict) -> None:
    (project / ".flyte-pipeline" / "base.json.gz").write_bytes(gzip.compress(json.dumps(snapshot).encode()))


@dataclass
class Moto:
    endpoint: str
    env: dict[str, str]


USER = "flyte-pty"
PASSED_THROUGH = {"NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY",
                  "http_proxy", "https_proxy", "no_proxy"}


@dataclass
class InstalledUser:
    name: str
    uid: int
    home: Path
    prefix: Path
    path: str

    def env(self, **extra: str) -> dict[str, str]:
        """A clean login-like environment for this user: their npm prefix, then Node 22, then the system;
        the machine's certificate and proxy settings kept, so npm reaches its registry as root's does."""
        machine = {key: value for key, value in os.environ.items() if key in PASSED_THROUGH}
        return {**machine, "HOME": str(self.home), "USER": self.name, "LOGNAME": self.name, "PATH": self.path,
                "TERM": "xterm-256color", "LANG": "C.UTF-8", "NO_UPDATE_NOTIFIER": "1", **extra}

    def command(self, *args: str, **extra: str) -> list[str]:
        """`args` run as this user, in `env()` (runuser keeps the terminal: prompts still work)."""
        settings = [f"{key}={value}" for key, value in self.env(**extra).items()]
        return ["runuser", "-u", self.name, "--", "env", "-i", *settings, *args]
