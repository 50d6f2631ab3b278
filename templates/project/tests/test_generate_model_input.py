"""The primary table is split into train, test and validation sets, stratified for a
classification; a split that cannot be made says why."""

from pathlib import Path

import pandas as pd
import pytest
from flytekit.types.file import FlyteFile

from tasks.declarations import Dataset
from tasks.errors import PipelineError
from tasks.generate_model_input import generate_model_input_task, split_data
from tests.conftest import synthetic_table


def test_split_sizes_and_class_shares(
    kind: str, declared: Dataset, primary: pd.DataFrame
):
    train, test, validation = split_data(primary, 0.2, 0.25, seed=0)
    assert len(train) + len(test) + len(validation) == len(primary)
    assert len(test) == pytest.approx(0.2 * len(primary), abs=1)
    assert len(validation) == pytest.approx(0.25 * len(primary), abs=1)
    assert set(train["id"]) | set(test["id"]) | set(validation["id"]) == set(
        primary["id"]
    )
    if kind == "regression":
        return
    shares = primary[declared.target].value_counts(normalize=True)
    for part in (train, test, validation):
        part_shares = part[declared.target].value_counts(normalize=True)
        assert part_shares.reindex(shares.index).to_numpy() == pytest.approx(
            shares.to_numpy(), abs=0.1
        )


def test_the_same_seed_gives_the_same_split(primary: pd.DataFrame):
    first, second = split_data(primary, 0.2, 0.2, 7), split_data(primary, 0.2, 0.2, 7)
    assert first.validation["id"].tolist() == second.validation["id"].tolist()
    other = split_data(primary, 0.2, 0.2, 8)
    assert first.validation["id"].tolist() != other.validation["id"].tolist()


@pytest.mark.parametrize("test_size, validation_size", [(0.6, 0.5), (0, 0.2), (0.2, 1)])
@pytest.mark.parametrize("kind", ["binary"])
def test_split_refuses_impossible_fractions(primary, test_size, validation_size):
    with pytest.raises(PipelineError, match="leave no rows to train on"):
        split_data(primary, test_size, validation_size, seed=0)


@pytest.mark.parametrize("kind", ["regression"])
def test_too_few_rows_are_refused(primary: pd.DataFrame):
    with pytest.raises(PipelineError) as raised:
        split_data(primary.head(9), 0.2, 0.2, seed=0)
    assert raised.value.cause == (
        "9 rows are too few to train, test and validate a model on"
    )
    assert raised.value.fix == "give at least 10 rows with a target value"


@pytest.mark.parametrize("kind", ["multiclass"])
def test_a_class_too_small_to_split_is_named(primary: pd.DataFrame):
    rare = primary[primary["tier"] == "gold"].head(1)
    tiny = pd.concat([primary[primary["tier"] != "gold"], rare])
    with pytest.raises(PipelineError) as raised:
        split_data(tiny, 0.2, 0.2, seed=0)
    assert "the smallest class, 'gold', has 1" in raised.value.cause
    assert "at least 3 of every class" in raised.value.fix


def test_task_writes_the_model_input_layer(declare, table_file, project_root: Path):
    declare("binary")
    primary = synthetic_table("binary").dropna(subset=["churned"])
    files = generate_model_input_task(
        primary=table_file(primary, "primary"),
        test_size=0.2,
        validation_size=0.2,
        seed=42,
    )
    layer = project_root / "data" / "05_model_input"
    assert [Path(file.path) for file in files] == [
        layer / "train.parquet",
        layer / "test.parquet",
        layer / "validation.parquet",
    ]
    sizes = [len(pd.read_parquet(file.path)) for file in files]
    assert sum(sizes) == len(primary) and min(sizes) > 0


def test_a_primary_table_that_is_not_parquet_is_told(declare, project_root: Path):
    # read in a thread (tasks.layers.read_ahead): its error reaches the task
    declare("binary")
    bad = project_root / "primary.parquet"
    bad.write_text("id,churned\n1,yes\n")
    with pytest.raises(Exception) as raised:
        generate_model_input_task(
            primary=FlyteFile(str(bad)), test_size=0.2, validation_size=0.2, seed=42
        )
    error = raised.value
    while error is not None and not isinstance(error, PipelineError):
        error = error.__cause__ or error.__context__
    assert error is not None and "is not a Parquet table" in error.cause
