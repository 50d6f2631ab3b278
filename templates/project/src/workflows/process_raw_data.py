"""Workflow: raw data -> the primary table (data/03_primary/primary.parquet)."""

from flytekit import workflow

from dataset import DATASET
from tasks.content_hash import HashedFile, ParquetFile
from tasks.process_raw_data import process_raw_data_task

# Read by a local run unless passed (see workflows/__init__.py): the declared raw data
# (src/dataset.py); with --remote, ./run uploads it unless it is an s3:// URI.
LOCAL_INPUTS = {"raw_data": DATASET.raw_data}


@workflow
def process_raw_data(raw_data: HashedFile) -> ParquetFile:
    """Read the raw data; keep the rows whose target is known."""
    return process_raw_data_task(raw_data=raw_data)
