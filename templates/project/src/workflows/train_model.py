"""Workflow: train and test sets -> serialised trained model (data/06_models/)."""

from flytekit import workflow

from tasks.content_hash import HashedFile, ParquetFile
from tasks.layers import TEST, TRAIN, layer_file
from tasks.train_model import train_model_task

DEFAULT_REGULARIZATIONS = [0.01, 0.1, 1.0, 10.0]


@workflow
def train_model(
    train: ParquetFile = layer_file(TRAIN),
    test: ParquetFile = layer_file(TEST),
    regularizations: list[float] = DEFAULT_REGULARIZATIONS,
) -> HashedFile:
    """Train the model, picking the regularization that scores best on the test set."""
    return train_model_task(train=train, test=test, regularizations=regularizations)
