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

from repo_paths import BIN, NODE, ROOT, tool_env

POD_RUNNER = Path(__file__).resolve().parent / "flyte_pod.py"
TABLES = ROOT / "test" / "local" / "tables.py"
SAMPLE = "data/01_raw/breast_cancer.csv"
PACKAGE = "dist/flyte-package.tgz"

# What src/candidates.py declares, as the project's Python reads it: the map task's concurrency and,
# per problem type, every setting of every candidate's grid (model name and parameters).
CANDIDATE_TABLE = """
import json
from sklearn.model_selection import ParameterGrid
from candidates import CANDIDATES, CONCURRENCY
settings = {
    kind: [{"model": c.name, "params": params} for c in candidates for params in ParameterGrid(c.grid)]
    for kind, candidates in CANDIDATES.items()
}
print(json.dumps({"concurrency": CONCURRENCY, "settings": settings}))
"""


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
        which makes the first commit the version is derived from (made here if it made none)."""
        env = user_env()
        run([NODE, str(BIN), "new", "Churn Model", "--defaults", *flags], cwd=workspace, env=env, timeout=timeout)
        project = cls(workspace / "churn-model", env)
        if project.run("git", "rev-parse", "--verify", "--quiet", "HEAD", check=False).returncode != 0:
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

    def pods(
        self,
        store: Path,
        execution: str = "first",
        workflow: str = "workflows.full.full",
        package: str = PACKAGE,
        lose_nodes: tuple[str, ...] = (),
        check: bool = True,
        **inputs: str,
    ) -> dict:
        """Every task of WORKFLOW from PACKAGE (`make package`'s), each in its own container (an
        ArrayNode's task, one per element), unless an earlier execution in STORE cached its outputs
        (see flyte_pod.py); a failed attempt retried as flytepropeller retries it. LOSE_NODES
        (TASK:ATTEMPT) are the attempts whose node the cluster loses. Without CHECK, an execution
        that failed gives its pods and its "error" instead of raising."""
        given = [f"--input={name}={value}" for name, value in inputs.items()]
        args = ["pods", "--package", package, "--workflow", workflow, "--store", str(store)]
        args += ["--execution", execution, *given, *(f"--lose-node={item}" for item in lose_nodes)]
        result = self.run(self.python, str(POD_RUNNER), *args, timeout=1800, check=check)
        if not result.stdout.strip():
            raise CommandFailed(f"flyte_pod.py {' '.join(args)} exited {result.returncode} with no JSON:\n{result.stderr[-3000:]}")
        return json.loads(result.stdout)

    def inspect(self) -> dict:
        """What dist/flyte-package.tgz holds: each task's image, args and resources, each launch
        plan's defaults, each workflow's tasks and ArrayNodes (see flyte_pod.py inspect)."""
        args = ["inspect", "--package", PACKAGE]
        return json.loads(self.run(self.python, str(POD_RUNNER), *args).stdout)

    def candidate_table(self) -> dict:
        """src/candidates.py's concurrency and settings per problem type (CANDIDATE_TABLE)."""
        return json.loads(self.run(self.python, "-c", CANDIDATE_TABLE, PYTHONPATH="src").stdout)

    def write_tables(self, folder: Path) -> dict[str, dict]:
        """test/local/tables.py's tables, written by the project's Python (it has pandas):
        name -> {"path", "target", "problem_type"}."""
        code = (
            "import json, sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]);"
            "from tables import TABLES, write_tables;"
            "paths = write_tables(Path(sys.argv[2]));"
            "print(json.dumps({name: {'path': str(path), 'target': TABLES[name][1], 'problem_type': TABLES[name][2]}"
            " for name, path in paths.items()}))"
        )
        return json.loads(self.run(self.python, "-c", code, str(TABLES.parent), str(folder)).stdout)

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


def insert_into_list(source: Path, name: str, item: str) -> None:
    """Adds ITEM (source text) as the last item of the list literal assigned to NAME, on a line of
    its own, as a user adds a row to a table."""
    text = source.read_text()
    node = next(
        (n for n in ast.parse(text).body if isinstance(n, ast.Assign) and any(getattr(t, "id", None) == name for t in n.targets)),
        None,
    )
    if node is None or not isinstance(node.value, ast.List):
        raise AssertionError(f"{source} assigns no list to {name}: the test's edit must follow the template")
    lines = text.splitlines(keepends=True)
    closing = node.value.end_lineno - 1  # the line of the closing bracket
    if lines[closing].strip() != "]":
        raise AssertionError(f"{source}: the list {name} does not end with a line holding only ']'")
    indent = " " * (node.value.elts[0].col_offset if node.value.elts else 4)
    lines.insert(closing, f"{indent}{item},\n")
    source.write_text("".join(lines))
