"""Your data, your model (issues "Your data" and "Your model"): a project made with
`flyte-pipeline new NAME --data FILE --target COLUMN` on tables it was not designed on
(tables.py: binary churn.csv with text labels, gaps, an id and a date; multiclass
wine.parquet; regression diabetes.csv) and on the sample, passes its own tests, trains a
model that beats the baseline and reports on it with the sections of its problem type.
On the binary table: a failing gate, one candidate added, the candidate table swapped,
bad candidates and bad data, the remote plan, and the report in a real browser."""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import os
import re
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from local_project import FIT_LINE, LAYERS, Project, edited, headline, new_project, report_of, steps
from repo_paths import ROOT
from tables import TABLES

TABLES_SCRIPT = Path(__file__).with_name("tables.py")
# name -> (file, target, problem type): the tables of tables.py, and the sample.
SOURCES = {**TABLES, "sample": ("breast_cancer.csv", "diagnosis", "binary")}
SELECTION_METRIC = {"binary": "roc_auc", "multiclass": "f1_macro", "regression": "rmse"}
# The default candidates (src/candidates.py): 3 + 2 + 2 settings.
DEFAULT_SETTINGS = {
    "binary": {"logistic_regression": 3, "hist_gradient_boosting": 2, "random_forest": 2},
    "multiclass": {"logistic_regression": 3, "hist_gradient_boosting": 2, "random_forest": 2},
    "regression": {"ridge": 3, "hist_gradient_boosting": 2, "random_forest": 2},
}
COMMON_TABLES = {"run", "headline", "scores", "gates", "leaderboard", "importance", "missing", "dropped", "balance"}
TYPE_TABLES = {"binary": {"thresholds", "confusion-matrix"}, "multiclass": {"per-class", "confusion-matrix"}, "regression": set()}
TYPE_IMAGES = {
    "binary": {"roc-curve", "pr-curve", "calibration-curve"},
    "multiclass": {"roc-curve"},
    "regression": {"predicted-vs-actual", "residuals", "error-histogram"},
}
TYPE_HEADING = {"binary": "Binary classification", "multiclass": "Multiclass classification", "regression": "Regression"}
CHROMIUM = Path("/usr/bin/chromium")
FAILED = "failed; data/ holds the previous run's files"


@dataclass
class Made:
    """A project made on one table, after `make test` and `./run src/ full`."""

    project: Project
    file: str
    target: str
    problem_type: str
    make_test: subprocess.CompletedProcess[str]
    full: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def made(project: Project, workspace: Path) -> dict[str, Made]:
    """Each table, through the bin (`new NAME --data FILE --target COLUMN`), then, as its
    user would: `make test` and `./run src/ full`, two projects at a time."""
    tables = workspace / "tables"
    project.python(str(TABLES_SCRIPT), str(tables))
    paths = {name: tables / file for name, (file, _, _) in TABLES.items()}
    paths["sample"] = project.path / "data" / "01_raw" / "breast_cancer.csv"
    projects = {name: new_project(project, workspace / "yours", name, "--data", str(paths[name]), "--target", SOURCES[name][1]) for name in SOURCES}
    # A user's shell leaves Flyte's local cache at its default (the tests turn it off).
    shell = {key: value for key, value in project.env.items() if key != "FLYTE_LOCAL_CACHE_ENABLED"}

    def test_and_run(name: str) -> Made:
        made_project = projects[name]
        tested = subprocess.run(["make", "test"], cwd=made_project.path, env=shell, capture_output=True, text=True, timeout=900)
        return Made(made_project, *SOURCES[name], tested, made_project.full(check=False))

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(SOURCES, pool.map(test_and_run, SOURCES)))


@pytest.fixture
def churn(made: dict[str, Made]) -> Project:
    """The binary table's project, after a passing run."""
    assert made["churn"].full.returncode == 0, made["churn"].full.stderr
    return made["churn"].project


def tail(result: subprocess.CompletedProcess[str], lines: int = 40) -> str:
    return "\n".join((result.stdout + result.stderr).splitlines()[-lines:])


@pytest.mark.parametrize("name", SOURCES)
def test_make_test_passes_on_your_data(made: dict[str, Made], name: str):
    result = made[name].make_test
    assert result.returncode == 0, tail(result)
    assert re.search(r"^=+ \d+ passed", result.stdout, re.M), tail(result)  # the tests ran


