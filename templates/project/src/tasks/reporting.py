"""The model report: one self-contained HTML page (08_reporting/report.html), also the
task's Flyte Deck, and the model card beside the model (06_models/model_card.md)."""

from __future__ import annotations

import base64
import io
import json
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from flytekit import Deck
from flytekit.deck import DeckField

from dataset import DATASET
from tasks.content_hash import HashedFile, ParquetFile
from tasks.generate_model_output import load_model
from tasks.layers import MODEL_CARD, REPORT, missing_values, read_head, read_table
from tasks.layers import save
from tasks.problem import Problem, features, labels, resolve
from tasks.settings import PROJECT, pipeline_task
from tasks.train_model import TRAIN_SCORE_ROWS

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

Report = NamedTuple("Report", [("report", HashedFile), ("model_card", HashedFile)])

# Scoped to the report, so that it styles the report alone inside the Flyte Deck too.
STYLE = """
.report { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto;
          padding: 0 1rem; color: #1f2328; }
.report .subtitle { color: #656d76; margin-top: 0; }
.report table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; display: block;
                overflow-x: auto; max-width: 100%; }
.report th, .report td { border: 1px solid #d0d7de; padding: 0.3rem 0.7rem;
                         text-align: right; }
.report th:first-child, .report td:first-child { text-align: left; }
.report thead th { background: #f6f8fa; }
.report caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
.report tr.chosen td { font-weight: 600; background: #ddf4ff; }
.report .passed { color: #1a7f37; font-weight: 600; }
.report .failed { color: #cf222e; font-weight: 600; }
.report img { max-width: 28rem; margin: 0 1rem 1rem 0; vertical-align: top; }
"""
THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
TOP_FEATURES = 15
# Permutation importance scores the model 3 times per column: on the first this many
# validation rows when there are more (its rows are in random order: a random sample),
# it ranks the columns as well.
IMPORTANCE_ROWS = 10_000
MAX_ROC_CLASSES = 10


class SplitSummary(NamedTuple):
    """What the report shows of a split: its rows, the missing values of each column,
    its target and left-out columns, and its first rows (the validation set's
    IMPORTANCE_ROWS, which the permutation importance shuffles)."""

    rows: int
    missing: pd.Series
    columns: pd.DataFrame
    head: pd.DataFrame


def summarize(split: pd.DataFrame, head: int = 0) -> SplitSummary:
    """A split's summary, from the table."""
    columns = split[key_columns(split)]
    return SplitSummary(len(split), split.isna().sum(), columns, split.head(head))


def read_summary(file: ParquetFile, head: int = 0) -> SplitSummary:
    """A split's summary, from its Parquet file: the rows and missing values from the
    file's metadata; only the target and left-out columns read, and the first rows."""
    rows, missing = missing_values(file)
    columns = read_table(file, columns=key_columns(missing))
    return SplitSummary(rows, missing, columns, read_head(file, head))


def key_columns(columns: Any) -> list[str]:
    """Of the target and left-out columns, those among `columns` (resolve says which
    are missing)."""
    return [name for name in DATASET.not_features if name in columns]


def table(id: str, caption: str, header: list[str], rows: list[list[Any]]) -> str:
    """An HTML table; every cell is escaped. A row whose first cell is ("chosen", …)
    is highlighted."""
    head = "".join(f"<th>{escape(str(cell))}</th>" for cell in header)
    body = []
    for row in rows:
        marked = bool(row) and isinstance(row[0], tuple)
        cells = [row[0][1], *row[1:]] if marked else row
        cells_html = "".join(f"<td>{cell_html(cell)}</td>" for cell in cells)
        body.append(f"<tr{' class=chosen' if marked else ''}>{cells_html}</tr>")
    return (
        f'<table id="{id}"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def cell_html(cell: Any) -> str:
    if isinstance(cell, bool):
        return (
            '<span class="passed">passed</span>'
            if cell
            else ('<span class="failed">FAILED</span>')
        )
    return escape(
        number(cell) if cell is None or isinstance(cell, float) else str(cell)
    )


def number(value: Any) -> str:
    """A metric as people read it: 4 significant digits, '–' for none."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def delta(value: float, other: Any, lower_is_better: bool) -> str:
    """`value - other`, signed, with whether it is better."""
    if other is None:
        return "–"
    change = value - other
    if change == 0:
        return "±0"
    improved = (change < 0) == lower_is_better
    return f"{change:+.4g} ({'better' if improved else 'worse'})"


def image(figure: Figure, id: str, alt: str) -> str:
    """A figure as an inline PNG <img> tag."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight", dpi=90)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img id="{id}" alt="{escape(alt)}" src="data:image/png;base64,{encoded}"/>'


