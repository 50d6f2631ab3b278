"""Split the primary table into train, test and validation sets (05_model_input)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from tasks.content_hash import ParquetFile
from tasks.errors import PipelineError
from tasks.layers import TEST, TRAIN, VALIDATION, read_table, save_table
from tasks.process_raw_data import TARGET_COLUMN
from tasks.settings import pipeline_task

if TYPE_CHECKING:
    import pandas as pd

ModelInput = NamedTuple(
    "ModelInput",
    [("train", ParquetFile), ("test", ParquetFile), ("validation", ParquetFile)],
)


class Splits(NamedTuple):
    train: pd.DataFrame
    test: pd.DataFrame
    validation: pd.DataFrame


def split_data(
    data: pd.DataFrame, test_size: float, validation_size: float, seed: int
) -> Splits:
    """Stratified split: `test_size` and `validation_size` are fractions of all rows."""
    from sklearn.model_selection import train_test_split

    if not (0 < test_size < 1 and 0 < validation_size < 1) or (
        test_size + validation_size >= 1
    ):
        raise PipelineError(
            f"test_size {test_size} and validation_size {validation_size} leave"
            " no rows to train on",
            "pass two fractions above 0 whose sum is below 1,"
            " e.g. --test_size 0.2 --validation_size 0.2",
        )
    try:
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
    except ValueError as error:
        counts = data[TARGET_COLUMN].value_counts().to_dict()
        raise PipelineError(
            f"{len(data)} rows (per class: {counts}) do not split into train, test"
            f" and validation sets with both classes in each ({error})",
            "use more rows of the smaller class, or other --test_size and"
            " --validation_size",
        ) from error
    return Splits(
        train.reset_index(drop=True),
        test.reset_index(drop=True),
        validation.reset_index(drop=True),
    )


@pipeline_task
def generate_model_input_task(
    primary: ParquetFile, test_size: float, validation_size: float, seed: int
) -> ModelInput:
    """Return the train, test and validation sets."""
    splits = split_data(read_table(primary), test_size, validation_size, seed)
    return ModelInput(
        save_table(splits.train, TRAIN),
        save_table(splits.test, TEST),
        save_table(splits.validation, VALIDATION),
    )
