"""Clean and transform raw data into the primary table (01_raw -> 03_primary)."""

import re

import pandas as pd
from flytekit import Cache, Resources, task
from flytekit.types.file import FlyteFile

from tasks.content_hash import HashedDataFrame

LABEL_COLUMN = "diagnosis"
POSITIVE_LABEL = "M"
TARGET_COLUMN = "target"


def to_snake_case(name: str) -> str:
    """Turn a raw column name such as 'mean radius' into 'mean_radius'."""
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


def clean_raw_data(raw: pd.DataFrame) -> pd.DataFrame:
    """Return the primary table: snake_case columns, no duplicate or incomplete rows,
    and the label encoded as the 0/1 `target` column (1 = positive class)."""
    data = raw.rename(columns=to_snake_case).drop_duplicates().dropna()
    label_column = to_snake_case(LABEL_COLUMN)
    if label_column not in data.columns:
        raise ValueError(f"raw data has no '{LABEL_COLUMN}' column to learn from")
    labels = data.pop(label_column).astype(str).str.strip()
    data[TARGET_COLUMN] = (labels == POSITIVE_LABEL).astype("int64")
    return data.reset_index(drop=True)


@task(cache=Cache(version="1"), requests=Resources(cpu="1", mem="1Gi"))
def process_raw_data_task(raw_data: FlyteFile) -> HashedDataFrame:
    """Read the raw CSV file and return the clean primary table."""
    return clean_raw_data(pd.read_csv(raw_data.download()))
