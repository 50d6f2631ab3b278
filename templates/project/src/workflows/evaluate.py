"""Workflow: validation predictions -> metrics, baseline, comparison with the previous
run and gates (data/08_reporting/metrics.json)."""

from typing import Optional

from flytekit import workflow

from tasks.content_hash import HashedFile, ParquetFile
from tasks.evaluate import compare_task, evaluate_task
from tasks.layers import HISTORY, LEADERBOARD, PREDICTIONS, TRAIN

# Read from data/ by a local run unless passed (see workflows/__init__.py); the history
# of earlier runs only when there is one.
LOCAL_INPUTS = {
    "predictions": PREDICTIONS,
    "train": TRAIN,
    "candidates": LEADERBOARD,
    "history": HISTORY,
}


@workflow
def evaluate(
    predictions: ParquetFile,
    train: ParquetFile,
    candidates: HashedFile,
    history: Optional[HashedFile] = None,
) -> HashedFile:
    """Measure the model against a dummy baseline, then against the previous run;
    check the gates."""
    measured = evaluate_task(
        predictions=predictions, train=train, candidates=candidates
    )
    return compare_task(measured=measured, history=history)
