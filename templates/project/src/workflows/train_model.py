"""Workflow: train and test sets -> the best candidate model (data/06_models/)."""

from functools import partial

from flytekit import map_task, workflow

from candidates import CONCURRENCY
from tasks.content_hash import ParquetFile
from tasks.layers import TEST, TRAIN
from tasks.train_model import TrainedModel, candidate_settings_task, fit_candidate_task
from tasks.train_model import select_model_task

# Read from data/ by a local run unless passed (see workflows/__init__.py).
LOCAL_INPUTS = {"train": TRAIN, "test": TEST}


@workflow
def train_model(train: ParquetFile, test: ParquetFile) -> TrainedModel:
    """Fit every candidate setting in parallel (a map task); keep the best on the test
    set."""
    settings = candidate_settings_task(train=train)
    fitted = map_task(
        partial(fit_candidate_task, train=train, test=test), concurrency=CONCURRENCY
    )(setting=settings)
    return select_model_task(fitted=fitted)
