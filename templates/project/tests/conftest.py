"""Shared fixtures: the bundled sample data, read and split once per test session, and a
project folder of each test's own, so that tasks write their layers there."""

import os
from pathlib import Path

# Tests must exercise the tasks, not replay Flyte's local cache from an earlier run.
os.environ.setdefault("FLYTE_LOCAL_CACHE_ENABLED", "false")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from tasks.generate_model_input import Splits, split_data  # noqa: E402
from tasks.process_raw_data import clean_raw_data  # noqa: E402

SAMPLE_RAW_DATA = Path(__file__).parent.parent / "data" / "01_raw" / "breast_cancer.csv"


@pytest.fixture(autouse=True)
def project_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run each test in a folder of its own: tasks write into its data/ layers."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="session")
def raw_data() -> pd.DataFrame:
    return pd.read_csv(SAMPLE_RAW_DATA)


@pytest.fixture(scope="session")
def primary(raw_data: pd.DataFrame) -> pd.DataFrame:
    return clean_raw_data(raw_data)


@pytest.fixture(scope="session")
def model_input(primary: pd.DataFrame) -> Splits:
    return split_data(primary, test_size=0.2, validation_size=0.2, seed=42)


@pytest.fixture
def table_file(tmp_path: Path):
    """Writes a table as a Parquet file, as a step would, and returns its path."""

    def write(frame: pd.DataFrame, name: str) -> str:
        path = tmp_path / "inputs" / f"{name}.parquet"
        path.parent.mkdir(exist_ok=True)
        frame.to_parquet(path, index=False)
        return str(path)

    return write
