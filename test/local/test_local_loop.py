"""The local loop of a generated project, through `./run`: edits always seen, outputs in the
data layers, warm runs that survive cleaned temp folders, one-line errors, a report worth opening."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import pytest
from local_project import LAYERS, Project

RAW = "data/01_raw/breast_cancer.csv"


@contextmanager
def edited(path: Path, change):
    """The file changed by `change(text)` for the duration of the block, then restored."""
    original = path.read_text()
    path.write_text(change(original))
    try:
        yield
    finally:
        path.write_text(original)


def test_full_fills_every_layer_and_ends_with_a_summary(project: Project):
    result = project.full()
    for name, path in LAYERS.items():
        assert (project.path / path).is_file(), path
        assert re.search(rf"^  {name}\s+{re.escape(path)}$", result.stdout, re.M), result.stdout
    metrics = project.metrics()
    assert f"Validation metrics ({metrics['samples']} rows): accuracy {metrics['accuracy']:.1%}" in result.stdout
    report = (project.path / LAYERS["report"]).resolve()
    assert result.stdout.rstrip().endswith(f"Report: {report.as_uri()}")
    assert "PipelineOutput(" not in result.stdout


def test_each_workflow_runs_alone_from_the_previous_layer(project: Project):
    project.full()
    baseline = project.metrics()
    # A model that barely learns: train_model alone writes it, the next steps alone read it.
    trained = project.run("src/", "train_model", "--regularizations", "[0.00001]")
    assert "data/06_models/model.joblib" in trained.stdout
    for workflow, output in [
        ("generate_model_output", "predictions"),
        ("evaluate", "metrics"),
        ("reporting", "report"),
    ]:
        (project.path / LAYERS[output]).unlink()  # each step writes its layer again
        result = project.run("src/", workflow)
        assert LAYERS[output] in result.stdout
        assert (project.path / LAYERS[output]).is_file()
    assert project.metrics()["recall"] < baseline["recall"]
    # From the raw data again: process_raw_data, then generate_model_input, alone.
    for workflow, outputs in [("process_raw_data", ["primary"]), ("generate_model_input", ["train", "test", "validation"])]:
        for output in outputs:
            (project.path / LAYERS[output]).unlink()
        project.run("src/", workflow)
        assert all((project.path / LAYERS[output]).is_file() for output in outputs)
    project.full()
    assert project.metrics() == baseline


def test_edits_to_the_data_or_the_code_are_seen_and_nothing_else_reruns(project: Project):
    project.full()
    baseline, stamps = project.metrics(), project.stamps()

    raw = project.path / RAW
    with edited(raw, lambda text: "".join(text.splitlines(keepends=True)[:301])):
        project.full()
        assert project.metrics()["samples"] == 60  # 20 % of 300 rows
    project.full()
    assert project.metrics() == baseline

    # A change to the training code, without any version to bump.
    train_model = project.path / "src" / "tasks" / "train_model.py"
    with edited(train_model, lambda text: text.replace("LogisticRegression(C=c,", "LogisticRegression(C=c * 0.0001,")):
        assert "C=c * 0.0001" in train_model.read_text()
        project.full()
        weak = project.metrics()
        assert weak["accuracy"] < baseline["accuracy"] and weak["samples"] == baseline["samples"]
    project.full()
    assert project.metrics() == baseline
    stamps = project.stamps()

    # Edits that change no result: a comment and a docstring in a task, the README, a test.
    evaluate = project.path / "src" / "tasks" / "evaluate.py"
    with edited(evaluate, lambda text: text.replace('"""Validation metrics of a binary classifier."""', '"""The metrics."""  # edited')), \
            edited(project.path / "README.md", lambda text: text + "\nA note.\n"), \
            edited(project.path / "tests" / "test_evaluate.py", lambda text: text + "\n# a note\n"):
        project.full()
        assert project.stamps() == stamps, "a task ran again"


def test_a_warm_run_survives_deleted_temp_folders_and_layer_files(project: Project):
    project.full()
    baseline, stamps = project.metrics(), project.stamps()
    report = (project.path / LAYERS["report"]).read_bytes()
    temp = Path(project.env["TMPDIR"])
    assert any(temp.glob("flyte*")), "flytekit wrote no temp folder there"
    for folder in temp.iterdir():
        shutil.rmtree(folder) if folder.is_dir() else folder.unlink()
    project.full()
    assert project.stamps() == stamps and project.metrics() == baseline
    # A deleted layer file: the task that wrote it runs again, and only what depends on it.
    (project.path / LAYERS["model"]).unlink()
    project.full()
    after = project.stamps()
    assert after["model"] != stamps["model"]
    assert after["primary"] == stamps["primary"] and after["train"] == stamps["train"]
    assert project.metrics() == baseline
    assert (project.path / LAYERS["report"]).read_bytes() == report


def test_two_projects_on_one_machine_share_no_cache_entry(project: Project, other_project: Project):
    project.full()
    before = project.cache_keys()
    result = other_project.full()
    # Had it replayed the first project's entries, its own layers would be empty.
    for path in LAYERS.values():
        assert (other_project.path / path).is_file(), result.stdout
    added = project.cache_keys() - before
    version = lambda key: key.rsplit("-", 1)[0]  # noqa: E731
    assert len(added) == 6
    assert not {version(key) for key in added} & {version(key) for key in before}
    assert other_project.metrics() == project.metrics()


def test_a_copy_of_the_project_elsewhere_shares_no_cache_entry(project: Project, workspace: Path):
    """Same name, same code, same data, another folder: its runs must fill its own layers."""
    project.full()
    before = project.cache_keys()
    copy_path = workspace / "copy" / "churn-model"
    shutil.copytree(project.path, copy_path, symlinks=True, ignore=shutil.ignore_patterns(".venv"))
    os.symlink(project.path / ".venv", copy_path / ".venv")
    for path in LAYERS.values():
        (copy_path / path).unlink(missing_ok=True)
    copy = Project(copy_path, project.env)
    result = copy.full()
    for path in LAYERS.values():
        assert (copy_path / path).is_file(), result.stdout
    assert len(project.cache_keys() - before) == 6
    assert copy.metrics() == project.metrics()


@pytest.mark.parametrize(
    "args, cause, fix",
    [
        (["full", "--test_size", "0.6", "--validation_size", "0.5"], "test_size 0.6 and validation_size 0.5 leave no rows to train on", "--test_size 0.2 --validation_size 0.2"),
        (["full", "--regularizations", "[]"], "regularizations [] must name at least one value of C", "--regularizations '[0.1, 1.0]'"),
        (["full", "--raw_data", "NO_LABEL"], "the raw data has no 'diagnosis' column to learn from", "set LABEL_COLUMN in src/tasks/process_raw_data.py"),
        (["evaluate", "--predictions", "NOT_PARQUET"], "is not a Parquet table", "pass the file the previous step wrote"),
        (["full", "--seed", "abc"], "Invalid value for '--seed': 'abc' is not a valid integer", "./run src/ full --help"),
    ],
    ids=["fractions", "no-regularization", "no-label-column", "not-a-table", "not-an-int"],
)
def test_bad_inputs_and_bad_data_are_one_line_of_cause_and_one_of_fix(project: Project, tmp_path: Path, args, cause, fix):
    no_label = tmp_path / "no_label.csv"
    no_label.write_text("".join(",".join(line.split(",")[1:]) + "\n" for line in (project.path / RAW).read_text().splitlines()))
    not_parquet = tmp_path / "predictions.parquet"
    not_parquet.write_text("not a table")
    args = [{"NO_LABEL": str(no_label), "NOT_PARQUET": str(not_parquet)}.get(arg, arg) for arg in args]
    result = project.run("src/", *args, check=False)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, result.stderr
    assert lines[0].startswith("error: ") and cause in lines[0]
    assert lines[1].startswith("  fix: ") and fix in lines[1]
    verbose = project.run("--verbose", "src/", *args, check=False)
    assert verbose.returncode == result.returncode and "Traceback" in verbose.stderr


def test_a_missing_input_file_says_how_to_make_it(project: Project, workspace: Path):
    empty = workspace / "empty-copy"
    shutil.copytree(project.path, empty, symlinks=True, ignore=shutil.ignore_patterns("data", ".venv"))
    (empty / ".venv").symlink_to(project.path / ".venv")
    result = subprocess.run(["./run", "src/", "train_model"], cwd=empty, env=project.env, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "error: data/05_model_input/train.parquet does not exist",
        "  fix: run ./run src/ generate_model_input first, or pass --train PATH",
    ]
    result = subprocess.run(["./run", "src/", "full"], cwd=empty, env=project.env, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["error: data/01_raw/breast_cancer.csv does not exist", "  fix: pass --raw_data PATH"]


class Page(HTMLParser):
    """A report as a reader sees it: its headings, its tables by id (rows of cell texts), its
    images, the deck's tabs, and any reference outside the file."""

    def __init__(self):
        super().__init__()
        self.headings: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}
        self.images: dict[str, str] = {}
        self.tabs: list[str] = []
        self.external: list[str] = []
        self._text: list[str] | None = None
        self._table: list[list[str]] | None = None
        self._tag = ""

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


