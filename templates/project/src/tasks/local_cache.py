"""Flyte's local cache (~/.flyte/local-cache), kept true to the files it points at.

An entry holds a task's outputs, and ours are files in the data layers. When a run
rewrites such a file with other content, or the file is gone, the entries pointing at
it would replay what is no longer there: they are dropped, so their tasks run again."""

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Optional

from flyteidl.core.literals_pb2 import Literal, LiteralMap
from flytekit.configuration import LocalConfig
from flytekit.core.local_cache import CACHE_LOCATION
from google.protobuf.message import DecodeError


def forget_other_contents(path: Path, content_hash: Optional[str]) -> int:
    """Before `path` is rewritten: drop the entries pointing at other content there."""
    return forget(lambda uri, hash: uri == str(path) and hash != content_hash)


def forget_missing_files() -> int:
    """Drop the entries whose output files are gone (deleted, or in a cleaned temp
    folder)."""
    return forget(lambda uri, hash: os.path.isabs(uri) and not os.path.exists(uri))


def forget(is_stale: Callable[[str, Optional[str]], bool]) -> int:
    """Drop each entry with an output file (uri, content hash) that `is_stale`; return
    how many."""
    location = Path(CACHE_LOCATION).expanduser()
    if not LocalConfig.auto().cache_enabled or not location.is_dir():
        return 0
    from diskcache import Cache  # what flytekit keeps its local cache in

    dropped = 0
    with Cache(str(location)) as cache:
        for key in list(cache.iterkeys()):
            try:
                outputs = LiteralMap.FromString(cache.get(key)).literals.values()
            except (TypeError, DecodeError):  # not an entry this flytekit wrote
                continue
            if any(is_stale(uri, hash) for uri, hash in files_in(outputs)):
                cache.delete(key)
                dropped += 1
    return dropped


def files_in(literals: Iterable[Literal]) -> Iterator[tuple[str, Optional[str]]]:
    """Each file or table among some outputs, as (uri, content hash or None)."""
    for literal in literals:
        if literal.HasField("collection"):
            yield from files_in(literal.collection.literals)
        elif literal.HasField("map"):
            yield from files_in(literal.map.literals.values())
        elif literal.scalar.HasField("blob"):
            yield literal.scalar.blob.uri, literal.hash or None
        elif literal.scalar.HasField("structured_dataset"):
            yield literal.scalar.structured_dataset.uri, literal.hash or None
