"""Flyte's local cache forgets entries whose files were rewritten or deleted."""

from pathlib import Path

import pytest
from diskcache import Cache
from flyteidl.core.literals_pb2 import LiteralMap

from tasks.layers import MODEL, save
from tasks.local_cache import forget_missing_files, forget_other_contents
from tasks.settings import pipeline_task


@pytest.fixture
def cache(local_cache: Cache) -> Cache:
    return local_cache


def entry(uri: str, hash: str) -> bytes:
    outputs = LiteralMap()
    outputs.literals["o0"].scalar.blob.uri = uri
    outputs.literals["o0"].hash = hash
    return outputs.SerializeToString()


def test_rewriting_a_file_forgets_the_entries_of_its_other_contents(cache, tmp_path):
    path = tmp_path / "model.joblib"
    cache.set("old", entry(str(path), "old-content"))
    cache.set("same", entry(str(path), "new-content"))
    cache.set("elsewhere", entry(str(tmp_path / "other.joblib"), "old-content"))
    assert forget_other_contents(path, "new-content") == 1
    assert sorted(cache.iterkeys()) == ["elsewhere", "same"]


def test_entries_of_deleted_files_are_forgotten(cache, tmp_path):
    kept = tmp_path / "kept.parquet"
    kept.write_bytes(b"table")
    cache.set("kept", entry(str(kept), "h"))
    cache.set("gone", entry(str(tmp_path / "flyte-tmp" / "gone.parquet"), "h"))
    cache.set("foreign", b"\xff\xff not an entry")
    assert forget_missing_files() == 1
    assert sorted(cache.iterkeys()) == ["foreign", "kept"]


def test_a_task_rewriting_its_layer_forgets_the_old_entry(cache, project_root: Path):
    @pipeline_task
    def write_model(content: str) -> str:
        return save(MODEL, lambda path: path.write_text(content)).path

    path = project_root / "data" / MODEL
    cache.set("earlier run", entry(str(path), "content of an earlier run"))
    assert write_model(content="this run") == str(path)
    assert path.read_text() == "this run"
    assert "earlier run" not in list(cache.iterkeys())
