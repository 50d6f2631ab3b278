"""Workflow: metrics, predictions, model and data -> report (data/08_reporting/)."""

from flytekit import workflow

from tasks.content_hash import HashedFile, ParquetFile
from tasks.layers import METRICS, MODEL, PREDICTIONS, TEST, TRAIN, VALIDATION
from tasks.reporting import reporting_task

# Read from data/ by a local run unless passed (see workflows/__init__.py).
LOCAL_INPUTS = {
    "metrics": METRICS,
    "predictions": PREDICTIONS,
    "model": MODEL,
    "train": TRAIN,
    "test": TEST,
    "validation": VALIDATION,
}


@workflow
def reporting(
    metrics: HashedFile,
    predictions: ParquetFile,
    model: HashedFile,
    train: ParquetFile,
    test: ParquetFile,
    validation: ParquetFile,
) -> HashedFile:
    """Write the HTML report and show it as a Flyte Deck."""
    return reporting_task(
        metrics=metrics,
        predictions=predictions,
        model=model,
        train=train,
        test=test,
        validation=validation,
    )
