"""Workflow: train and test sets -> serialised trained model."""

import pandas as pd
from flytekit import workflow
from flytekit.types.file import FlyteFile

from tasks.train_model import train_model_task

DEFAULT_REGULARIZATIONS = [0.01, 0.1, 1.0, 10.0]


@workflow
def train_model(
    train: pd.DataFrame,
    test: pd.DataFrame,
    regularizations: list[float] = DEFAULT_REGULARIZATIONS,
) -> FlyteFile:
    """Train the model, picking the regularization that scores best on the test set."""
    return train_model_task(train=train, test=test, regularizations=regularizations)
