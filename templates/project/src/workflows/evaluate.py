"""Workflow: validation predictions -> metrics."""

import pandas as pd
from flytekit import workflow

from tasks.evaluate import Metrics, evaluate_task


@workflow
def evaluate(predictions: pd.DataFrame) -> Metrics:
    """Compute accuracy, precision, recall, F1 and ROC AUC."""
    return evaluate_task(predictions=predictions)
