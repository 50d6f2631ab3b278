import pandas as pd
import pytest

from tasks.process_raw_data import (
    TARGET_COLUMN,
    clean_raw_data,
    process_raw_data_task,
    to_snake_case,
)
from tests.conftest import SAMPLE_RAW_DATA


def test_to_snake_case():
    assert to_snake_case(" Mean Radius ") == "mean_radius"
    assert to_snake_case("concave points error") == "concave_points_error"


def test_clean_raw_data_encodes_label_and_drops_bad_rows():
    raw = pd.DataFrame(
        {"Diagnosis": ["M", "B", "B", "M"], "Mean Radius": [1.0, 2.0, 2.0, None]}
    )
    clean = clean_raw_data(raw)
    assert list(clean.columns) == ["mean_radius", TARGET_COLUMN]
    assert clean[TARGET_COLUMN].tolist() == [1, 0]


def test_clean_raw_data_needs_a_label():
    with pytest.raises(ValueError, match="diagnosis"):
        clean_raw_data(pd.DataFrame({"x": [1.0]}))


def test_task_reads_the_sample(raw_data: pd.DataFrame):
    primary = process_raw_data_task(raw_data=str(SAMPLE_RAW_DATA))
    assert len(primary) == len(raw_data)
    assert set(primary[TARGET_COLUMN]) == {0, 1}