def new_figure(size: tuple[float, float] = (5, 4.2)) -> tuple[Figure, Any]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=size)
    return figure, figure.subplots()


def header_section(metrics: dict[str, Any], splits: dict[str, SplitSummary]) -> str:
    data = metrics["data"]
    rows = [
        ["Project", PROJECT],
        ["Data", f"{data.get('file', '?')} (sha256 {str(data.get('sha256'))[:12]})"],
        ["Target", metrics["target"]],
        ["Problem type", metrics["problem_type"]],
        ["Rows", ", ".join(f"{name} {split.rows}" for name, split in splits.items())],
        ["Code version", metrics.get("code_version", "–")],
        ["Report made", datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")],
    ]
    return table("run", "This run", ["", ""], rows)


def headline_section(metrics: dict[str, Any]) -> str:
    metric, lower = metrics["selection_metric"], metrics["lower_is_better"]
    score = metrics["score"]
    baseline = metrics["baseline"][metric]
    previous = metrics.get("previous")
    before = None if previous is None else previous.get("score")
    rows = [
        ["Chosen model", metrics["model"], ""],
        ["Parameters", json.dumps(metrics["params"]), ""],
        [f"Validation {metric}", score, ""],
        ["Baseline (dummy model)", baseline, delta(score, baseline, lower)],
        ["Previous run", before, delta(score, before, lower)],
    ]
    names = list(metrics["metrics"])
    scores = [
        [
            name,
            metrics["train_metrics"][name],
            metrics["metrics"][name],
            metrics["baseline"][name],
        ]
        for name in names
    ]
    return table(
        "headline", f"Headline: {metric}", ["", "Value", "Change"], rows
    ) + table(
        "scores",
        f"Train (a sample of at most {TRAIN_SCORE_ROWS:,} rows) against validation"
        " (and the baseline)",
        ["Metric", "Train", "Validation", "Baseline"],
        scores,
    )


def leaderboard_section(metrics: dict[str, Any]) -> str:
    rows = []
    for candidate in metrics["candidates"]:
        chosen = (
            candidate["model"] == metrics["model"]
            and candidate["params"] == metrics["params"]
        )
        name = (
            ("chosen", f"{candidate['model']} (chosen)")
            if chosen
            else (candidate["model"])
        )
        rows.append(
            [
                name,
                json.dumps(candidate["params"]),
                candidate["score"],
                candidate["train_score"],
            ]
        )
    metric = metrics["selection_metric"]
    header = ["Model", "Parameters", f"Test {metric}", f"Train {metric}"]
    caption = f"Leaderboard: every setting tried ({len(rows)}), best first"
    return table("leaderboard", caption, header, rows)


def binary_section(predictions: pd.DataFrame, problem: Problem) -> str:
    from sklearn.calibration import CalibrationDisplay
    from sklearn.metrics import PrecisionRecallDisplay, RocCurveDisplay
    from sklearn.metrics import precision_recall_fscore_support

    positive = problem.positive_class
    truth = predictions["target"].astype(str).to_numpy()
    hits = truth == positive
    score = predictions["score"].to_numpy()
    images = []
    for display, id, alt in (
        (RocCurveDisplay, "roc-curve", "ROC curve"),
        (PrecisionRecallDisplay, "pr-curve", "Precision-recall curve"),
    ):
        figure, axes = new_figure()
        display.from_predictions(
            truth,
            score,
            pos_label=positive,
            ax=axes,
            name="model",
            plot_chance_level=True,
        )
        axes.set_title(f"{alt} (validation, positive: {positive})")
        images.append(image(figure, id, alt))
    figure, axes = new_figure()
    CalibrationDisplay.from_predictions(
        truth, score, pos_label=positive, n_bins=10, ax=axes, name="model"
    )
    axes.set_title("Calibration (validation)")
    images.append(image(figure, "calibration-curve", "Calibration curve"))
    rows = []
    for threshold in THRESHOLDS:
        precision, recall, f1, _ = precision_recall_fscore_support(
            hits, score >= threshold, average="binary", zero_division=0
        )
        label = f"{threshold:.1f}"
        first = ("chosen", f"{label} (used)") if threshold == 0.5 else label
        rows.append(
            [
                first,
                float(precision),
                float(recall),
                float(f1),
                int((score >= threshold).sum()),
            ]
        )
    thresholds = table(
        "thresholds",
        f"Thresholds: a row is {positive} when its score is at least the threshold",
        ["Threshold", "Precision", "Recall", "F1", "Rows flagged"],
        rows,
    )
    return (
        "<h2>Binary classification</h2>"
        + "".join(images)
        + thresholds
        + confusion_table(predictions, problem)
    )


def confusion_table(predictions: pd.DataFrame, problem: Problem) -> str:
    """Counts of validation rows by true class (rows) and predicted class (columns);
    for a multiclass problem, each row's share of its class."""
    import pandas as pd

    counts = pd.crosstab(
        predictions["target"].astype(str), predictions["prediction"].astype(str)
    ).reindex(index=problem.classes, columns=problem.classes, fill_value=0)
    share = problem.type == "multiclass"
    if share:
        counts = counts.div(counts.sum(axis=1).replace(0, 1), axis=0)
    rows = [
        [f"true {name}", *(f"{v:.0%}" if share else str(v) for v in counts.loc[name])]
        for name in problem.classes
    ]
    caption = "Confusion matrix" + (" (share of each true class)" if share else "")
    header = ["", *(f"predicted {name}" for name in problem.classes)]
    return table("confusion-matrix", caption, header, rows)


def multiclass_section(predictions: pd.DataFrame, problem: Problem) -> str:
    from sklearn.metrics import RocCurveDisplay, classification_report

    report = classification_report(
        predictions["target"].astype(str),
        predictions["prediction"].astype(str),
        labels=list(problem.classes),
        output_dict=True,
        zero_division=0,
    )
    rows = [
        [
            name,
            report[name]["precision"],
            report[name]["recall"],
            report[name]["f1-score"],
            int(report[name]["support"]),
        ]
        for name in problem.classes
    ]
    per_class = table(
        "per-class",
        "Per class (validation)",
        ["Class", "Precision", "Recall", "F1", "Support"],
        rows,
    )
    roc = ""
    if len(problem.classes) <= MAX_ROC_CLASSES:
        figure, axes = new_figure()
        for name in problem.classes:
            RocCurveDisplay.from_predictions(
                predictions["target"] == name,
                predictions[f"proba_{name}"],
                ax=axes,
                name=str(name),
            )
        axes.plot([0, 1], [0, 1], linestyle="--", color="grey")
        axes.set_title("One-vs-rest ROC curves (validation)")
        roc = image(figure, "roc-curve", "One-vs-rest ROC curves")
    return (
        "<h2>Multiclass classification</h2>"
        + per_class
        + confusion_table(predictions, problem)
        + roc
    )


def regression_section(predictions: pd.DataFrame) -> str:
    from sklearn.metrics import PredictionErrorDisplay

    truth = predictions["target"].to_numpy(dtype=float)
    predicted = predictions["prediction"].to_numpy(dtype=float)
    images = []
    for kind, id, alt in (
        ("actual_vs_predicted", "predicted-vs-actual", "Predicted against actual"),
        ("residual_vs_predicted", "residuals", "Residuals against predicted"),
    ):
        figure, axes = new_figure()
        PredictionErrorDisplay.from_predictions(truth, predicted, kind=kind, ax=axes)
        axes.set_title(f"{alt} (validation)")
        images.append(image(figure, id, alt))
    figure, axes = new_figure()
    axes.hist(predicted - truth, bins=30)
    axes.set_xlabel("Error (predicted - actual)")
    axes.set_ylabel("Rows")
    axes.set_title("Errors (validation)")
    images.append(image(figure, "error-histogram", "Error histogram"))
    return "<h2>Regression</h2>" + "".join(images)


def importance_section(
    model: Any, validation: SplitSummary, problem: Problem, seed: int
) -> str:
    """Permutation importance of each raw column on the validation set (its first
    IMPORTANCE_ROWS rows of a larger one): how much the score falls when the column's
    values are shuffled."""
    from sklearn.inspection import permutation_importance

    rows = validation.head

    scoring = {
        "binary": "roc_auc",
        "multiclass": "f1_macro",
        "regression": "neg_root_mean_squared_error",
    }[problem.type]
    rows_x = features(rows, problem)
    found = permutation_importance(
        model,
        rows_x,
        labels(rows, problem),
        scoring=scoring,
        n_repeats=3,
        random_state=seed,
        n_jobs=1,
    )
    order = found.importances_mean.argsort()[::-1][:TOP_FEATURES]
    top = [
        [
            str(rows_x.columns[i]),
            float(found.importances_mean[i]),
            float(found.importances_std[i]),
        ]
        for i in order
    ]
    sample = (
        f", a sample of {len(rows):,} of its {validation.rows:,} rows"
        if len(rows) < validation.rows
        else ""
    )
    caption = (
        f"Permutation importance (validation{sample}, {scoring}): the top"
        f" {len(top)} of {rows_x.shape[1]} columns"
    )
    return table("importance", caption, ["Column", "Score drop", "Spread (std)"], top)


def data_section(
    metrics: dict[str, Any], splits: dict[str, SplitSummary], problem: Problem
) -> str:
    rows = sum(split.rows for split in splits.values())
    missing = sum(split.missing for split in splits.values()).drop(
        [problem.target, *DATASET.leave_out], errors="ignore"
    )
    # A column without a value is not imputed: the model leaves it out (features.py).
    empty = [str(name) for name, count in missing.items() if count == rows]
    missing_rows = [
        [name, int(count), f"{count / rows:.1%}"]
        for name, count in missing.items()
        if 0 < count < rows
    ]
    parts = [
        table(
            "missing",
            "Missing values, imputed by the model (all splits)",
            ["Column", "Missing", "Share"],
            missing_rows or [["none", 0, "0%"]],
        )
    ]
    dropped = metrics["data"].get("rows_dropped") or {}
    parts.append(
        table(
            "dropped",
            "Rows dropped before training",
            ["Why", "Rows"],
            [[why, count] for why, count in dropped.items()] or [["none", 0]],
        )
    )
    if problem.is_classification:
        rows = [
            [
                name,
                split.rows,
                *(
                    f"{share:.1%}"
                    for share in labels(split.columns, problem)
                    .value_counts(normalize=True)
                    .reindex(problem.classes, fill_value=0)
                ),
            ]
            for name, split in splits.items()
        ]
        parts.append(
            table(
                "balance",
                "Class balance per split",
                ["Split", "Rows", *problem.classes],
                rows,
            )
        )
    else:
        rows = [
            [
                name,
                split.rows,
                *map(
                    float,
                    labels(split.columns, problem).describe()[
                        ["mean", "std", "min", "50%", "max"]
                    ],
                ),
            ]
            for name, split in splits.items()
        ]
        parts.append(
            table(
                "balance",
                "Target distribution per split",
                ["Split", "Rows", "Mean", "Std", "Min", "Median", "Max"],
                rows,
            )
        )
    left = [*metrics["data"].get("leave_out", []), *(f"{n} (no values)" for n in empty)]
    if left:
        parts.append(f"<p>Left out of the features: {escape(', '.join(left))}.</p>")
    return "<h2>The data</h2>" + "".join(parts)


def gates_section(metrics: dict[str, Any]) -> str:
    rows = [
        [gate["name"], gate["passed"], number(gate["value"]), number(gate["threshold"])]
        for gate in metrics["gates"]
    ]
    return table(
        "gates",
        "Gates (src/candidates.py)",
        ["Gate", "Result", "Value", "Threshold"],
        rows or [["none", True, "", ""]],
    )


def render_report(
    metrics: dict[str, Any],
    predictions: pd.DataFrame,
    model: Any,
    splits: dict[str, pd.DataFrame | SplitSummary],
    seed: int = 0,
) -> str:
    """The report, with its style. `splits`: each split as a table or as its summary
    (reporting_task reads no more of the sets: the validation set's holds its first
    IMPORTANCE_ROWS rows, which the permutation importance shuffles)."""
    summaries = {
        name: (
            split
            if isinstance(split, SplitSummary)
            else summarize(split, IMPORTANCE_ROWS if name == "validation" else 0)
        )
        for name, split in splits.items()
    }
    problem = resolve(summaries["train"].columns)
    section = {
        "binary": lambda: binary_section(predictions, problem),
        "multiclass": lambda: multiclass_section(predictions, problem),
        "regression": lambda: regression_section(predictions),
    }[problem.type]
    passed = all(gate["passed"] for gate in metrics["gates"])
    verdict = "every gate passed" if passed else "a gate FAILED: do not ship"
    return "\n".join(
        [
            f"<style>{STYLE}</style>",
            '<div class="report">',
            f"<h1>Model report: {escape(metrics['model'])}</h1>",
            f'<p class="subtitle">Measured on the validation set, which neither the'
            f" model nor its selection saw; {escape(verdict)}.</p>",
            header_section(metrics, summaries),
            headline_section(metrics),
            gates_section(metrics),
            leaderboard_section(metrics),
            section(),
            importance_section(model, summaries["validation"], problem, seed),
            data_section(metrics, summaries, problem),
            "</div>",
        ]
    )


def html_page(report: str) -> str:
    """One self-contained page: its style and its images are inline."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        f"<title>Model report</title></head>\n<body>\n{report}\n</body>\n</html>\n"
    )


def model_card(metrics: dict[str, Any]) -> str:
    """The model card: what the model is, what it was trained on, how it scores."""
    import platform
    from importlib.metadata import version

    libraries = ", ".join(
        f"{name} {version(name)}"
        for name in ("scikit-learn", "pandas", "numpy", "flytekit")
    )
    data = metrics["data"]
    lines = [
        f"# Model card: {metrics['model']}",
        "",
        f"- Project: {PROJECT}",
        f"- Model: {metrics['model']}, parameters {json.dumps(metrics['params'])}",
        f"- Problem: {metrics['problem_type']}, target `{metrics['target']}`"
        + (
            f", positive class `{metrics['positive_class']}`"
            if metrics.get("positive_class")
            else ""
        ),
        f"- Data: {data.get('file')} (sha256 {data.get('sha256')})",
        f"- Training time: {metrics['fit_seconds']:.2f} s",
        f"- Libraries: Python {platform.python_version()}, {libraries}",
        "",
        "| metric | validation | train | baseline |",
        "|---|---|---|---|",
    ]
    for name, value in metrics["metrics"].items():
        lines.append(
            f"| {name} | {value:.4g} | {metrics['train_metrics'][name]:.4g}"
            f" | {metrics['baseline'][name]:.4g} |"
        )
    lines += ["", "| gate | result | value | threshold |", "|---|---|---|---|"]
    for gate in metrics["gates"]:
        result = "passed" if gate["passed"] else "FAILED"
        lines.append(
            f"| {gate['name']} | {result} | {number(gate['value'])}"
            f" | {number(gate['threshold'])} |"
        )
    return "\n".join(lines) + "\n"


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
) -> Report:
    """Show the report as the task's Flyte Deck; return it as an HTML file, and the
    model card."""
    values = json.loads(Path(metrics.download()).read_text(encoding="utf-8"))
    splits = {
        "train": read_summary(train),
        "test": read_summary(test),
        "validation": read_summary(validation, IMPORTANCE_ROWS),
    }
    report = render_report(
        values,
        read_table(predictions),
        load_model(model.download()),
        splits,
        DATASET.seed,
    )
    Deck("Model report", report)
    card = model_card(values)
    return Report(
        save(REPORT, lambda path: path.write_text(html_page(report), encoding="utf-8")),
        save(MODEL_CARD, lambda path: path.write_text(card, encoding="utf-8")),
    )


@pipeline_task
def check_gates_task(metrics: HashedFile, report: HashedFile) -> None:
    """Fail the run if a gate failed (after the report, which says why, is written)."""
    from tasks.errors import PipelineError

    values = json.loads(Path(metrics.download()).read_text(encoding="utf-8"))
    for gate in values["gates"]:
        if not gate["passed"]:
            raise PipelineError(
                f"gate failed: {gate['name']}: {number(gate['value'])} against"
                f" {number(gate['threshold'])} (report: {report.path})",
                "improve the model or the data, or change GATES in src/candidates.py",
            )
