"""Workflow: train and test sets -> serialised trained model (data/06_models/)."""

from flytekit import workflow

from tasks.content_hash import HashedFile, ParquetFile
from tasks.layers import TEST, TRAIN
from tasks.train_model import train_model_task

# Read from data/ by a local run unless passed (see workflows/__init__.py).
LOCAL_INPUTS = {"train": TRAIN, "test": TEST}
DEFAULT_REGULARIZATIONS = [0.01, 0.1, 1.0, 10.0]


@workflow
def train_model(
    train: ParquetFile,
    test: ParquetFile,
    regularizations: list[float] = DEFAULT_REGULARIZATIONS,
) -> HashedFile:
    """Train the model, picking the regularization that scores best on the test set."""
    return train_model_task(train=train, test=test, regularizations=regularizations)
