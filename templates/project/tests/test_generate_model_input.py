import pandas as pd
import pytest

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


def test_split_rejects_impossible_fractions(primary: pd.DataFrame):
    with pytest.raises(ValueError):
        split_data(primary, 0.6, 0.5, seed=0)


def test_task_returns_three_sets(primary: pd.DataFrame):
    train, test, validation = generate_model_input_task(
        data=primary, test_size=0.2, validation_size=0.2, seed=42
    )
    assert min(len(train), len(test), len(validation)) > 0
