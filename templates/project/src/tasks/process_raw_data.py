"""Clean and transform raw data into the primary table (01_raw -> 03_primary)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tasks.content_hash import HashedFile, ParquetFile
from tasks.errors import PipelineError
from tasks.layers import PRIMARY, save_table
from tasks.settings import pipeline_task

if TYPE_CHECKING:
    import pandas as pd

LABEL_COLUMN = "diagnosis"
POSITIVE_LABEL = "M"
TARGET_COLUMN = "target"


def to_snake_case(name: str) -> str:
    """Turn a raw column name such as 'mean radius' into 'mean_radius'."""
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


def read_raw_data(path: str) -> pd.DataFrame:
    """The raw CSV file as a table."""
    import pandas as pd

    try:
        return pd.read_csv(path)
    except (ValueError, UnicodeDecodeError) as error:
        raise PipelineError(
            f"{path} is not a CSV table ({error})",
            "pass a CSV file with a header row, one row per example",
        ) from error


def clean_raw_data(raw: pd.DataFrame) -> pd.DataFrame:
    """Return the primary table: snake_case columns, no duplicate or incomplete rows,
    and the label encoded as the 0/1 `target` column (1 = positive class)."""
    data = raw.rename(columns=to_snake_case).drop_duplicates().dropna()
    label_column = to_snake_case(LABEL_COLUMN)
    if label_column not in data.columns:
        raise PipelineError(
            f"the raw data has no '{LABEL_COLUMN}' column to learn from"
            f" (its columns: {', '.join(map(str, raw.columns[:8]))}"
            f"{', ...' if len(raw.columns) > 8 else ''})",
            "add that column, or set LABEL_COLUMN in src/tasks/process_raw_data.py"
            " to your label column",
        )
    labels = data.pop(label_column).astype(str).str.strip()
    data[TARGET_COLUMN] = (labels == POSITIVE_LABEL).astype("int64")
    if data[TARGET_COLUMN].nunique() < 2:
        raise PipelineError(
            f"every complete row of the raw data is in one class"
            f" ({len(data)} rows, '{LABEL_COLUMN}' == '{POSITIVE_LABEL}':"
            f" {int(data[TARGET_COLUMN].sum())})",
            "give rows of both classes, or set POSITIVE_LABEL in"
            " src/tasks/process_raw_data.py to the label of the positive class",
        )
    return data.reset_index(drop=True)


@pipeline_task
def process_raw_data_task(raw_data: HashedFile) -> ParquetFile:
    """Read the raw CSV file and return the clean primary table (03_primary)."""
    return save_table(clean_raw_data(read_raw_data(raw_data.download())), PRIMARY)
