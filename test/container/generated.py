"""A project generated through the bin, as a user makes one, and the commands the container suite
runs in it: its make targets, its Python (the project's own .venv, which has flytekit), and
flyte_pod.py, the pod runner."""

from __future__ import annotations

import ast
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from engine import ENV_OVERRIDES

from repo_paths import BIN, NODE, tool_env

POD_RUNNER = Path(__file__).resolve().parent / "flyte_pod.py"
SAMPLE = "data/01_raw/breast_cancer.csv"


def user_env() -> dict[str, str]:
    """A user's shell: .ci/setup's tools on PATH, no outer virtualenv, the venv inside the project,
    no replay of Flyte's local cache, a git identity, the builder the engine uses."""
    env = {key: value for key, value in tool_env().items() if key != "VIRTUAL_ENV"}
    env.update(
        PIPENV_VENV_IN_PROJECT="1",
        PIPENV_YES="1",
        PIPENV_NOSPIN="1",
        FLYTE_LOCAL_CACHE_ENABLED="false",
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.com",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.com",
        **ENV_OVERRIDES,
    )
    return env


class CommandFailed(AssertionError):
    pass


@dataclass
class Project:
    path: Path
    env: dict[str, str]

    @classmethod
    def generate(cls, workspace: Path, *flags: str, timeout: float = 900) -> "Project":
        """`flyte-pipeline new "Churn Model" --defaults FLAGS` (installing unless --skip-install),
        then a first commit, as the version is derived from git."""
        env = user_env()
        run([NODE, str(BIN), "new", "Churn Model", "--defaults", *flags], cwd=workspace, env=env, timeout=timeout)
        project = cls(workspace / "churn-model", env)
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "generated"]):
            project.run("git", *args)
        return project

    def run(self, *args: str, timeout: float = 900, check: bool = True, **env: str) -> subprocess.CompletedProcess[str]:
        return run(list(args), cwd=self.path, env={**self.env, **env}, timeout=timeout, check=check)

    def make(self, *args: str, timeout: float = 900, **variables: str) -> subprocess.CompletedProcess[str]:
        return self.run("make", *args, *(f"{key}={value}" for key, value in variables.items()), timeout=timeout)

    def variable(self, name: str, **variables: str) -> str:
        return self.make("-s", f"print-{name}", **variables).stdout.strip()

    @property
    def python(self) -> str:
        return str(self.path / ".venv" / "bin" / "python")

    def pods(self, store: Path, execution: str = "first", workflow: str = "workflows.full.full", **inputs: str) -> dict:
        """Every task of WORKFLOW from dist/flyte-package.tgz, each in its own container, unless
        an earlier execution in STORE cached its outputs (see flyte_pod.py)."""
        given = [f"--input={name}={value}" for name, value in inputs.items()]
        args = ["pods", "--package", "dist/flyte-package.tgz", "--workflow", workflow, "--store", str(store)]
        args += ["--execution", execution, *given]
        return json.loads(self.run(self.python, str(POD_RUNNER), *args, timeout=1800).stdout)

    def inspect(self) -> dict:
        """What dist/flyte-package.tgz holds: each task's image, args and resources, each launch
        plan's defaults (see flyte_pod.py inspect)."""
        args = ["inspect", "--package", "dist/flyte-package.tgz"]
        return json.loads(self.run(self.python, str(POD_RUNNER), *args).stdout)

    def local(self, workflow: str = "workflows.full.full", **inputs: str) -> dict:
        """The same workflow run locally (flytekit's local execution, as `pyflyte run` does)."""
        given = [f"--input={name}={value}" for name, value in inputs.items()]
        return json.loads(self.run(self.python, str(POD_RUNNER), "local", "--workflow", workflow, *given).stdout)


def run(args: list[str], cwd: Path, env: dict[str, str], timeout: float, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Runs a command; a failure names it and shows the end of its output."""
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    if check and proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-30:])
        raise CommandFailed(f"{' '.join(args)} exited {proc.returncode} in {cwd}:\n{tail}")
    return proc


def insert_into_function(source: Path, function: str, statement: str) -> None:
    """Adds STATEMENT as the first statement of FUNCTION (after its docstring): a change to a
    task's own code, which its cache version follows."""
    text = source.read_text()
    node = next(n for n in ast.walk(ast.parse(text)) if isinstance(n, ast.FunctionDef) and n.name == function)
    has_docstring = isinstance(node.body[0], ast.Expr) and isinstance(getattr(node.body[0], "value", None), ast.Constant)
    first = node.body[1] if has_docstring and len(node.body) > 1 else node.body[0]
    lines = text.splitlines(keepends=True)
    lines.insert(first.lineno - 1, " " * first.col_offset + statement + "\n")
    source.write_text("".join(lines))
