from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from tasks.evaluate import Metrics
from tasks.reporting import html_page, render_report, reporting_task

METRICS = Metrics(
    accuracy=0.75, precision=1.0, recall=0.5, f1=2 / 3, roc_auc=0.95, samples=4
)
PREDICTIONS = pd.DataFrame(
    {"target": [1, 0, 1, 0], "prediction": [1, 0, 0, 0], "score": [0.8, 0.2, 0.4, 0.1]}
)
DATA = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "target": [0, 1, 0, 1]})
SPLITS = {"train": pd.concat([DATA, DATA]), "test": DATA.head(3), "validation": DATA}


def model():
    return make_pipeline(StandardScaler(), LogisticRegression(C=0.1)).fit(
        DATA[["x"]], DATA["target"]
    )


class Page(HTMLParser):
    """What a reader sees in a report: its tables (by id, as rows of cell texts), its
    images, and every external reference (there should be none)."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.images: dict[str, str] = {}
        self.external: list[str] = []
        self._table = None
        self._cell = None
        self.feed(html)

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

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._table[-1].append(self._cell.strip())
            self._cell = None
        elif tag == "table":
            self._table = None


def test_report_shows_formatted_metrics_model_confusion_matrix_and_data():
    page = Page(html_page(render_report(METRICS, PREDICTIONS, model(), SPLITS)))
    assert page.tables["metrics"][1:] == [
        ["Accuracy", "75.0%"],
        ["Precision", "100.0%"],
        ["Recall", "50.0%"],
        ["F1 score", "66.7%"],
        ["ROC AUC", "0.950"],
    ]
    assert ["Chosen regularization (C)", "0.1"] in page.tables["model"]
    assert page.tables["confusion-matrix"] == [
        ["", "predicted not M", "predicted M"],
        ["true not M", "2", "0"],
        ["true M", "1", "1"],
    ]
    assert page.tables["data"][1:] == [
        ["train", "8", "4", "50.0%"],
        ["test", "3", "1", "33.3%"],
        ["validation", "4", "2", "50.0%"],
    ]
    assert page.images["roc-curve"].startswith("data:image/png;base64,")
    assert page.external == []


def test_task_writes_the_report_layer(table_file, tmp_path: Path, project_root: Path):
    import joblib

    metrics = tmp_path / "metrics.json"
    metrics.write_text(METRICS.to_json())
    model_file = tmp_path / "model.joblib"
    joblib.dump(model(), model_file)
    report = reporting_task(
        metrics=str(metrics),
        predictions=table_file(PREDICTIONS, "predictions"),
        model=str(model_file),
        **{name: table_file(split, name) for name, split in SPLITS.items()},
    )
    assert Path(report.path) == project_root / "data/08_reporting/report.html"
    page = Page(Path(report.path).read_text(encoding="utf-8"))
    assert page.tables["metrics"][1] == ["Accuracy", "75.0%"]
