"""Workflow: validation predictions -> metrics (data/08_reporting/metrics.json)."""

from flytekit import workflow

from tasks.content_hash import HashedFile, ParquetFile
from tasks.evaluate import evaluate_task
from tasks.layers import PREDICTIONS

# Read from data/ by a local run unless passed (see workflows/__init__.py).
LOCAL_INPUTS = {"predictions": PREDICTIONS}


@workflow
def evaluate(predictions: ParquetFile) -> HashedFile:
    """Compute accuracy, precision, recall, F1 and ROC AUC."""
    return evaluate_task(predictions=predictions)