def test_the_report_is_one_page_worth_opening(project: Project):
    project.full()
    page = Page()
    page.feed((project.path / LAYERS["report"]).read_text(encoding="utf-8"))
    metrics = project.metrics()
    assert page.headings[0] == "Model report"
    assert page.tables["metrics"][0] == ["Metric", "Value"]
    assert page.tables["metrics"][1:] == [
        ["Accuracy", f"{metrics['accuracy']:.1%}"],
        ["Precision", f"{metrics['precision']:.1%}"],
        ["Recall", f"{metrics['recall']:.1%}"],
        ["F1 score", f"{metrics['f1']:.1%}"],
        ["ROC AUC", f"{metrics['roc_auc']:.3f}"],
    ]
    chosen = dict(row for row in page.tables["model"] if len(row) == 2)["Chosen regularization (C)"]
    assert float(chosen) in (0.01, 0.1, 1.0, 10.0)
    matrix = page.tables["confusion-matrix"]
    assert matrix[0] == ["", "predicted not M", "predicted M"]
    counts = [[int(cell) for cell in row[1:]] for row in matrix[1:]]
    assert sum(map(sum, counts)) == metrics["samples"]
    assert (counts[0][0] + counts[1][1]) / metrics["samples"] == pytest.approx(metrics["accuracy"])
    data = {row[0]: row[1:] for row in page.tables["data"][1:]}
    assert list(data) == ["train", "test", "validation"]
    assert sum(int(rows) for rows, _, _ in data.values()) == 569
    assert int(data["validation"][0]) == metrics["samples"]
    for rows, positives, share in data.values():
        assert share == f"{int(positives) / int(rows):.1%}"
    assert page.images["roc-curve"].startswith("data:image/png;base64,")
    assert page.external == []


def test_the_deck_opens_on_the_report(project: Project):
    temp = Path(project.env["TMPDIR"])
    before = set(temp.rglob("deck.html"))
    project.full("--seed", "7")  # another split: reporting runs, and writes its deck
    decks = set(temp.rglob("deck.html")) - before
    assert len(decks) == 1
    page = Page()
    page.feed(decks.pop().read_text(encoding="utf-8"))
    assert page.tabs[0] == "Model report"
    assert "Timeline" not in page.tabs
    assert page.tables["metrics"][1][0] == "Accuracy"


def test_a_cached_run_imports_no_heavy_library(project: Project):
    project.full()
    python = str(project.path / ".venv" / "bin" / "python")
    command = [python, "-X", "importtime", "scripts/run_local.py", "src/workflows/full.py", "full", "--raw_data", RAW]
    result = subprocess.run(command, cwd=project.path, env=project.env, capture_output=True, text=True, check=True)
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert {"tasks.train_model", "tasks.reporting"} <= imported
    assert not {"sklearn", "scipy", "matplotlib", "pandas"} & imported
