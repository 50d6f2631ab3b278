"""Summarise and visualise model performance as a Flyte Deck and an HTML report."""

import base64
import io
from dataclasses import asdict
from pathlib import Path

import pandas as pd
from flytekit import Cache, Deck, Resources, current_context, task
from flytekit.types.file import FlyteFile
from matplotlib.figure import Figure
from sklearn.metrics import roc_curve

from tasks.evaluate import Metrics


def metrics_table(metrics: Metrics) -> str:
    """An HTML table with one row per metric."""
    rows = pd.DataFrame(
        {"metric": list(asdict(metrics)), "value": asdict(metrics).values()}
    )
    return rows.to_html(index=False, float_format="{:.4f}".format)


def roc_curve_image(predictions: pd.DataFrame) -> str:
    """The ROC curve of the validation predictions as an inline PNG <img> tag."""
    false_positive_rate, true_positive_rate, _ = roc_curve(
        predictions["target"], predictions["score"]
    )
    figure = Figure(figsize=(5, 5))
    axes = figure.subplots()
    axes.plot(false_positive_rate, true_positive_rate, label="model")
    axes.plot([0, 1], [0, 1], linestyle="--", label="chance")
    axes.set_xlabel("False positive rate")
    axes.set_ylabel("True positive rate")
    axes.set_title("ROC curve (validation set)")
    axes.legend(loc="lower right")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="ROC curve" src="data:image/png;base64,{encoded}"/>'


def render_report(metrics: Metrics, predictions: pd.DataFrame) -> str:
    """The whole report as one HTML page."""
    return (
        "<h2>Validation metrics</h2>"
        + metrics_table(metrics)
        + "<h2>ROC curve</h2>"
        + roc_curve_image(predictions)
    )


@task(
    cache=Cache(version="1"),
    requests=Resources(cpu="1", mem="1Gi"),
    enable_deck=True,
)
def reporting_task(metrics: Metrics, predictions: pd.DataFrame) -> FlyteFile:
    """Show the report as a Flyte Deck and return it as an HTML file."""
    report = render_report(metrics, predictions)
    Deck("Model report", report)
    path = Path(current_context().working_directory) / "report.html"
    path.write_text(f"<html><body>{report}</body></html>", encoding="utf-8")
    return FlyteFile(str(path))
