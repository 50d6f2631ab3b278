"""Split the primary table into train, test and validation sets (05_model_input)."""

from typing import NamedTuple

import pandas as pd
from flytekit import Cache, Resources, task
from sklearn.model_selection import train_test_split

from tasks.content_hash import HashedDataFrame
from tasks.process_raw_data import TARGET_COLUMN

ModelInput = NamedTuple(
    "ModelInput",
    [
        ("train", HashedDataFrame),
        ("test", HashedDataFrame),
        ("validation", HashedDataFrame),
    ],
)


def split_data(
    data: pd.DataFrame, test_size: float, validation_size: float, seed: int
) -> ModelInput:
    """Stratified split: `test_size` and `validation_size` are fractions of all rows."""
    if test_size <= 0 or validation_size <= 0 or test_size + validation_size >= 1:
        raise ValueError("test_size and validation_size must be > 0 and sum to < 1")
    train_and_test, validation = train_test_split(
        data,
        test_size=validation_size,
        random_state=seed,
        stratify=data[TARGET_COLUMN],
    )
    train, test = train_test_split(
        train_and_test,
        test_size=test_size / (1 - validation_size),
        random_state=seed,
        stratify=train_and_test[TARGET_COLUMN],
    )
    return ModelInput(
        train.reset_index(drop=True),
        test.reset_index(drop=True),
        validation.reset_index(drop=True),
    )


@task(cache=Cache(version="1"), requests=Resources(cpu="1", mem="1Gi"))
def generate_model_input_task(
    data: pd.DataFrame, test_size: float, validation_size: float, seed: int
) -> ModelInput:
    """Return the train, test and validation sets."""
    return split_data(data, test_size, validation_size, seed)
