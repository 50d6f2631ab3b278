"""Workflow: metrics, predictions, model and data -> report (data/08_reporting/) and
model card (data/06_models/); fails if a gate failed, once the report is written."""

from flytekit import workflow

from tasks.content_hash import HashedFile, ParquetFile
from tasks.layers import METRICS, MODEL, PREDICTIONS, TEST, TRAIN, VALIDATION
from tasks.reporting import Report, check_gates_task, reporting_task

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
) -> Report:
    """Write the HTML report (also the Flyte Deck) and the model card; then check the
    gates."""
    report, model_card = reporting_task(
        metrics=metrics,
        predictions=predictions,
        model=model,
        train=train,
        test=test,
        validation=validation,
    )
    check_gates_task(metrics=metrics, report=report)
    return Report(report=report, model_card=model_card)
