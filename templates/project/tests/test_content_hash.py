from pathlib import Path

import pytest
from flytekit.types.file import FlyteFile

from tasks.content_hash import hash_file
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
