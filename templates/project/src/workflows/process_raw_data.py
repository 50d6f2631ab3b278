"""Workflow: raw CSV -> clean primary table."""

import pandas as pd
from flytekit import workflow
from flytekit.types.file import FlyteFile

from tasks.process_raw_data import process_raw_data_task

# The bundled sample, relative to the project root. Remotely, pass an s3:// URI or
# a local file, which pyflyte uploads: ./run --remote src/ full --raw_data FILE
SAMPLE_RAW_DATA = "data/01_raw/breast_cancer.csv"


@workflow
def process_raw_data(raw_data: FlyteFile = SAMPLE_RAW_DATA) -> pd.DataFrame:
    """Extract, clean and transform the raw data."""
    return process_raw_data_task(raw_data=raw_data)
