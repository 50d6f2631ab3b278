"""Workflow: validation predictions -> metrics (data/08_reporting/metrics.json)."""

from flytekit import workflow

from tasks.content_hash import HashedFile, ParquetFile
from tasks.evaluate import evaluate_task
from tasks.layers import PREDICTIONS, layer_file


@workflow
def evaluate(predictions: ParquetFile = layer_file(PREDICTIONS)) -> HashedFile:
    """Compute accuracy, precision, recall, F1 and ROC AUC."""
    return evaluate_task(predictions=predictions)
