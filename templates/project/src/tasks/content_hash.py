"""Content hashes on task outputs, so Flyte's cache knows identical data downstream.

Without them a DataFrame or file output is known by its storage location, new on every
run, and every task after the first would miss the cache."""

import hashlib
from pathlib import Path
from typing import Annotated

import pandas as pd
from flytekit import HashMethod
from flytekit.types.file import FlyteFile


def hash_dataframe(frame: pd.DataFrame) -> str:
    """SHA-256 of the column names and of every row, index included."""
    digest = hashlib.sha256(",".join(map(str, frame.columns)).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return digest.hexdigest()


def hash_file(file: FlyteFile) -> str:
    """SHA-256 of the file's bytes."""
    return hashlib.sha256(Path(file.path).read_bytes()).hexdigest()


HashedDataFrame = Annotated[pd.DataFrame, HashMethod(hash_dataframe)]
HashedFile = Annotated[FlyteFile, HashMethod(hash_file)]
