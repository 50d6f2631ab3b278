from pathlib import Path

import pandas as pd
import pytest

from tasks.errors import PipelineError
from tasks.process_raw_data import (
    TARGET_COLUMN,
    clean_raw_data,
    process_raw_data_task,
    read_raw_data,
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
    with pytest.raises(PipelineError, match="no 'diagnosis' column") as raised:
        clean_raw_data(pd.DataFrame({"x": [1.0]}))
    assert "LABEL_COLUMN" in raised.value.fix


def test_clean_raw_data_needs_both_classes():
    with pytest.raises(PipelineError, match="one class"):
        clean_raw_data(pd.DataFrame({"diagnosis": ["B", "B"], "x": [1.0, 2.0]}))


def test_read_raw_data_refuses_what_is_not_a_csv_table(tmp_path: Path):
    binary = tmp_path / "raw.csv"
    binary.write_bytes(bytes(range(256)))
    with pytest.raises(PipelineError, match="is not a CSV table"):
        read_raw_data(str(binary))


def test_task_writes_the_primary_layer(raw_data: pd.DataFrame, project_root: Path):
    primary = process_raw_data_task(raw_data=str(SAMPLE_RAW_DATA))
    assert Path(primary.path) == project_root / "data/03_primary/primary.parquet"
    table = pd.read_parquet(primary.path)
    assert len(table) == len(raw_data)
    assert set(table[TARGET_COLUMN]) == {0, 1}
