"""The model report: one self-contained HTML page (08_reporting/report.html), also
shown as the task's Flyte Deck."""

from __future__ import annotations

import base64
import io
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from flytekit import Deck
from flytekit.deck import DeckField

from tasks.content_hash import HashedFile, ParquetFile
from tasks.evaluate import Metrics
from tasks.generate_model_output import load_model
from tasks.layers import REPORT, read_table, save
from tasks.process_raw_data import LABEL_COLUMN, POSITIVE_LABEL, TARGET_COLUMN
from tasks.settings import pipeline_task

if TYPE_CHECKING:
    import pandas as pd
    from sklearn.pipeline import Pipeline

# Scoped to the report, so that it styles the report alone inside the Flyte Deck too.
STYLE = """
.report { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto;
          padding: 0 1rem; color: #1f2328; }
.report .subtitle { color: #656d76; margin-top: 0; }
.report table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
.report th, .report td { border: 1px solid #d0d7de; padding: 0.35rem 0.8rem;
                         text-align: right; }
.report th:first-child, .report td:first-child { text-align: left; }
.report thead th { background: #f6f8fa; }
.report caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
.report img { max-width: 26rem; }
"""


def table(id: str, caption: str, header: list[str], rows: list[list[str]]) -> str:
    """An HTML table; every cell is escaped."""
    head = "".join(f"<th>{escape(cell)}</th>" for cell in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    return (
        f'<table id="{id}"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def metrics_table(metrics: Metrics) -> str:
    """The headline metrics: shares as percentages, ROC AUC as a fraction."""
    rows = [
        ["Accuracy", f"{metrics.accuracy:.1%}"],
        ["Precision", f"{metrics.precision:.1%}"],
        ["Recall", f"{metrics.recall:.1%}"],
        ["F1 score", f"{metrics.f1:.1%}"],
        ["ROC AUC", f"{metrics.roc_auc:.3f}"],
    ]
    caption = f"Validation metrics ({metrics.samples} rows)"
    return table("metrics", caption, ["Metric", "Value"], rows)


def model_table(model: Pipeline) -> str:
    """What was trained, and the regularization train_model chose."""
    estimator = model[-1]
    rows = [
        ["Model", " + ".join(type(step).__name__ for step in model)],
        ["Chosen regularization (C)", f"{estimator.C:g}"],
    ]
    return table("model", "Model", ["", ""], rows)


def confusion_matrix_table(predictions: pd.DataFrame) -> str:
    """Counts of validation rows by true class (rows) and predicted class (columns)."""
    counts = predictions.groupby(["target", "prediction"]).size()
    classes = [(0, f"not {POSITIVE_LABEL}"), (1, POSITIVE_LABEL)]
    rows = [
        [f"true {name}"] + [str(counts.get((actual, guess), 0)) for guess, _ in classes]
        for actual, name in classes
    ]
    header = ["", *(f"predicted {name}" for _, name in classes)]
    caption = f"Confusion matrix ({LABEL_COLUMN} {POSITIVE_LABEL} is positive)"
    return table("confusion-matrix", caption, header, rows)


def data_table(splits: dict[str, pd.DataFrame]) -> str:
    """Rows per split and their class balance."""
    rows = [
        [
            name,
            str(len(split)),
            str(int(split[TARGET_COLUMN].sum())),
            f"{split[TARGET_COLUMN].mean():.1%}",
        ]
        for name, split in splits.items()
    ]
    header = ["Split", "Rows", f"{LABEL_COLUMN} {POSITIVE_LABEL}", "Positive share"]
    return table("data", "Data", header, rows)


def roc_curve_image(predictions: pd.DataFrame, roc_auc: float) -> str:
    """The ROC curve of the validation predictions, as an inline PNG <img> tag."""
    from matplotlib.figure import Figure
    from sklearn.metrics import roc_curve

    false_positive_rate, true_positive_rate, _ = roc_curve(
        predictions["target"], predictions["score"]
    )
    figure = Figure(figsize=(5, 5))
    axes = figure.subplots()
    axes.plot(
        false_positive_rate, true_positive_rate, label=f"model (AUC {roc_auc:.3f})"
    )
    axes.plot([0, 1], [0, 1], linestyle="--", label="chance")
    axes.set_xlabel("False positive rate")
    axes.set_ylabel("True positive rate")
    axes.set_title("ROC curve (validation set)")
    axes.legend(loc="lower right")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (
        f'<img id="roc-curve" alt="ROC curve" src="data:image/png;base64,{encoded}"/>'
    )


def render_report(
    metrics: Metrics,
    predictions: pd.DataFrame,
    model: Pipeline,
    splits: dict[str, pd.DataFrame],
) -> str:
    """The report, with its style: metrics, model, confusion matrix, ROC curve, data."""
    return "\n".join(
        [
            f"<style>{STYLE}</style>",
            '<div class="report">',
            "<h1>Model report</h1>",
            '<p class="subtitle">Measured on the validation set, which the model'
            " and its regularization never saw.</p>",
            metrics_table(metrics),
            model_table(model),
            confusion_matrix_table(predictions),
            "<h2>ROC curve</h2>",
            roc_curve_image(predictions, metrics.roc_auc),
            data_table(splits),
            "</div>",
        ]
    )


def html_page(report: str) -> str:
    """One self-contained page: its style and its image are inline."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        f"<title>Model report</title></head>\n<body>\n{report}\n</body>\n</html>\n"
    )


# The deck opens on the report: flytekit's timeline deck, which would come first, is
# left out.
@pipeline_task(
    enable_deck=True,
    deck_fields=(DeckField.INPUT, DeckField.OUTPUT, DeckField.SOURCE_CODE),
)
def reporting_task(
    metrics: HashedFile,
    predictions: ParquetFile,
    model: HashedFile,
    train: ParquetFile,
    test: ParquetFile,
    validation: ParquetFile,
) -> HashedFile:
    """Show the report as the task's Flyte Deck and return it as an HTML file."""
    splits = {"train": train, "test": test, "validation": validation}
    report = render_report(
        Metrics.from_json(Path(metrics.download()).read_text(encoding="utf-8")),
        read_table(predictions),
        load_model(model.download()),
        {name: read_table(file) for name, file in splits.items()},
    )
    Deck("Model report", report)
    return save(
        REPORT, lambda path: path.write_text(html_page(report), encoding="utf-8")
    )