@pytest.mark.parametrize("name", SOURCES)
def test_full_trains_a_model_that_beats_the_baseline(made: dict[str, Made], name: str):
    one = made[name]
    assert one.full.returncode == 0, tail(one.full)
    metrics = one.project.metrics()
    kind = one.problem_type
    assert metrics["problem_type"] == kind and metrics["target"] == one.target
    metric = SELECTION_METRIC[kind]
    assert metrics["selection_metric"] == metric and metrics["lower_is_better"] == (metric == "rmse")
    score, baseline = metrics["score"], metrics["baseline"][metric]
    assert score < baseline if metric == "rmse" else score > baseline, (metric, score, baseline)
    assert set(metrics["metrics"]) == set(metrics["baseline"]) == set(metrics["train_metrics"])
    assert {"binary": {"roc_auc", "f1"}, "multiclass": {"f1_macro", "accuracy"}, "regression": {"rmse", "mae", "r2"}}[kind] <= set(metrics["metrics"])
    # Every setting of the default candidates, once; the chosen one the best on the test set.
    candidates = metrics["candidates"]
    settings = {(row["model"], json.dumps(row["params"], sort_keys=True)) for row in candidates}
    assert len(settings) == len(candidates) == 7
    assert Counter(row["model"] for row in candidates) == DEFAULT_SETTINGS[kind]
    best = (min if metric == "rmse" else max)(row["score"] for row in candidates)
    (chosen,) = [row for row in candidates if (row["model"], row["params"]) == (metrics["model"], metrics["params"])]
    assert chosen["score"] == best
    assert [gate["passed"] for gate in metrics["gates"]] == [True]
    assert metrics["previous"] is None  # a new project's first run: no history
    # The data it was trained on: the copy new made, its hash, the columns left out.
    raw = one.project.path / "data" / "01_raw" / one.file
    assert metrics["data"]["file"] == one.file
    assert metrics["data"]["sha256"] == hashlib.sha256(raw.read_bytes()).hexdigest()
    assert metrics["data"]["leave_out"] == (["customer_id"] if name == "churn" else [])
    # The summary says it.
    ran, cached = steps(one.full.stdout)
    assert "fit_candidate (each setting)" in ran and cached == []
    model, validation, *rest = headline(metrics)
    lines = one.full.stdout.splitlines()
    start = lines.index(model)
    assert lines[start + 1].startswith(validation) and lines[start + 2 : start + 4] == rest


