"""Content hashes on files, so Flyte's cache knows them by what they hold.

Without one, a file is known by its path: an edited file at the same path would replay
the old results, and an output written to a new place on every run would never hit."""

import hashlib
import os
from pathlib import Path
from typing import Annotated, Optional, Union

from flytekit import FlyteContextManager, HashMethod
from flytekit.types.file import FlyteFile

from tasks.errors import PipelineError


def hash_file(file: Union[FlyteFile, str, os.PathLike]) -> Optional[str]:
    """SHA-256 of a local file's bytes.

    A remote file (s3://...) is left to Flyte, which knows it by its URI. A local file
    that does not exist is an error on a local run; elsewhere (no execution yet, as
    when a workflow is serialised) it has no hash."""
    path = str(file.path if isinstance(file, FlyteFile) else file)
    if "://" in path:
        return None
    if not Path(path).is_file():
        state = FlyteContextManager.current_context().execution_state
        if state is not None and state.is_local_execution():
            raise PipelineError(
                f"no file {path}",
                "run the steps that write it first (./run src/ full writes every"
                " layer), or pass another file",
            )
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# A file input or output that Flyte's cache knows by its content.
HashedFile = Annotated[FlyteFile, HashMethod(hash_file)]
# A table passed between steps: the Parquet file one step wrote for the next.
ParquetFile = HashedFile
