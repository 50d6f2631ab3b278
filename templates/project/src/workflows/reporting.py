"""Workflow: metrics, predictions, model and data -> report (data/08_reporting/)."""

from flytekit import workflow

from tasks.content_hash import HashedFile, ParquetFile
from tasks.layers import (
    METRICS,
    MODEL,
    PREDICTIONS,
    TEST,
    TRAIN,
    VALIDATION,
    layer_file,
)
from tasks.reporting import reporting_task


@workflow
def reporting(
    metrics: HashedFile = layer_file(METRICS),
    predictions: ParquetFile = layer_file(PREDICTIONS),
    model: HashedFile = layer_file(MODEL),
    train: ParquetFile = layer_file(TRAIN),
    test: ParquetFile = layer_file(TEST),
    validation: ParquetFile = layer_file(VALIDATION),
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
