"""The declared dataset (src/dataset.py) loads and matches its declaration: run after
editing it, `make test` says what does not fit before a run does. The other tests use
synthetic tables; this one reads the real file."""

from pathlib import Path

import pandas as pd
import pytest

from dataset import DATASET
from tasks.features import column_kinds, preprocessor
from tasks.generate_model_input import split_data
from tasks.problem import features, resolve
from tasks.process_raw_data import clean_raw_data, read_raw_data

PROJECT = Path(__file__).resolve().parent.parent
RAW_DATA = PROJECT / DATASET.raw_data


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    if DATASET.is_remote:
        pytest.skip(f"raw_data is {DATASET.raw_data}: the tests read local files only")
    assert RAW_DATA.is_file(), (
        f"src/dataset.py declares raw_data {DATASET.raw_data!r}, which does not exist:"
        " put the file there, or point raw_data at it"
    )
    return read_raw_data(str(RAW_DATA))


def test_the_raw_data_is_a_table_with_the_declared_columns(raw: pd.DataFrame):
    declared = [DATASET.target, *DATASET.leave_out]
    missing = [column for column in declared if column not in raw.columns]
    assert not missing, f"{RAW_DATA.name} has no column {missing} ({list(raw.columns)})"
    learnt_from = features(raw, resolve(raw)).columns
    assert len(learnt_from) > 0, "no column is left to learn from"


def test_the_problem_type_is_the_declared_one(raw: pd.DataFrame):
    problem = resolve(raw)
    if DATASET.problem_type != "auto":
        assert problem.type == DATASET.problem_type
    if DATASET.positive_class:
        assert problem.positive_class == DATASET.positive_class
    if problem.is_classification:
        assert len(problem.classes) >= 2


def test_the_data_splits_and_its_features_can_be_prepared(raw: pd.DataFrame):
    primary = clean_raw_data(raw)
    train, test, validation = split_data(
        primary, DATASET.test_size, DATASET.validation_size, DATASET.seed
    )
    assert min(len(train), len(test), len(validation)) > 0
    assert len(train) + len(test) + len(validation) == len(primary)
    rows = features(train, resolve(train))
    prepared = preprocessor(column_kinds(rows)).fit_transform(rows)
    assert prepared.shape[0] == len(train) and prepared.shape[1] > 0
    assert not pd.isna(prepared).any()
