"""Workflow: raw CSV -> clean primary table (data/03_primary/primary.parquet)."""

from flytekit import workflow

from tasks.content_hash import HashedFile, ParquetFile
from tasks.layers import RAW_DATA
from tasks.process_raw_data import process_raw_data_task

# Read from data/ by a local run unless passed (see workflows/__init__.py); with
# --remote, ./run uploads it unless given an s3:// URI.
LOCAL_INPUTS = {"raw_data": RAW_DATA}


@workflow
def process_raw_data(raw_data: HashedFile) -> ParquetFile:
    """Extract, clean and transform the raw data."""
    return process_raw_data_task(raw_data=raw_data)
