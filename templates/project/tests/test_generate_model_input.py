from pathlib import Path

import pandas as pd
import pytest

from tasks.errors import PipelineError
from tasks.generate_model_input import generate_model_input_task, split_data
from tasks.process_raw_data import TARGET_COLUMN


def test_split_sizes_and_stratification(primary: pd.DataFrame):
    train, test, validation = split_data(primary, 0.2, 0.2, seed=0)
    assert len(train) + len(test) + len(validation) == len(primary)
    assert len(validation) == pytest.approx(0.2 * len(primary), abs=1)
    assert len(test) == pytest.approx(0.2 * len(primary), abs=1)
    share = primary[TARGET_COLUMN].mean()
    for part in (train, test, validation):
        assert part[TARGET_COLUMN].mean() == pytest.approx(share, abs=0.03)


@pytest.mark.parametrize("test_size, validation_size", [(0.6, 0.5), (0, 0.2), (0.2, 1)])
def test_split_refuses_impossible_fractions(primary, test_size, validation_size):
    with pytest.raises(PipelineError, match="leave no rows to train on") as raised:
        split_data(primary, test_size, validation_size, seed=0)
    assert "--test_size" in raised.value.fix


def test_split_says_when_a_class_is_too_small(primary: pd.DataFrame):
    negatives = primary[primary[TARGET_COLUMN] == 0].head(20)
    tiny = pd.concat([negatives, primary[primary[TARGET_COLUMN] == 1].head(1)])
    with pytest.raises(PipelineError, match="do not split"):
        split_data(tiny, 0.2, 0.2, seed=0)


def test_task_writes_the_model_input_layer(
    primary: pd.DataFrame, table_file, project_root: Path
):
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
