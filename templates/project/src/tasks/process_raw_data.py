"""Read the raw data and keep the rows a model can learn from (01_raw -> 03_primary)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from dataset import DATASET
from tasks.content_hash import HashedFile, ParquetFile, hash_file
from tasks.errors import PipelineError
from tasks.features import has_values
from tasks.layers import PRIMARY, save_table
from tasks.problem import clean_target, resolve
from tasks.settings import pipeline_task

if TYPE_CHECKING:
    import pandas as pd


def read_raw_data(path: str) -> pd.DataFrame:
    """A CSV or Parquet file (told by its first bytes) as a table."""
    import pandas as pd

    with open(path, "rb") as stream:
        parquet = stream.read(4) == b"PAR1"
    try:
        table = pd.read_parquet(path) if parquet else pd.read_csv(path)
    except (ValueError, UnicodeDecodeError, OSError) as error:
        kind = "Parquet" if parquet else "CSV"
        raise PipelineError(
            f"{Path(path).name} is not a readable {kind} table ({error})",
            "point raw_data in src/dataset.py at a CSV file with a header row,"
            " or a Parquet file",
        ) from error
    # Parquet's decimals (a database's NUMERIC) come as Python Decimal objects, which
    # the model would take for categories: they are numbers.
    for name, column in table.items():
        values = column.dropna().head(100) if column.dtype == "object" else []
        if len(values) and all(isinstance(value, Decimal) for value in values):
            table[name] = column.astype("float64")
    if table.empty:
        raise PipelineError(
            f"{Path(path).name} has no rows",
            "point raw_data in src/dataset.py at a table with data",
        )
    header = str(table.columns[0]) if len(table.columns) == 1 else ""
    separator = next((mark for mark in (";", "\t", "|") if mark in header), None)
    if separator:
        raise PipelineError(
            f"{Path(path).name} has one column, {header[:40]!r}: its fields look"
            f" separated by {'tabs' if separator == chr(9) else repr(separator)},"
            " not commas",
            "save it comma-separated (pandas: to_csv) or as Parquet, and point"
            " raw_data in src/dataset.py at it",
        )
    return table


def clean_raw_data(raw: pd.DataFrame) -> pd.DataFrame:
    """The primary table: every row whose target is known, with the target cleaned
    (checked against src/dataset.py). Missing feature values stay: the model imputes
    them. `attrs["rows_dropped"]` says how many rows were left out, and why."""
    problem = resolve(raw)
    known = raw[problem.target].notna()
    dropped = int((~known).sum())
    # The table is copied only when rows go (pandas copies a column on write).
    data = (raw[known] if dropped else raw).reset_index(drop=True)
    data[problem.target] = clean_target(data[problem.target]).to_numpy()
    if dropped:
        print(
            f"process_raw_data: dropped {dropped} of {len(raw)} rows"
            f" whose target {problem.target!r} is missing"
        )
    data.attrs["rows_dropped"] = {"target missing": dropped} if dropped else {}
    # Column by column: a table without the target and left-out columns is a copy.
    empty = [
        str(name)
        for name, column in data.items()
        if name not in DATASET.not_features and not has_values(column)
    ]
    if empty:
        print(
            f"process_raw_data: {', '.join(map(repr, empty))}"
            f" {'has' if len(empty) == 1 else 'have'} no values: the model leaves"
            f" {'it' if len(empty) == 1 else 'them'} out (add to leave_out in"
            " src/dataset.py to say so)"
        )
    return data


@pipeline_task
def process_raw_data_task(raw_data: HashedFile) -> ParquetFile:
    """Read the raw CSV or Parquet file and return the primary table (03_primary)."""
    path = raw_data.download()
    primary = clean_raw_data(read_raw_data(path))
    primary.attrs["raw_data"] = {
        "file": Path(str(raw_data.path)).name,
        "sha256": hash_file(path),
        "rows": len(primary) + sum(primary.attrs["rows_dropped"].values()),
    }
    return save_table(primary, PRIMARY)
