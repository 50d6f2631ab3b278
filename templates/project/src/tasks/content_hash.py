"""Content hashes on files, so Flyte's cache knows them by what they hold.

Without one, a file is known by its path: an edited file at the same path would replay
the old results, and an output written to a new place on every run would never hit."""

import hashlib
import os
import threading
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
    return known_hash(Path(path))


def known_hash(path: Path) -> str:
    """The file's SHA-256, read again only when the file may have changed.

    What proves a file unchanged, as git's index has it: its size, modification time
    (ns), inode and device. The hash is kept in memory, and for a file under data/ also
    beside it (data/01_raw/.NAME.sha256), so that a warm run recognises a large raw file
    without reading it, and a step's output is hashed once. One thread reads a file: a
    caller waits for the hash another one is reading (scripts/run_local.py hashes the
    raw data while the workflow loads)."""
    path = path.resolve()
    with HASHING.setdefault(str(path), threading.Lock()):
        status = path.stat()
        identity = (
            f"{status.st_size} {status.st_mtime_ns} {status.st_ino} {status.st_dev}"
        )
        sidecar = path.with_name(f".{path.name}.sha256")
        kept = under_data(path) and not path.name.endswith(".partial")
        if (path, identity) in KNOWN:
            return KNOWN[path, identity]
        if kept and sidecar.is_file():
            stored_identity, _, stored_hash = (
                sidecar.read_text().strip().rpartition(" ")
            )
            if stored_identity == identity:
                KNOWN[path, identity] = stored_hash
                return stored_hash
        return remember(path, sha256(path), keep=kept)


def sha256(path: Path) -> str:
    """A file's SHA-256, read into one buffer. A new block for each read would be memory
    the system maps and clears every time (a local run has blocks of 1 MiB or more
    mapped apart: scripts/run_local.py), twice the time of the hash; and few large
    reads let a thread hash while the main thread runs Python. No larger than the file:
    the buffer is cleared when it is made."""
    digest = hashlib.sha256()
    buffer = memoryview(bytearray(min(path.stat().st_size, 1 << 24) or 1))
    with open(path, "rb", buffering=0) as stream:
        while size := stream.readinto(buffer):
            digest.update(buffer[:size])
    return digest.hexdigest()


def remember(path: Path, content_hash: str, keep: bool = True) -> str:
    """Record a file's hash for its current identity (see known_hash)."""
    path = path.resolve()
    status = path.stat()
    identity = f"{status.st_size} {status.st_mtime_ns} {status.st_ino} {status.st_dev}"
    KNOWN[path, identity] = content_hash
    if keep and under_data(path):
        try:
            sidecar = path.with_name(f".{path.name}.sha256")
            sidecar.write_text(f"{identity} {content_hash}\n")
        except OSError:  # a read-only folder: hashed again next time
            pass
    return content_hash


# Hashes of files this process has read, by path and identity (see known_hash).
KNOWN: dict[tuple[Path, str], str] = {}
# A lock for each file being hashed, by its resolved path.
HASHING: dict[str, threading.Lock] = {}


def under_data(path: Path) -> bool:
    """Whether a file is in the project's data/ folder (where ./run runs)."""
    try:
        path.resolve().relative_to(Path("data").resolve())
        return True
    except ValueError:
        return False


# A file input or output that Flyte's cache knows by its content.
HashedFile = Annotated[FlyteFile, HashMethod(hash_file)]
# A table passed between steps: the Parquet file one step wrote for the next.
ParquetFile = HashedFile
