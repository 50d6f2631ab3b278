"""The Kedro data layers: where each step's output lives.

On a local run a task writes its output into its layer under a stable name, such
as data/06_models/model.joblib, and returns that file: Flyte's local cache then points
at it, not at a temporary folder. On Flyte the task writes into its working directory,
and flytekit uploads the file to the blob store."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from flytekit import FlyteContextManager, current_context
from flytekit.types.file import FlyteFile

from tasks.content_hash import hash_file, remember
from tasks.errors import PipelineError
from tasks.local_cache import forget_other_contents

if TYPE_CHECKING:
    from concurrent.futures import Future

    import pandas as pd

# Relative to the project root, where ./run runs.
DATA = Path("data")

PRIMARY = "03_primary/primary.parquet"
TRAIN = "05_model_input/train.parquet"
TEST = "05_model_input/test.parquet"
VALIDATION = "05_model_input/validation.parquet"
MODEL = "06_models/model.joblib"
LEADERBOARD = "06_models/candidates.json"
MODEL_CARD = "06_models/model_card.md"
CANDIDATES_DIR = "06_models/candidates"
PREDICTIONS = "07_model_output/predictions.parquet"
MEASURED = "08_reporting/measured.json"
METRICS = "08_reporting/metrics.json"
REPORT = "08_reporting/report.html"
HISTORY = "08_reporting/history.jsonl"

# The workflow that writes each file on a local run: what to run when one is missing.
WRITTEN_BY = {
    PRIMARY: "process_raw_data",
    TRAIN: "generate_model_input",
    TEST: "generate_model_input",
    VALIDATION: "generate_model_input",
    MODEL: "train_model",
    LEADERBOARD: "train_model",
    PREDICTIONS: "generate_model_output",
    MEASURED: "evaluate",
    METRICS: "evaluate",
    REPORT: "reporting",
}


def is_local_run() -> bool:
    state = FlyteContextManager.current_context().execution_state
    return state is not None and state.is_local_execution()


def save(name: str, write: Callable[[Path], object]) -> FlyteFile:
    """A task's output: `write(path)` writes it, and the file is returned.

    Locally the file replaces its layer file (e.g. PRIMARY) in one step, once the cache
    entries pointing at that file with other content are dropped."""
    if not is_local_run():
        path = Path(current_context().working_directory) / Path(name).name
        write(path)
        return FlyteFile(str(path))
    path = (DATA / name).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    write(partial)
    content = hash_file(partial)
    forget_other_contents(path, content)
    os.replace(partial, path)
    if content is not None:
        remember(path, content)  # the output is hashed once
    return FlyteFile(str(path))


def save_table(frame: pd.DataFrame, name: str) -> FlyteFile:
    """A table output, as Parquet."""
    return save(name, lambda path: frame.to_parquet(path, index=False))


def save_tables(tables: dict[str, pd.DataFrame]) -> list[FlyteFile]:
    """Table outputs by name, written at once: pyarrow encodes and writes a table
    without holding Python's lock, so each is written (and hashed) in a thread of its
    own, in the task's Flyte context."""
    from concurrent.futures import ThreadPoolExecutor
    from contextvars import copy_context

    with ThreadPoolExecutor(len(tables)) as pool:
        written = [
            pool.submit(copy_context().run, save_table, frame, name)
            for name, frame in tables.items()
        ]
        return [future.result() for future in written]


def read_ahead(file: FlyteFile) -> Future[pd.DataFrame]:
    """A table input read in a thread while the task goes on: pyarrow reads without
    holding Python's lock, so the task loads its libraries meanwhile. `.result()` is
    the table (or raises read_table's error)."""
    from concurrent.futures import ThreadPoolExecutor
    from contextvars import copy_context

    pool = ThreadPoolExecutor(1)
    future = pool.submit(copy_context().run, read_table, file)
    pool.shutdown(wait=False)
    return future


def missing_values(file: FlyteFile) -> tuple[int, pd.Series]:
    """A Parquet table's rows, and the missing values of each of its columns: counted
    from the statistics its writer keeps for every column (a column without them is
    read)."""
    import pandas as pd
    import pyarrow.parquet as pq

    path = file.download()
    try:
        metadata = pq.ParquetFile(path).metadata
    except Exception as error:
        raise PipelineError(
            f"{file.path} is not a Parquet table ({error})",
            "pass the file the previous step wrote, or run that step again",
        ) from error
    counted: dict[str, int] = {}
    for column in range(metadata.num_columns):
        chunks = [
            metadata.row_group(group).column(column).statistics
            for group in range(metadata.num_row_groups)
        ]
        if all(chunk is not None and chunk.has_null_count for chunk in chunks):
            name = metadata.schema.column(column).name
            counted[name] = sum(chunk.null_count for chunk in chunks)
    names = metadata.schema.to_arrow_schema().names
    unknown = [name for name in names if name not in counted]
    if unknown:
        counted.update(read_table(file, columns=unknown).isna().sum())
    return metadata.num_rows, pd.Series([counted[name] for name in names], names)


def read_head(file: FlyteFile, rows: int) -> pd.DataFrame:
    """A table input's first `rows` rows (all of a smaller one), without reading the
    rest of the file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(file.download())
    first = next(parquet.iter_batches(batch_size=rows), None) if rows else None
    batches = [] if first is None else [first]
    return pa.Table.from_batches(batches, parquet.schema_arrow).to_pandas()


def read_table(file: FlyteFile, columns: Optional[list[str]] = None) -> pd.DataFrame:
    """A table input (or some of its columns), from the Parquet file an earlier step
    wrote."""
    import pandas as pd

    path = file.download()
    try:
        return pd.read_parquet(path, columns=columns)
    except Exception as error:
        raise PipelineError(
            f"{file.path} is not a Parquet table ({error})",
            "pass the file the previous step wrote, or run that step again",
        ) from error
