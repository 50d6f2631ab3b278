"""Split the primary table into train, test and validation sets (05_model_input)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from tasks.content_hash import ParquetFile
from tasks.declarations import check_splits
from tasks.errors import PipelineError
from tasks.layers import TEST, TRAIN, VALIDATION, read_ahead, save_tables
from tasks.problem import labels, resolve
from tasks.settings import pipeline_task

if TYPE_CHECKING:
    import pandas as pd

MIN_ROWS = 10

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
    """`test_size` and `validation_size` are fractions of all rows; a classification
    is split stratified, so that each set has every class in its share. Each set's
    rows are in random order."""
    import numpy as np
    import pandas as pd
    from sklearn.model_selection import train_test_split

    check_splits(test_size, validation_size, "the split")
    if len(data) < MIN_ROWS:
        raise PipelineError(
            f"{len(data)} rows are too few to train, test and validate a model on",
            f"give at least {MIN_ROWS} rows with a target value",
        )
    problem = resolve(data)
    strata = labels(data, problem) if problem.is_classification else None
    # The classes as numbers, in the order of their names: the same split as on the
    # names, which scikit-learn would sort (2.2 -> 0.9 s for 3M rows).
    classes = None if strata is None else pd.factorize(strata, sort=True)[0]
    # Row numbers are split, and each set is taken from the table once: splitting the
    # table itself would copy it twice.
    try:
        train_and_test, validation = train_test_split(
            np.arange(len(data)),
            test_size=validation_size,
            random_state=seed,
            stratify=classes,
        )
        train, test = train_test_split(
            train_and_test,
            test_size=test_size / (1 - validation_size),
            random_state=seed,
            stratify=None if classes is None else classes[train_and_test],
        )
    except ValueError as error:
        counts = strata.value_counts() if strata is not None else None
        smallest = (
            f"; the smallest class, {counts.index[-1]!r}, has {counts.iloc[-1]}"
            if counts is not None
            else ""
        )
        raise PipelineError(
            f"{len(data)} rows are too few to split into train, test and validation"
            f" sets{smallest} ({error})",
            "give more rows (at least 3 of every class), or change test_size and"
            " validation_size in src/dataset.py",
        ) from error
    return Splits(
        *(data.take(rows).reset_index(drop=True) for rows in (train, test, validation))
    )


@pipeline_task
def generate_model_input_task(
    primary: ParquetFile, test_size: float, validation_size: float, seed: int
) -> ModelInput:
    """Return the train, test and validation sets."""
    table = read_ahead(primary)  # scikit-learn loads while the table is read
    import sklearn.model_selection  # noqa: F401

    splits = split_data(table.result(), test_size, validation_size, seed)
    return ModelInput(*save_tables(dict(zip((TRAIN, TEST, VALIDATION), splits))))
