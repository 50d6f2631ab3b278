import hashlib
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from flytekit.types.file import FlyteFile

from tasks import content_hash
from tasks.content_hash import hash_file, known_hash
from tasks.errors import PipelineError
from tasks.layers import TEST, TRAIN
from workflows.train_model import train_model


def test_file_hash_follows_content_not_path(tmp_path: Path):
    first, second = tmp_path / "first.bin", tmp_path / "second.bin"
    first.write_bytes(b"model")
    second.write_bytes(b"model")
    assert hash_file(FlyteFile(str(first))) == hash_file(str(second))
    second.write_bytes(b"other")
    assert hash_file(first) != hash_file(second)


def test_a_file_two_threads_ask_for_is_read_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    (tmp_path / "raw.csv").write_text("a,b\n1,2\n")
    monkeypatch.chdir(tmp_path)
    reads = []

    def slow_sha256():  # a large file: the second caller comes while it is read
        reads.append(1)
        time.sleep(0.2)
        return hashlib.sha256()

    monkeypatch.setattr(content_hash, "hashlib", SimpleNamespace(sha256=slow_sha256))
    asking = [Path("raw.csv"), tmp_path / "raw.csv"]  # one file, spelt two ways
    threads = [threading.Thread(target=known_hash, args=(path,)) for path in asking]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(reads) == 1


@pytest.mark.parametrize("size", [0, 5, (1 << 24) + 3])
def test_a_files_hash_is_the_sha256_of_all_its_bytes(tmp_path: Path, size: int):
    # read through one buffer: the last, partial, block too
    path = tmp_path / "raw.bin"
    path.write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
    assert content_hash.sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_remote_files_are_left_to_flyte():
    assert hash_file("s3://bucket/raw.csv") is None


def test_a_missing_file_has_no_hash_outside_a_local_run():
    assert hash_file(FlyteFile(f"data/{TRAIN}")) is None


def test_a_missing_input_on_a_local_run_says_which_and_what_to_do():
    with pytest.raises(Exception) as raised:
        train_model(train=FlyteFile(f"data/{TRAIN}"), test=FlyteFile(f"data/{TEST}"))
    error = raised.value
    while not isinstance(error, PipelineError) and error is not None:
        error = error.__cause__ or error.__context__
    assert error is not None, raised.value
    assert error.cause == f"no file data/{TRAIN}"
    assert "./run src/ full" in error.fix
