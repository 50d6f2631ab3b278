"""The report: one self-contained HTML page with the sections of the problem type, the
model card beside the model, and a failed gate that fails the run after both."""

from html.parser import HTMLParser
from pathlib import Path

import joblib
import pytest

from scripts.run_local import find
from tasks.errors import PipelineError
from tasks.generate_model_input import Splits
from tasks.problem import resolve
from tasks.reporting import check_gates_task, html_page, model_card, render_report
from tasks import reporting
from tasks.reporting import reporting_task
from tests.conftest import Trained

TABLES = ["run", "headline", "scores", "gates", "leaderboard"]
TABLES += ["importance", "missing", "dropped", "balance"]
SECTIONS = {
    "binary": {
        "tables": ["thresholds", "confusion-matrix"],
        "images": ["roc-curve", "pr-curve", "calibration-curve"],
    },
    "multiclass": {
        "tables": ["per-class", "confusion-matrix"],
        "images": ["roc-curve"],
    },
    "regression": {
        "tables": [],
        "images": ["predicted-vs-actual", "residuals", "error-histogram"],
    },
}


class Page(HTMLParser):
    """What a reader sees in a report: its tables (by id, as rows of cell texts), its
    images, and every external reference (there should be none)."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.images: dict[str, str] = {}
        self.external: list[str] = []
        self.title = ""
        self._table = None
        self._cell = None
        self._in_title = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href"):
            if attrs.get(name) and not attrs[name].startswith("data:"):
                self.external.append(attrs[name])
        if tag == "table":
            self._table = self.tables.setdefault(attrs["id"], [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = ""
        elif tag == "img":
            self.images[attrs["id"]] = attrs["src"]
        elif tag == "h1":
            self._in_title = True

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._table[-1].append(self._cell.strip())
            self._cell = None
        elif tag == "table":
            self._table = None
        elif tag == "h1":
            self._in_title = False

    def column(self, table: str, header: str) -> list[str]:
        """A table's column below its header cell."""
        head, *rows = self.tables[table]
        return [row[head.index(header)] for row in rows]


# Rendered once per kind of table.
PAGES: dict[str, Page] = {}


@pytest.fixture
def page(kind: str, splits: Splits, trained: Trained) -> Page:
    if kind not in PAGES:
        report = render_report(
            trained.metrics, trained.predictions, trained.model, splits._asdict()
        )
        PAGES[kind] = Page(html_page(report))
    return PAGES[kind]


def test_the_report_has_the_sections_of_its_problem_type(kind: str, page: Page):
    assert set(page.tables) == set(TABLES + SECTIONS[kind]["tables"])
    assert set(page.images) == set(SECTIONS[kind]["images"])
    for source in page.images.values():
        assert source.startswith("data:image/png;base64,") and len(source) > 1000
    assert page.external == []


def test_the_report_shows_the_run_the_model_and_its_scores(
    kind: str, page: Page, trained: Trained
):
    metrics = trained.metrics
    assert page.title == f"Model report: {metrics['model']}"
    run = dict(row for row in page.tables["run"][1:])
    assert (run["Problem type"], run["Target"]) == (kind, trained.problem.target)
    assert page.column("scores", "Metric") == list(metrics["metrics"])
    assert page.column("gates", "Result") == ["passed"]
    models = page.column("leaderboard", "Model")
    assert len(models) == len(trained.leaderboard["candidates"])
    assert models[0] == f"{metrics['model']} (chosen)"
    importance = page.column("importance", "Column")
    assert set(importance) <= {"signup_date", "plan", "usage", "visits", "autopay"}
    assert "id" not in importance


def test_the_data_section_shows_gaps_drops_and_balance(
    kind: str, raw, page: Page, trained: Trained
):
    assert set(page.column("missing", "Column")) == {"plan", "usage"}
    missing = int(raw[trained.problem.target].isna().sum())
    assert trained.metrics["data"]["rows_dropped"] == {"target missing": missing}
    assert page.tables["dropped"][1:] == [["target missing", str(missing)]]
    assert page.column("balance", "Split") == ["train", "test", "validation"]
    if kind != "regression":
        assert page.tables["balance"][0][2:] == list(trained.problem.classes)


@pytest.mark.parametrize("kind", ["regression"])
def test_a_column_without_values_is_left_out_not_imputed(splits: Splits):
    summaries = {
        name: reporting.summarize(split.assign(notes=None))
        for name, split in splits._asdict().items()
    }
    metrics = {"data": {"leave_out": ["id"]}}
    html = reporting.data_section(metrics, summaries, resolve(splits.train))
    assert "notes" not in Page(html).column("missing", "Column")
    assert "Left out of the features: id, notes (no values)." in html


