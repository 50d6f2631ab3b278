"""Measure the model on its validation predictions."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from tasks.content_hash import HashedFile, ParquetFile
from tasks.errors import PipelineError
from tasks.layers import METRICS, read_table, save
from tasks.settings import pipeline_task

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Metrics:
    """Validation metrics of a binary classifier."""

    accuracy: float
    precision: float
    recall: float
    f1: float
    roc_auc: float
    samples: int

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Metrics:
        return cls(**json.loads(text))


def compute_metrics(predictions: pd.DataFrame) -> Metrics:
    """Compare `prediction` and `score` with the true `target`."""
    from sklearn.metrics import (
        accuracy_score,
        f1_score,
        precision_score,
        recall_score,
        roc_auc_score,
    )

    target, prediction = predictions["target"], predictions["prediction"]
    if target.nunique() < 2:
        raise PipelineError(
            f"the {len(target)} validation rows are all in one class,"
            " so ROC AUC is undefined",
            "use more rows of the smaller class, or a larger --validation_size",
        )
    return Metrics(
        accuracy=float(accuracy_score(target, prediction)),
        precision=float(precision_score(target, prediction, zero_division=0)),
        recall=float(recall_score(target, prediction, zero_division=0)),
        f1=float(f1_score(target, prediction, zero_division=0)),
        roc_auc=float(roc_auc_score(target, predictions["score"])),
        samples=len(predictions),
    )


@pipeline_task
def evaluate_task(predictions: ParquetFile) -> HashedFile:
    """Return the validation metrics, as JSON."""
    metrics = compute_metrics(read_table(predictions))
    return save(METRICS, lambda path: path.write_text(metrics.to_json()))
