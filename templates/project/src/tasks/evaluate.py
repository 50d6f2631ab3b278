"""Measure the model on its validation predictions."""

from dataclasses import dataclass

import pandas as pd
from flytekit import Cache, Resources, task
from sklearn.metrics import (
    accuracy_score,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)


@dataclass
class Metrics:
    """Validation metrics of a binary classifier."""

    accuracy: float
    precision: float
    recall: float
    f1: float
    roc_auc: float
    samples: int


def compute_metrics(predictions: pd.DataFrame) -> Metrics:
    """Compare `prediction` and `score` with the true `target`."""
    target, prediction = predictions["target"], predictions["prediction"]
    return Metrics(
        accuracy=float(accuracy_score(target, prediction)),
        precision=float(precision_score(target, prediction, zero_division=0)),
        recall=float(recall_score(target, prediction, zero_division=0)),
        f1=float(f1_score(target, prediction, zero_division=0)),
        roc_auc=float(roc_auc_score(target, predictions["score"])),
        samples=len(predictions),
    )


@task(cache=Cache(version="1"), requests=Resources(cpu="1", mem="1Gi"))
def evaluate_task(predictions: pd.DataFrame) -> Metrics:
    """Return the validation metrics."""
    return compute_metrics(predictions)
