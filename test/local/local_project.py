"""A generated project of the local-loop suites, and how the tests drive it: `./run` as a
user types it, and what a run leaves behind (the layer files, the metrics, the summary,
the report, the local cache)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from repo_paths import BIN, NODE, tool_env

# What `./run src/ full` returns, by name, where it writes it.
LAYERS = {
    "primary": "data/03_primary/primary.parquet",
    "train": "data/05_model_input/train.parquet",
    "test": "data/05_model_input/test.parquet",
    "validation": "data/05_model_input/validation.parquet",
    "model": "data/06_models/model.joblib",
    "candidates": "data/06_models/candidates.json",
    "predictions": "data/07_model_output/predictions.parquet",
    "metrics": "data/08_reporting/metrics.json",
    "report": "data/08_reporting/report.html",
    "model_card": "data/06_models/model_card.md",
}

# The tasks of `full`, in the order they run, as the summary names them; each leaves one
# entry in the local cache.
STEPS = [
    "process_raw_data",
    "generate_model_input",
    "candidate_settings",
    "fit_candidate (each setting)",
    "select_model",
    "generate_model_output",
    "evaluate",
    "compare",
    "reporting",
    "check_gates",
]

# A setting fitted by train_model, as it prints it: fitted (with its score and time) or
# taken from the fit memo of a local run.
FIT_LINE = re.compile(r"^train_model: (\w+) (\{.*\}): (?:cached|(\w+) (\S+) \((\d+\.\d) s\))$", re.M)


@dataclass
class Project:
    path: Path
    env: dict[str, str]

    def run(self, *args: str, check: bool = True, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """`./run ARGS` (the options, `src/`, the workflow, its inputs), as a user types it."""
        result = subprocess.run(["./run", *args], cwd=self.path, env=env or self.env, capture_output=True, text=True, timeout=600)
        if check and result.returncode != 0:
            raise AssertionError(f"./run {' '.join(args)}: exit {result.returncode}\n{result.stdout}\n{result.stderr}")
        return result

    def full(self, *inputs: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run("src/", "full", *inputs, check=check)

    def after_a_run(self) -> "Project":
        """The project, with every layer file of a run: `./run src/ full` first if one is missing."""
        if not all((self.path / path).is_file() for path in LAYERS.values()):
            self.full()
        return self

    def metrics(self) -> dict:
        return json.loads((self.path / LAYERS["metrics"]).read_text())

    def result(self) -> dict:
        """The metrics of the run, without what changes with the history of runs (the
        comparison with the previous run) or the machine's load (the fitting time), not
        with the model."""
        return {key: value for key, value in self.metrics().items() if key not in ("previous", "fit_seconds")}

    def stamps(self) -> dict[str, int]:
        """When each layer file was last written (ns): unchanged across a run that hit the cache."""
        return {name: (self.path / path).stat().st_mtime_ns for name, path in LAYERS.items()}

    def digests(self) -> dict[str, str]:
        """The MD5 of each layer file: which run's files data/ holds."""
        return {name: hashlib.md5((self.path / path).read_bytes()).hexdigest() for name, path in LAYERS.items()}

    def last_run(self) -> dict:
        return json.loads((self.path / "data" / "last_run.json").read_text())

    def python(self, *args: str, **kwargs) -> subprocess.CompletedProcess[str]:
        """The project's Python (its virtualenv), from the project root."""
        return subprocess.run([str(self.path / ".venv" / "bin" / "python"), *args], cwd=self.path, env=self.env, capture_output=True, text=True, check=True, **kwargs)

    def cache_keys(self) -> set[str]:
        """The keys of the local cache: `<task>-<version>-<inputs hash>`."""
        code = "import sys, diskcache; print('\\n'.join(diskcache.Cache(sys.argv[1]).iterkeys()))"
        cache = Path(self.env["HOME"]) / ".flyte" / "local-cache"
        return set(self.python("-c", code, str(cache)).stdout.split())


def user_env() -> dict[str, str]:
    """A user's shell: .ci/setup's tools on PATH, no outer virtualenv, the venv inside the
    project, Flyte's local cache on."""
    env = {key: value for key, value in tool_env().items() if key != "VIRTUAL_ENV"}
    env.update(PIPENV_VENV_IN_PROJECT="1", PIPENV_YES="1", PIPENV_NOSPIN="1", FLYTE_LOCAL_CACHE_ENABLED="true")
    env.pop("FLYTE_LOCAL_CACHE_OVERWRITE", None)
    return env


