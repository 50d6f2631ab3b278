"""Workflow: validation predictions -> metrics, baseline and gates
(data/08_reporting/metrics.json)."""

from typing import Optional

from flytekit import workflow

from tasks.content_hash import HashedFile, ParquetFile
from tasks.evaluate import evaluate_task
from tasks.layers import HISTORY, LEADERBOARD, MODEL, PREDICTIONS, TRAIN

# Read from data/ by a local run unless passed (see workflows/__init__.py); the history
# of earlier runs only when there is one.
LOCAL_INPUTS = {
    "predictions": PREDICTIONS,
    "model": MODEL,
    "train": TRAIN,
    "candidates": LEADERBOARD,
    "history": HISTORY,
}


@workflow
def evaluate(
    predictions: ParquetFile,
    model: HashedFile,
    train: ParquetFile,
    candidates: HashedFile,
    history: Optional[HashedFile] = None,
) -> HashedFile:
    """Measure the model against a dummy baseline and the previous run; check the
    gates."""
    return evaluate_task(
        predictions=predictions,
        model=model,
        train=train,
        candidates=candidates,
        history=history,
    )
