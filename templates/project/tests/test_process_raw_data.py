"""The raw data (a CSV or Parquet file) becomes the primary table: the rows with a
target, the target cleaned, and a one-line error for data that cannot be used."""

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from tasks.declarations import Dataset
from tasks.errors import PipelineError
from tasks.process_raw_data import clean_raw_data, process_raw_data_task
from tasks.process_raw_data import read_raw_data
from tests.conftest import synthetic_table, write_table


@pytest.mark.parametrize("name", ["raw.csv", "raw.parquet", "parquet_named.csv"])
def test_csv_and_parquet_are_told_by_their_content(tmp_path: Path, name: str):
    table = synthetic_table("binary", rows=12)
    path = tmp_path / name
    if name.startswith("parquet"):
        table.to_parquet(path)
    else:
        write_table(table, path)
    read = read_raw_data(str(path))
    assert len(read) == 12 and {"id", "signup_date", "churned"} <= set(read.columns)


def test_parquet_decimals_are_read_as_numbers(tmp_path: Path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    prices = [Decimal("9.99"), None, Decimal("120.50")]
    pq.write_table(
        pa.table(
            {
                "price": pa.array(prices, pa.decimal128(10, 2)),
                "name": ["a", "b", None],
            }
        ),
        tmp_path / "raw.parquet",
    )
    read = read_raw_data(str(tmp_path / "raw.parquet"))
    assert read["price"].dtype == "float64"
    assert read["price"].tolist()[::2] == [9.99, 120.5] and read["price"].isna()[1]
    assert read["name"].tolist()[:2] == ["a", "b"]


@pytest.mark.parametrize(
    "content, cause",
    [
        (bytes(range(256)) * 4, "raw.csv is not a readable CSV table"),
        (b"PAR1 but not really parquet", "raw.csv is not a readable Parquet table"),
        (b"", "raw.csv is not a readable CSV table"),
        (b"id,churned\n", "raw.csv has no rows"),
        (b"a;b;y\n0,5;1,25;0\n", "raw.csv has one column, 'a;b;y': its fields look"),
        (b"a\tb\n1\t2\n", "raw.csv has one column, 'a\\tb': its fields look sep"),
    ],
)
def test_a_file_that_is_not_a_table_says_so(tmp_path: Path, content, cause):
    path = tmp_path / "raw.csv"
    path.write_bytes(content)
    with pytest.raises(PipelineError) as raised:
        read_raw_data(str(path))
    assert raised.value.cause.startswith(cause)
    assert "raw_data in src/dataset.py" in raised.value.fix
    assert "\n" not in raised.value.cause


def test_rows_without_a_target_are_dropped_and_counted(declared: Dataset, raw):
    primary = clean_raw_data(raw)
    missing = int(raw[declared.target].isna().sum())
    assert missing > 0
    assert len(primary) == len(raw) - missing
    assert primary[declared.target].notna().all()
    assert primary.attrs["rows_dropped"] == {"target missing": missing}
    # Missing feature values stay: the model imputes them.
    kept = raw[raw[declared.target].notna()]
    assert primary["plan"].isna().sum() == kept["plan"].isna().sum() > 0


def test_nothing_dropped_is_said_as_nothing(declare):
    declare("binary")
    primary = clean_raw_data(synthetic_table("binary").dropna(subset=["churned"]))
    assert primary.attrs["rows_dropped"] == {}


def test_a_column_without_values_is_named_once(declare, capsys):
    declare("binary", leave_out=["id", "legacy"])
    raw = synthetic_table("binary").dropna(subset=["churned"])
    raw["notes"] = None
    raw["legacy"] = None  # left out already: not named
    clean_raw_data(raw)
    assert capsys.readouterr().out == (
        "process_raw_data: 'notes' has no values: the model leaves it out"
        " (add to leave_out in src/dataset.py to say so)\n"
    )
    clean_raw_data(raw.drop(columns="notes"))
    assert capsys.readouterr().out == ""


def test_a_numeric_class_column_with_gaps_gets_its_integers_back(declare):
    declare("binary", target="label", positive_class="", problem_type="auto")
    raw = pd.DataFrame({"id": range(4), "x": 1.0, "label": [1, None, 0, 1]})
    assert raw["label"].dtype == "float64"  # as a CSV column with gaps reads
    assert clean_raw_data(raw)["label"].tolist() == [1, 0, 1]


@pytest.mark.parametrize(
    "change, cause",
    [
        ({"target": "outcome"}, "the data has no target column 'outcome'"),
        ({"leave_out": ["id", "email"]}, "leaves out 'email'"),
        ({"problem_type": "regression", "positive_class": ""}, "holds text"),
    ],
)
def test_data_that_does_not_fit_the_declaration_is_refused(declare, change, cause):
    declare("binary", **change)
    with pytest.raises(PipelineError, match=cause):
        clean_raw_data(synthetic_table("binary"))


def test_a_target_of_one_class_is_refused(declare):
    declare("binary")
    raw = synthetic_table("binary").assign(churned="no")
    with pytest.raises(PipelineError, match="nothing to learn"):
        clean_raw_data(raw)


def test_task_writes_the_primary_layer_and_what_it_read(
    declared: Dataset, raw: pd.DataFrame, project_root: Path
):
    path = write_table(raw, project_root / declared.raw_data)
    primary = process_raw_data_task(raw_data=str(path))
    assert Path(primary.path) == project_root / "data/03_primary/primary.parquet"
    table = pd.read_parquet(primary.path)
    missing = int(raw[declared.target].isna().sum())
    assert len(table) == len(raw) - missing
    assert table.attrs["rows_dropped"] == {"target missing": missing}
    assert table.attrs["raw_data"]["file"] == path.name
    assert table.attrs["raw_data"]["rows"] == len(raw)
    assert len(table.attrs["raw_data"]["sha256"]) == 64