def new_project(installed: Project, folder: Path, *args: str) -> Project:
    """`flyte-pipeline new ARGS --defaults --skip-install` in `folder`, through the bin,
    using the installed project's virtualenv and lock file: one install per session."""
    folder.mkdir(parents=True, exist_ok=True)
    before = set(folder.iterdir())
    result = subprocess.run([NODE, str(BIN), "new", *args, "--defaults", "--skip-install"], cwd=folder, env=installed.env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"new {' '.join(args)}: exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    (path,) = set(folder.iterdir()) - before
    os.symlink(installed.path / ".venv", path / ".venv")
    shutil.copy(installed.path / "Pipfile.lock", path / "Pipfile.lock")
    if (path / ".git").is_dir():
        # As the install leaves it: the lock in the first commit, the virtualenv ignored
        # (.gitignore's `.venv/` ignores the folder, not this symlink standing in for it).
        with open(path / ".git" / "info" / "exclude", "a") as exclude:
            exclude.write(".venv\n")
        git = ["git", "-c", "user.name=test", "-c", "user.email=test@localhost"]
        subprocess.run([*git, "add", "Pipfile.lock"], cwd=path, check=True, capture_output=True)
        subprocess.run([*git, "commit", "-q", "--amend", "--no-edit", "--no-verify"], cwd=path, check=True, capture_output=True)
    return Project(path, installed.env)


def steps(stdout: str) -> tuple[list[str], list[str]]:
    """The summary's `ran:` and `from cache:` lists: which tasks ran, which the cache served."""
    found = [re.search(rf"^  {label}:\s+(.*)$", stdout, re.M) for label in ("ran", "from cache")]
    assert all(found), stdout
    ran, cached = (match[1] for match in found)
    return tuple([] if names == "nothing" else names.split(", ") for names in (ran, cached))


def headline(metrics: dict) -> list[str]:
    """The lines the summary of a run that made these metrics starts its model part with
    (the validation line goes on with the previous run when there is one)."""
    metric, score = metrics["selection_metric"], metrics["score"]
    baseline = metrics["baseline"][metric]
    others = ", ".join(f"{name} {value:.4g}" for name, value in metrics["metrics"].items() if name != metric)
    failed = [gate["name"] for gate in metrics["gates"] if not gate["passed"]]
    return [
        f"Model: {metrics['model']} {json.dumps(metrics['params'])} ({metrics['problem_type']}, {len(metrics['candidates'])} settings tried)",
        f"Validation {metric} {score:.4g} ({metrics['samples']} rows): baseline {baseline:.4g} ({score - baseline:+.4g})",
        f"Also: {others}",
        f"Gates: {'FAILED ' + ', '.join(failed) if failed else 'all passed'}",
    ]


@contextmanager
def edited(path: Path, change: Callable[[str], str]) -> Iterator[None]:
    """The file changed by `change(text)` for the duration of the block, then restored."""
    original = path.read_text()
    changed = change(original)
    assert changed != original, f"the edit changes nothing in {path}"
    path.write_text(changed)
    try:
        yield
    finally:
        path.write_text(original)


class Page(HTMLParser):
    """A report as a reader sees it: its headings, its tables by id (rows of cell texts), its
    images, the deck's tabs, and any reference outside the file."""

    def __init__(self, html: str = ""):
        super().__init__()
        self.headings: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}
        self.images: dict[str, str] = {}
        self.tabs: list[str] = []
        self.external: list[str] = []
        self._text: list[str] | None = None
        self._table: list[list[str]] | None = None
        self._tag = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href"):
            if attrs.get(name) and not attrs[name].startswith(("data:", "#")):
                self.external.append(attrs[name])
        if tag == "table":
            self._table = self.tables.setdefault(attrs.get("id", ""), [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th", "h1", "h2", "li"):
            self._text, self._tag = [], tag
        elif tag == "img":
            self.images[attrs.get("id", "")] = attrs["src"]

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._text is None or tag != self._tag:
            if tag == "table":
                self._table = None
            return
        text, self._text = "".join(self._text).strip(), None
        if tag in ("td", "th") and self._table is not None:
            self._table[-1].append(text)
        elif tag == "li":
            self.tabs.append(text)
        elif tag in ("h1", "h2"):
            self.headings.append(text)

    def rows(self, id: str) -> dict[str, list[str]]:
        """A table's body rows by their first cell."""
        return {row[0]: row[1:] for row in self.tables[id][1:]}


def report_of(project: Project) -> Page:
    return Page((project.path / LAYERS["report"]).read_text(encoding="utf-8"))