@pytest.mark.parametrize("name", SOURCES)
def test_the_report_has_the_sections_of_its_type(made: dict[str, Made], name: str):
    one = made[name]
    metrics = one.project.metrics()
    kind = one.problem_type
    page = report_of(one.project)
    assert page.headings[0] == f"Model report: {metrics['model']}"
    assert {TYPE_HEADING[kind], "The data"} <= set(page.headings)
    assert set(page.tables) - {""} == COMMON_TABLES | TYPE_TABLES[kind]
    assert set(page.images) == TYPE_IMAGES[kind]
    for id, source in page.images.items():
        assert source.startswith("data:image/png;base64,"), id
        assert base64.b64decode(source.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n", id
    assert page.external == []
    # The leaderboard: every candidate, in the order of metrics.json (best first).
    board = page.tables["leaderboard"][1:]
    assert [(row[0].removesuffix(" (chosen)"), row[1]) for row in board] == [(row["model"], json.dumps(row["params"])) for row in metrics["candidates"]]
    assert [row[0].endswith(" (chosen)") for row in board] == [True] + [False] * (len(board) - 1)
    importance = page.rows("importance")
    assert importance and not set(importance) & {one.target, *metrics["data"]["leave_out"]}
    samples = metrics["samples"]
    if kind != "regression":
        classes = metrics["classes"]
        matrix = page.tables["confusion-matrix"]
        assert matrix[0] == ["", *(f"predicted {name}" for name in classes)]
        assert [row[0] for row in matrix[1:]] == [f"true {name}" for name in classes]
        assert page.tables["balance"][0] == ["Split", "Rows", *classes]
    if kind == "binary":
        assert "0.5 (used)" in page.rows("thresholds")
        counts = [[int(cell) for cell in row[1:]] for row in matrix[1:]]
        assert sum(map(sum, counts)) == samples
    if kind == "multiclass":
        per_class = page.rows("per-class")
        assert list(per_class) == classes and sum(int(row[-1]) for row in per_class.values()) == samples
        for row in matrix[1:]:  # shares of each true class
            assert sum(int(cell.rstrip("%")) for cell in row[1:]) == pytest.approx(100, abs=len(classes))
    if kind == "regression":
        assert page.tables["balance"][0] == ["Split", "Rows", "Mean", "Std", "Min", "Median", "Max"]
    if name == "churn":  # the gaps, counted; the id left out
        missing = page.rows("missing")
        assert {"region", "tenure_months"} <= set(missing) and "customer_id" not in missing
        assert {"signup_date", "region", "plan"} <= set(importance)


def test_the_report_in_a_browser(made: dict[str, Made], tmp_path: Path):
    """The binary report rendered by headless Chromium: the screenshot is kept as a test
    artefact ($TEST_ARTIFACTS, else test-artifacts/ in the repository)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed: no browser to look at the report with")
    one = made["churn"]
    folder = Path(os.environ.get("TEST_ARTIFACTS") or ROOT / "test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    screenshot = folder / "report-churn.png"
    screenshot.unlink(missing_ok=True)
    report = (one.project.path / LAYERS["report"]).resolve()
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    command = [str(CHROMIUM), *flags, f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,4000", f"--screenshot={screenshot}", report.as_uri()]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180, env={**one.project.env, "HOME": str(tmp_path)})
    assert result.returncode == 0 and screenshot.is_file(), result.stderr[-2000:]
    assert screenshot.stat().st_size > 20_000
    # What is on it (Pillow comes with matplotlib): a page, mostly white, with text, tables
    # and the plots drawn (matplotlib's first colour, #1f77b4, is the curves').
    measure = (
        "import json, sys; from PIL import Image;"
        "image = Image.open(sys.argv[1]).convert('RGB'); colors = image.getcolors(1 << 24);"
        "total = image.width * image.height;"
        "white = sum(n for n, rgb in colors if min(rgb) >= 245) / total;"
        "blue = sum(n for n, (r, g, b) in colors if abs(r - 31) + abs(g - 119) + abs(b - 180) < 40);"
        "print(json.dumps({'size': image.size, 'colors': len(colors), 'white': white, 'blue': blue}))"
    )
    seen = json.loads(one.project.python("-c", measure, str(screenshot)).stdout)
    assert seen["size"] == [1200, 4000]
    assert seen["colors"] > 200 and 0.5 < seen["white"] < 0.99 and seen["blue"] > 200, seen


def test_the_remote_plan_launches_with_the_declared_data(churn: Project):
    """`./run --remote --dry-run src/ full` with another registry and no cloud at all."""
    env = {key: value for key, value in churn.env.items() if not key.startswith("AWS_")}
    env["REGISTRY"] = "127.0.0.1:5000"
    result = churn.run("--remote", "--dry-run", "src/", "full", check=False, env=env)
    if result.returncode != 0 and re.search(r"AWS credentials|flytectl", result.stderr):
        pytest.xfail(f"the plan needs a cloud: {result.stderr.strip()}")
    assert result.returncode == 0, tail(result)
    assert re.search(r"^  image     127\.0\.0\.1:5000/churn:[0-9a-f]{16}$", result.stdout, re.M), result.stdout
    launch = re.search(r"^  launch    run   launch plan workflows\.full\.full @ \S+ with (\{.*?\})(?:;|$)", result.stdout, re.M)
    assert launch and json.loads(launch[1]) == {"raw_data": "data/01_raw/churn.csv"}, result.stdout


def test_a_failing_gate_writes_the_report_then_fails_the_run(churn: Project):
    report = (churn.path / LAYERS["report"]).resolve()
    started = time.time_ns()
    with edited(churn.path / "src" / "candidates.py", lambda text: text.replace("min_score=None", "min_score=0.999")):
        result = churn.full(check=False)
    assert result.returncode == 1, tail(result)
    metrics = churn.metrics()
    score = metrics["score"]
    assert result.stderr.splitlines() == [
        f"error: gate failed: roc_auc at least 0.999: {score:.4g} against 0.999 (report: {report})",
        "  fix: improve the model or the data, or change GATES in src/candidates.py",
    ]
    assert metrics["gates"][1] == {"name": "roc_auc at least 0.999", "passed": False, "value": score, "threshold": 0.999}
    # The report of this run, written first, says which gate failed.
    assert report.stat().st_mtime_ns >= started
    assert report_of(churn).rows("gates") == {
        "beats the baseline on roc_auc": ["passed", f"{score:.4g}", f"{metrics['baseline']['roc_auc']:.4g}"],
        "roc_auc at least 0.999": ["FAILED", f"{score:.4g}", "0.999"],
    }
    last_run = churn.last_run()
    assert last_run["status"] == "failed a gate" and last_run["error"].startswith("gate failed: roc_auc at least 0.999")
    # The gate back as it was: the run passes again.
    churn.full()
    assert [gate["passed"] for gate in churn.metrics()["gates"]] == [True]
    assert churn.last_run()["status"] == "succeeded"


def fits(stdout: str) -> tuple[list[str], list[str]]:
    """The settings train_model fitted, and those it took from its memo, by model name."""
    lines = FIT_LINE.findall(stdout)
    return [model for model, *_, seconds in lines if seconds], [model for model, *_, seconds in lines if not seconds]


def test_adding_one_candidate_trains_only_that_one(churn: Project):
    churn.full()
    extra = 'CANDIDATES["binary"] = CLASSIFIERS + [Candidate("extra_trees", "sklearn.ensemble.ExtraTreesClassifier", {"n_estimators": [50], "random_state": [0]})]\n'
    with edited(churn.path / "src" / "candidates.py", lambda text: text + extra):
        result = churn.full()
        trained, memo = fits(result.stdout)
        assert trained == ["extra_trees"] and len(memo) == 7, result.stdout
        assert {"process_raw_data", "generate_model_input"} <= set(steps(result.stdout)[1])
        assert len(churn.metrics()["candidates"]) == 8
    result = churn.full()
    assert fits(result.stdout)[0] == [] and len(churn.metrics()["candidates"]) == 7, result.stdout


def test_a_single_random_forest_in_place_of_the_candidates_works_with_no_other_edit(churn: Project):
    swap = 'CANDIDATES["binary"] = [Candidate("random_forest", "sklearn.ensemble.RandomForestClassifier", {"n_estimators": [50]})]\n'
    with edited(churn.path / "src" / "candidates.py", lambda text: text + swap):
        result = churn.full()
        assert fits(result.stdout) == (["random_forest"], []), result.stdout
        metrics = churn.metrics()
        assert (metrics["model"], metrics["params"]) == ("random_forest", {"n_estimators": 50})
        assert [(row["model"], row["params"]) for row in metrics["candidates"]] == [("random_forest", {"n_estimators": 50})]
        page = report_of(churn)
        assert page.headings[0] == "Model report: random_forest"
        assert page.rows("headline")["Chosen model"][0] == "random_forest"
        assert [row[:2] for row in page.tables["leaderboard"][1:]] == [["random_forest (chosen)", '{"n_estimators": 50}']]
        assert page.rows("importance")
        card = (churn.path / LAYERS["model_card"]).read_text()
        assert card.startswith("# Model card: random_forest\n") and '{"n_estimators": 50}' in card
    churn.full()
    assert len(churn.metrics()["candidates"]) == 7


@pytest.mark.parametrize(
    "row, cause, fix",
    [
        ('Candidate("ordered", "collections.OrderedDict", {})', "candidate 'ordered': 'collections.OrderedDict' is not an estimator (no fit method)", "give a scikit-learn-compatible estimator class"),
        ('Candidate("forest", "sklearn.ensemble.RandomForestClassifier", {"n_trees": [10]})', "candidate 'forest': RandomForestClassifier takes no parameter 'n_trees'", "use one of: bootstrap, "),
        ('Candidate("nothing", "sklearn.ensemble.NoSuchForest", {})', "candidate 'nothing': 'sklearn.ensemble.NoSuchForest' cannot be imported", "give an estimator's import path"),
    ],
    ids=["not-an-estimator", "unknown-parameter", "not-importable"],
)
def test_a_bad_candidate_is_one_error_before_anything_trains(churn: Project, row: str, cause: str, fix: str):
    digests = churn.digests()
    added = f'CANDIDATES["binary"] = CLASSIFIERS + [{row}]\n'
    with edited(churn.path / "src" / "candidates.py", lambda text: text + added):
        result = churn.full(check=False)
    assert_one_error(result, "error: src/candidates.py: ", cause, fix)
    assert FIT_LINE.search(result.stdout) is None, result.stdout
    assert churn.digests() == digests and churn.last_run()["status"] == FAILED


@pytest.fixture(scope="module")
def bad_tables(made: dict[str, Made]) -> Iterator[dict[str, str]]:
    """Raw files beside churn.csv, each wrong in one way: name -> path from the project root."""
    raw = made["churn"].project.path / "data" / "01_raw"
    with open(raw / "churn.csv", newline="") as stream:
        header, *rows = list(csv.reader(stream))
    target = header.index("churned")
    stay, leave = [row for row in rows if row[target] == "no"], [row for row in rows if row[target] == "yes"]
    tables = {"one_class.csv": [header, *stay], "few_rows.csv": [header, *stay[:3], *leave[:3]], "empty.csv": [header]}
    for name, table in tables.items():
        with open(raw / name, "w", newline="") as stream:
            csv.writer(stream).writerows(table)
    (raw / "binary.csv").write_bytes(bytes(range(256)) * 40)
    yield {name.split(".")[0]: f"data/01_raw/{name}" for name in [*tables, "binary.csv"]}
    for name in [*tables, "binary.csv"]:
        (raw / name).unlink()


def declare(**fields: str) -> Callable[[str], str]:
    """An edit of src/dataset.py: each field set to a Python expression."""

    def change(text: str) -> str:
        for field, value in fields.items():
            text = re.sub(rf"^    {field}=.*,$", lambda _: f"    {field}={value},", text, count=1, flags=re.M)
        return text

    return change


@pytest.mark.parametrize(
    "fields, cause, fix",
    [
        ({"target": '"no_such_column"'}, "the data has no target column 'no_such_column' (its columns: customer_id, signup_date, ", "set target in src/dataset.py to the column to predict"),
        ({"raw_data": "one_class"}, "every row has the same target value ('no'): there is nothing to learn", "give rows of at least two classes"),
        ({"problem_type": '"regression"', "positive_class": '""'}, "the target 'churned' holds text (e.g. ", 'set problem_type in src/dataset.py to "multiclass" or "auto"'),
        ({"raw_data": "few_rows"}, "6 rows are too few to train, test and validate a model on", "give at least 10 rows with a target value"),
        ({"raw_data": "empty"}, "empty.csv has no rows", "point raw_data in src/dataset.py at a table with data"),
        ({"raw_data": "binary"}, "binary.csv is not a readable CSV table", "point raw_data in src/dataset.py at a CSV file with a header row, or a Parquet file"),
        ({"raw_data": '"data/01_raw/churn.xlsx"'}, "src/dataset.py: raw_data 'data/01_raw/churn.xlsx' is not a CSV or Parquet file", "point raw_data at a .csv or .parquet file"),
        ({"leave_out": '["customer_id", "no_such_column"]'}, "src/dataset.py leaves out 'no_such_column', which the data does not have", "remove it from leave_out"),
    ],
    ids=["no-target-column", "one-class", "regression-on-text", "too-few-rows", "empty-table", "not-csv", "not-csv-or-parquet", "unknown-leave-out"],
)
def test_bad_data_is_one_line_of_cause_and_one_of_fix(churn: Project, bad_tables: dict[str, str], fields: dict[str, str], cause: str, fix: str):
    fields = {field: json.dumps(bad_tables[value]) if value in bad_tables else value for field, value in fields.items()}
    digests = churn.digests()
    with edited(churn.path / "src" / "dataset.py", declare(**fields)):
        result = churn.full(check=False)
    assert_one_error(result, "error: ", cause, fix)
    assert "Traceback" not in result.stdout + result.stderr
    assert churn.digests() == digests and churn.last_run()["status"] == FAILED


def assert_one_error(result, start: str, cause: str, fix: str) -> None:
    """A failed run: exit 1, and on stderr one line of cause (starting `start`) and one of fix."""
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2, result.stderr
    assert lines[0].startswith(start) and cause in lines[0], lines[0]
    assert lines[1].startswith("  fix: ") and fix in lines[1], lines[1]