@pytest.mark.parametrize("kind", ["binary"])
def test_a_binary_report_counts_the_confusion_and_the_thresholds(
    page: Page, trained: Trained
):
    predictions = trained.predictions
    assert page.tables["confusion-matrix"][0] == ["", "predicted no", "predicted yes"]
    counts = [
        int(cell) for row in page.tables["confusion-matrix"][1:] for cell in row[1:]
    ]
    assert sum(counts) == len(predictions)
    right = (predictions["target"] == predictions["prediction"]).sum()
    assert counts[0] + counts[3] == right  # the diagonal: true no, true yes
    assert "0.5 (used)" in page.column("thresholds", "Threshold")


@pytest.mark.parametrize("kind", ["binary"])
def test_a_failed_gate_is_shown_as_failed(splits: Splits, trained: Trained):
    metrics = dict(trained.metrics)
    metrics["gates"] = [
        {
            "name": "roc_auc at least 0.99",
            "passed": False,
            "value": 0.9,
            "threshold": 0.99,
        }
    ]
    report = render_report(
        metrics, trained.predictions, trained.model, splits._asdict()
    )
    assert "a gate FAILED: do not ship" in report
    assert Page(report).column("gates", "Result") == ["FAILED"]


def test_the_model_card_says_what_the_model_is_and_how_it_scores(
    kind: str, trained: Trained
):
    card = model_card(trained.metrics)
    metrics = trained.metrics
    assert card.startswith(f"# Model card: {metrics['model']}\n")
    assert f"- Problem: {kind}, target `{trained.problem.target}`" in card
    assert ("positive class `yes`" in card) == (kind == "binary")
    for name, value in metrics["metrics"].items():
        assert f"| {name} | {value:.4g} | " in card
    assert f"| beats the baseline on {metrics['selection_metric']} | passed |" in card


@pytest.fixture
def run_task(splits: Splits, trained: Trained, table_file, json_file, tmp_path):
    """reporting_task on the kind's splits and trained model, as files."""

    def run():
        model = tmp_path / "model.joblib"
        joblib.dump(trained.model, model)
        return reporting_task(
            metrics=json_file(trained.metrics, "metrics"),
            predictions=table_file(trained.predictions, "predictions"),
            model=str(model),
            **{
                name: table_file(split, name)
                for name, split in splits._asdict().items()
            },
        )

    return run


@pytest.mark.parametrize("kind", ["multiclass"])
def test_task_writes_the_report_and_the_model_card(run_task, project_root):
    report, card = run_task()
    assert Path(report.path) == project_root / "data/08_reporting/report.html"
    assert Path(card.path) == project_root / "data/06_models/model_card.md"
    html = Path(report.path).read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "per-class" in Page(html).tables
    assert Path(card.path).read_text().startswith("# Model card: ")


def test_the_task_reads_of_the_validation_set_only_the_rows_it_shuffles(
    splits: Splits, run_task, project_root, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(reporting, "IMPORTANCE_ROWS", 20)
    read_whole = []
    read_table = reporting.read_table

    def reading(file, columns=None):
        if columns is None:
            read_whole.append(Path(file.path).stem)
        return read_table(file, columns)

    monkeypatch.setattr(reporting, "read_table", reading)
    report, _ = run_task()
    assert read_whole == ["predictions"]
    # its first rows: the split left them in random order
    sample = f"a sample of 20 of its {len(splits.validation):,} rows"
    assert sample in Path(report.path).read_text(encoding="utf-8")


def test_check_gates_fails_the_run_on_a_failed_gate(json_file, tmp_path: Path):
    report = tmp_path / "report.html"
    report.write_text("<html></html>")
    passed = {
        "name": "beats the baseline on rmse",
        "passed": True,
        "value": 2.0,
        "threshold": 3.0,
    }
    check_gates_task(
        metrics=json_file({"gates": [passed]}, "metrics"), report=str(report)
    )
    failed = {"name": "rmse at most 1", "passed": False, "value": 2.0, "threshold": 1.0}
    metrics = json_file({"gates": [passed, failed]}, "failed")
    with pytest.raises(Exception) as raised:
        check_gates_task(metrics=metrics, report=str(report))
    error = find(raised.value, PipelineError)
    assert error is not None, raised.value
    assert error.cause.startswith("gate failed: rmse at most 1: 2 against 1 (report: ")
    assert "GATES in src/candidates.py" in error.fix
