"""Workflow: raw CSV -> clean primary table (data/03_primary/primary.parquet)."""

from flytekit import workflow

from tasks.content_hash import HashedFile, ParquetFile
from tasks.process_raw_data import process_raw_data_task


# raw_data has no default: a default is serialised into the launch plan as a path on
# the machine that packaged it. ./run passes the bundled sample,
# data/01_raw/breast_cancer.csv, unless given --raw_data (uploading it, with --remote).
@workflow
def process_raw_data(raw_data: HashedFile) -> ParquetFile:
    """Extract, clean and transform the raw data."""
    return process_raw_data_task(raw_data=raw_data)
