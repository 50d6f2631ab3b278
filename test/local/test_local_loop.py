"""The local loop of a generated project, through `./run`: edits always seen, outputs in the
data layers, warm runs that survive cleaned temp folders, one-line errors, a report worth opening."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from local_project import FIT_LINE, LAYERS, STEPS, Page, Project, edited, headline, report_of, steps

RAW = "data/01_raw/breast_cancer.csv"


def test_full_fills_every_layer_and_ends_with_a_summary(project: Project):
    result = project.full()
    for name, path in LAYERS.items():
        assert (project.path / path).is_file(), path
        assert f"\n  {name:<11}  {path}\n" in result.stdout, result.stdout
    ran, cached = steps(result.stdout)
    assert sorted(ran + cached) == sorted(STEPS), result.stdout
    metrics = project.metrics()
    lines = result.stdout.splitlines()
    model, validation, also, gates = headline(metrics)
    start = lines.index(model)
    assert lines[start + 1].startswith(validation)
    assert lines[start + 2 : start + 4] == [also, gates]
    assert gates == "Gates: all passed" and "roc_auc" in validation and "settings tried" in model
    report = (project.path / LAYERS["report"]).resolve()
    assert result.stdout.rstrip().endswith(f"Report: {report.as_uri()}")
    assert "PipelineOutput(" not in result.stdout
    # Warm: the run just recorded in the history reruns compare alone, the small step that
    # reads the history (it finds the same model: nothing after it runs); then nothing runs.
    again = project.full()
    assert set(steps(again.stdout)[0]) <= {"compare"}, again.stdout
    assert steps(project.full().stdout) == ([], STEPS)


def test_each_workflow_runs_alone_from_the_previous_layer(project: Project):
    project.full()
    baseline = project.result()
    # A model that barely learns, as the only candidate: train_model alone fits and writes
    # it, the next steps alone read it.
    weak = 'CANDIDATES["binary"] = [Candidate("weak", "sklearn.linear_model.LogisticRegression", {"C": [0.00001]})]\n'
    with edited(project.path / "src" / "candidates.py", lambda text: text + weak):
        trained = project.run("src/", "train_model")
        assert LAYERS["model"] in trained.stdout
        assert [match[1] for match in FIT_LINE.finditer(trained.stdout)] == ["weak"], trained.stdout
        for workflow, outputs in [
            ("generate_model_output", ["predictions"]),
            ("evaluate", ["metrics"]),
            ("reporting", ["report", "model_card"]),
        ]:
            for output in outputs:
                (project.path / LAYERS[output]).unlink()  # each step writes its layer again
            result = project.run("src/", workflow)
            for output in outputs:
                assert LAYERS[output] in result.stdout
                assert (project.path / LAYERS[output]).is_file()
        metrics = project.metrics()
        assert metrics["model"] == "weak" and len(metrics["candidates"]) == 1
        assert metrics["metrics"]["recall"] < baseline["metrics"]["recall"]
        assert report_of(project).headings[0] == "Model report: weak"
    # From the raw data again: process_raw_data, then generate_model_input, alone.
    for workflow, outputs in [("process_raw_data", ["primary"]), ("generate_model_input", ["train", "test", "validation"])]:
        for output in outputs:
            (project.path / LAYERS[output]).unlink()
        project.run("src/", workflow)
        assert all((project.path / LAYERS[output]).is_file() for output in outputs)
    project.full()
    assert project.result() == baseline


def test_edits_to_the_data_or_the_code_are_seen_and_nothing_else_reruns(project: Project):
    project.full()
    baseline = project.result()

    raw = project.path / RAW
    with edited(raw, lambda text: "".join(text.splitlines(keepends=True)[:301])):
        project.full()
        assert project.metrics()["samples"] == 60  # 20 % of 300 rows
    project.full()
    assert project.result() == baseline

    # A change to the training code, without any version to bump: every setting is fitted
    # again (on a tenth of the rows), and the model changes.
    train_model = project.path / "src" / "tasks" / "train_model.py"
    fit = "model.fit(features(train, problem), labels(train, problem))"
    with edited(train_model, lambda text: text.replace(fit, "model.fit(features(train, problem).head(34), labels(train, problem).head(34))")):
        result = project.full()
        fitted = FIT_LINE.findall(result.stdout)
        assert len(fitted) == len(baseline["candidates"]) and all(seconds for *_, seconds in fitted), result.stdout
        weak = project.metrics()
        assert weak["metrics"] != baseline["metrics"] and weak["samples"] == baseline["samples"]
    project.full()
    assert project.result() == baseline
    project.full()  # the history has this run now: compare reads it again
    stamps = project.stamps()

    # Edits that change no result: a comment and a docstring in a task, the README, a test.
    evaluate = project.path / "src" / "tasks" / "evaluate.py"
    docstring = '"""Every metric of the problem type, from the predictions table."""'
    with edited(evaluate, lambda text: text.replace(docstring, '"""The metrics."""  # edited')), \
            edited(project.path / "README.md", lambda text: text + "\nA note.\n"), \
            edited(project.path / "tests" / "test_evaluate.py", lambda text: text + "\n# a note\n"):
        result = project.full()
        assert project.stamps() == stamps, f"a task ran again\n{result.stdout}"
        assert steps(result.stdout) == ([], STEPS)


def test_a_warm_run_survives_deleted_temp_folders_and_layer_files(project: Project):
    project.full()
    project.full()  # once the run is in the history, nothing runs again
    baseline, stamps = project.result(), project.stamps()
    report = (project.path / LAYERS["report"]).read_bytes()
    temp = Path(project.env["TMPDIR"])
    assert any(temp.glob("flyte*")), "flytekit wrote no temp folder there"
    for folder in temp.iterdir():
        shutil.rmtree(folder) if folder.is_dir() else folder.unlink()
    project.full()
    assert project.stamps() == stamps and project.result() == baseline
    # A deleted layer file: the task that wrote it runs again, and only what depends on it.
    (project.path / LAYERS["model"]).unlink()
    result = project.full()
    assert steps(result.stdout)[0] == ["select_model"], result.stdout
    after = project.stamps()
    assert after["model"] != stamps["model"]
    assert after["primary"] == stamps["primary"] and after["train"] == stamps["train"]
    assert project.result() == baseline
    assert (project.path / LAYERS["report"]).read_bytes() == report


def test_two_projects_on_one_machine_share_no_cache_entry(project: Project, other_project: Project):
    project.full()
    before = project.cache_keys()
    result = other_project.full()
    # Had it replayed the first project's entries, its own layers would be empty.
    for path in LAYERS.values():
        assert (other_project.path / path).is_file(), result.stdout
    assert steps(result.stdout) == (STEPS, [])
    added = project.cache_keys() - before
    version = lambda key: key.rsplit("-", 1)[0]  # noqa: E731
    assert len(added) == len(STEPS), sorted(added)
    assert not {version(key) for key in added} & {version(key) for key in before}
    assert other_project.result() == project.result()


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
    assert steps(result.stdout) == (STEPS, [])
    assert len(project.cache_keys() - before) == len(STEPS)
    assert copy.result() == project.result()


@pytest.mark.parametrize(
    "args, cause, fix",
    [
        (["full", "--test_size", "0.6", "--validation_size", "0.5"], "the split: test_size 0.6 and validation_size 0.5 leave no rows to train on", "use two fractions above 0 whose sum is below 1, e.g. 0.2 and 0.2"),
        (["full", "--raw_data", "NO_LABEL"], "the data has no target column 'diagnosis'", "set target in src/dataset.py"),
        (["evaluate", "--predictions", "NOT_PARQUET"], "is not a Parquet table", "pass the file the previous step wrote"),
        (["full", "--seed", "abc"], "Invalid value for '--seed': 'abc' is not a valid integer", "./run src/ full --help"),
    ],
    ids=["fractions", "no-label-column", "not-a-table", "not-an-int"],
)
def test_bad_inputs_and_bad_data_are_one_line_of_cause_and_one_of_fix(project: Project, tmp_path: Path, args, cause, fix):
    digests = project.after_a_run().digests()
    no_label = tmp_path / "no_label.csv"
    no_label.write_text("".join(",".join(line.split(",")[1:]) + "\n" for line in (project.path / RAW).read_text().splitlines()))
    not_parquet = tmp_path / "predictions.parquet"
    not_parquet.write_text("not a table")
    args = [{"NO_LABEL": str(no_label), "NOT_PARQUET": str(not_parquet)}.get(arg, arg) for arg in args]
    result = project.run("src/", *args, check=False)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, result.stderr
    assert lines[0].startswith("error: ") and cause in lines[0], lines[0]
    assert lines[1].startswith("  fix: ") and fix in lines[1], lines[1]
    assert project.digests() == digests, "data/ does not hold the previous run's files"
    assert project.last_run()["status"] == "failed; data/ holds the previous run's files"
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


def test_the_report_is_one_page_worth_opening(project: Project):
    project.full()
    page = report_of(project)
    metrics = project.metrics()
    assert page.headings[0] == f"Model report: {metrics['model']}"
    ids = ["run", "headline", "scores", "gates", "leaderboard", "thresholds", "confusion-matrix", "importance", "missing", "dropped", "balance"]
    assert [id for id in page.tables if id] == ids
    run = page.rows("run")
    assert run["Data"] == [f"breast_cancer.csv (sha256 {metrics['data']['sha256'][:12]})"]
    assert run["Problem type"] == ["binary"] and run["Code version"] == [metrics["code_version"]]
    split_rows = dict(part.split() for part in run["Rows"][0].split(", "))
    assert list(split_rows) == ["train", "test", "validation"]
    assert sum(map(int, split_rows.values())) == 569 and int(split_rows["validation"]) == metrics["samples"]
    headline = page.rows("headline")
    assert headline["Chosen model"][0] == metrics["model"] and headline["Validation roc_auc"][0] == f"{metrics['score']:.4g}"
    assert headline["Baseline (dummy model)"][:1] == [f"{metrics['baseline']['roc_auc']:.4g}"]
    if metrics["previous"]:  # earlier tests ran other models: the last one is the previous run
        assert headline["Previous run"][:1] == [f"{metrics['previous']['score']:.4g}"]
    assert page.tables["scores"][0] == ["Metric", "Train", "Validation", "Baseline"]
    assert page.rows("scores") == {
        name: [f"{metrics[part][name]:.4g}" for part in ("train_metrics", "metrics", "baseline")] for name in metrics["metrics"]
    }
    assert page.rows("gates") == {"beats the baseline on roc_auc": ["passed", f"{metrics['score']:.4g}", f"{metrics['baseline']['roc_auc']:.4g}"]}
    board = page.tables["leaderboard"][1:]
    assert len(board) == len(metrics["candidates"]) == 7
    assert board[0][:2] == [f"{metrics['model']} (chosen)", json.dumps(metrics["params"])]
    assert [float(row[2]) for row in board] == sorted((float(row[2]) for row in board), reverse=True)
    # Binary: the curves, the thresholds (0.5 used), the confusion matrix.
    for id in ("roc-curve", "pr-curve", "calibration-curve"):
        assert page.images[id].startswith("data:image/png;base64,"), id
    thresholds = page.rows("thresholds")
    assert list(thresholds) == ["0.1", "0.2", "0.3", "0.4", "0.5 (used)", "0.6", "0.7", "0.8", "0.9"]
    assert thresholds["0.5 (used)"][:3] == [f"{metrics['metrics'][name]:.4g}" for name in ("precision", "recall", "f1")]
    matrix = page.tables["confusion-matrix"]
    assert matrix[0] == ["", "predicted B", "predicted M"]
    assert [row[0] for row in matrix[1:]] == ["true B", "true M"]
    counts = [[int(cell) for cell in row[1:]] for row in matrix[1:]]
    assert sum(map(sum, counts)) == metrics["samples"]
    assert (counts[0][0] + counts[1][1]) / metrics["samples"] == pytest.approx(metrics["metrics"]["accuracy"])
    importance = page.rows("importance")
    assert 0 < len(importance) <= 15 and set(importance) <= set((project.path / RAW).read_text().splitlines()[0].split(","))
    # The data: nothing missing nor dropped in the sample; the class balance per split.
    assert page.rows("missing") == {"none": ["0", "0%"]} and page.rows("dropped") == {"none": ["0"]}
    balance = page.rows("balance")
    assert page.tables["balance"][0] == ["Split", "Rows", "B", "M"]
    assert {split: int(row[0]) for split, row in balance.items()} == {name: int(rows) for name, rows in split_rows.items()}
    assert page.external == []


def test_the_deck_opens_on_the_report(project: Project):
    temp = Path(project.env["TMPDIR"])
    before = set(temp.rglob("deck.html"))
    project.full("--seed", "7")  # another split: reporting runs, and writes its deck
    decks = set(temp.rglob("deck.html")) - before
    assert len(decks) == 1
    page = Page(decks.pop().read_text(encoding="utf-8"))
    assert page.tabs[0] == "Model report"
    assert "Timeline" not in page.tabs
    assert page.headings[0] == f"Model report: {project.metrics()['model']}"
    assert page.tables["scores"][0] == ["Metric", "Train", "Validation", "Baseline"]
    assert page.images["roc-curve"].startswith("data:image/png;base64,")


def test_a_cached_run_imports_no_heavy_library(project: Project):
    project.full()
    project.full()  # once the run is in the history, nothing runs again
    # The environment variable, not -X importtime: ./run runs the workflow in a child process.
    env = {**project.env, "PYTHONPROFILEIMPORTTIME": "1"}
    python = str(project.path / ".venv" / "bin" / "python")
    command = [python, "scripts/run_local.py", "src/workflows/full.py", "full", "--raw_data", RAW]
    result = subprocess.run(command, cwd=project.path, env=env, capture_output=True, text=True, check=True)
    assert steps(result.stdout) == ([], STEPS)
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert {"tasks.train_model", "tasks.reporting"} <= imported
    assert not {"sklearn", "scipy", "matplotlib", "pandas"} & imported
