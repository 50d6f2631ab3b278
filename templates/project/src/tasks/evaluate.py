"""Measure the chosen model on the validation set against a baseline; compare it with
the previous run and check the gates of src/candidates.py (metrics.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from candidates import GATES
from dataset import DATASET
from tasks.code_version import code_hash
from tasks.content_hash import HashedFile, ParquetFile, hash_file
from tasks.layers import MEASURED, METRICS, read_table, save
from tasks.problem import LOWER_IS_BETTER, Problem, better, labels, measure
from tasks.problem import resolve
from tasks.settings import pipeline_task
from tasks.train_model import fit_setting

if TYPE_CHECKING:
    import pandas as pd


def validation_metrics(predictions: pd.DataFrame, problem: Problem) -> dict[str, float]:
    """Every metric of the problem type, from the predictions table."""
    if problem.type == "regression":
        proba = None
    elif problem.type == "binary":
        proba = predictions["score"].to_numpy()
    else:
        proba = predictions[[f"proba_{name}" for name in problem.classes]].to_numpy()
    truth = predictions["target"]
    return measure(problem, truth, predictions["prediction"].to_numpy(), proba)


def baseline_metrics(
    train: pd.DataFrame, predictions: pd.DataFrame, problem: Problem
) -> dict[str, float]:
    """The same metrics for a dummy model of the problem type, fitted on the train
    set's target alone (the class shares, or the mean)."""
    import numpy as np
    from sklearn.dummy import DummyClassifier, DummyRegressor

    target = labels(train, problem)
    if problem.is_classification:
        # Fitted on each class once, weighted by its rows: the same shares, without
        # sorting every row's class name.
        counts = target.value_counts()
        dummy = DummyClassifier().fit(
            np.zeros((len(counts), 1)), counts.index, sample_weight=counts.to_numpy()
        )
    else:
        dummy = DummyRegressor().fit(np.zeros((len(target), 1)), target)
    rows = np.zeros((len(predictions), 1))
    proba = None
    if problem.is_classification:
        order = [str(name) for name in dummy.classes_]
        all_proba = dummy.predict_proba(rows)
        if problem.type == "binary":
            proba = all_proba[:, order.index(problem.positive_class)]
        else:
            proba = all_proba[:, [order.index(name) for name in problem.classes]]
    return measure(problem, predictions["target"], dummy.predict(rows), proba)


def previous_run(history: Optional[str], fingerprint: str) -> Optional[dict[str, Any]]:
    """The latest run in the history (one JSON object a line) with other predictions
    than these: re-running the same model compares it with the run before."""
    if history is None or not Path(history).is_file():
        return None
    runs = [
        json.loads(line)
        for line in Path(history).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    earlier = [run for run in runs if run.get("fingerprint") != fingerprint]
    return earlier[-1] if earlier else None


def check_gates(
    metric: str,
    score: float,
    baseline: float,
    previous: Optional[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Each declared gate: its name, whether it passed, the value and the threshold."""
    lower = metric in LOWER_IS_BETTER
    gates = []
    if GATES.beat_baseline:
        gates.append(
            {
                "name": f"beats the baseline on {metric}",
                "passed": better(metric, score, baseline),
                "value": score,
                "threshold": baseline,
            }
        )
    if GATES.min_score is not None:
        passed = score <= GATES.min_score if lower else score >= GATES.min_score
        name = f"{metric} {'at most' if lower else 'at least'} {GATES.min_score:g}"
        gates.append(
            {
                "name": name,
                "passed": passed,
                "value": score,
                "threshold": GATES.min_score,
            }
        )
    if GATES.max_drop is not None:
        before = None if previous is None else previous["score"]
        drop = None if before is None else (score - before if lower else before - score)
        gates.append(
            {
                "name": f"{metric} drops at most {GATES.max_drop:g}"
                " from the previous run",
                "passed": drop is None or drop <= GATES.max_drop,
                "value": drop,
                "threshold": GATES.max_drop,
            }
        )
    return gates


def evaluation(
    predictions: pd.DataFrame,
    train: pd.DataFrame,
    leaderboard: dict[str, Any],
    fingerprint: str,
) -> dict[str, Any]:
    """What the validation set says of the chosen model: metrics.json, but for the
    previous run and the gates (see compared). Of the train set, only its target is
    read."""
    problem = resolve(train)
    metric = leaderboard["metric"]
    chosen = next(row for row in leaderboard["candidates"] if row["chosen"])
    metrics = validation_metrics(predictions, problem)
    return {
        "problem_type": problem.type,
        "target": problem.target,
        "positive_class": problem.positive_class or None,
        "classes": list(problem.classes),
        "model": chosen["model"],
        "params": chosen["params"],
        "selection_metric": metric,
        "lower_is_better": metric in LOWER_IS_BETTER,
        "score": metrics[metric],
        "metrics": metrics,
        "train_metrics": chosen["train_metrics"],
        "baseline": baseline_metrics(train, predictions, problem),
        "candidates": [
            {key: row[key] for key in ("model", "params", "score", "train_score")}
            for row in leaderboard["candidates"]
        ],
        "fit_seconds": chosen["seconds"],
        "samples": len(predictions),
        "data": {
            **train.attrs.get("raw_data", {}),
            "rows_dropped": train.attrs.get("rows_dropped", {}),
            "leave_out": DATASET.leave_out,
        },
        "fingerprint": fingerprint,
        "code_version": code_hash(fit_setting)[:12],
    }


def compared(measured: dict[str, Any], history: Optional[str]) -> dict[str, Any]:
    """Everything metrics.json holds."""
    previous = previous_run(history, measured["fingerprint"])
    metric, score = measured["selection_metric"], measured["score"]
    gates = check_gates(metric, score, measured["baseline"][metric], previous)
    return {**measured, "previous": previous, "gates": gates}


@pipeline_task
def evaluate_task(
    predictions: ParquetFile, train: ParquetFile, candidates: HashedFile
) -> HashedFile:
    """Return the validation metrics, the baseline's and the candidates' scores, as
    JSON (08_reporting/measured.json)."""
    measured = evaluation(
        read_table(predictions),
        read_table(train, columns=DATASET.not_features),
        json.loads(Path(candidates.download()).read_text(encoding="utf-8")),
        hash_file(predictions.download()) or "",
    )
    return save_json(MEASURED, measured)


@pipeline_task
def compare_task(
    measured: HashedFile, history: Optional[HashedFile] = None
) -> HashedFile:
    """Return the measurements with the previous run's and the gates' verdicts
    (08_reporting/metrics.json). A task of its own: the run history, its input, grows
    with every run, and only this small step reads it again."""
    metrics = compared(
        json.loads(Path(measured.download()).read_text(encoding="utf-8")),
        None if history is None else history.download(),
    )
    return save_json(METRICS, metrics)


def save_json(name: str, value: dict[str, Any]) -> HashedFile:
    """A JSON output in its layer."""
    text = json.dumps(value, indent=2, default=str) + "\n"
    return save(name, lambda path: path.write_text(text, encoding="utf-8"))
