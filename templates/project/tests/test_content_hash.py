import pandas as pd
from flytekit.types.file import FlyteFile

from tasks.content_hash import hash_dataframe, hash_file


def test_equal_frames_hash_equal_and_any_change_shows():
    frame = pd.DataFrame({"a": [1, 2], "b": [0.5, 1.5]})
    assert hash_dataframe(frame) == hash_dataframe(frame.copy())
    assert hash_dataframe(frame) != hash_dataframe(frame.assign(b=[0.5, 1.6]))
    assert hash_dataframe(frame) != hash_dataframe(frame.rename(columns={"a": "c"}))


def test_file_hash_follows_content(tmp_path):
    first, second = tmp_path / "first.bin", tmp_path / "second.bin"
    first.write_bytes(b"model")
    second.write_bytes(b"model")
    assert hash_file(FlyteFile(str(first))) == hash_file(FlyteFile(str(second)))
    second.write_bytes(b"other")
    assert hash_file(FlyteFile(str(first))) != hash_file(FlyteFile(str(second)))
