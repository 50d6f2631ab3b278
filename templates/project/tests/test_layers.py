"""How a step reads a table: what stays in memory after the read."""

import os
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scripts.run_local import RUN_ENVIRONMENT

ROOT = Path(__file__).resolve().parent.parent

# A fresh process reads a table through tasks.layers.read_table: how much more memory
# it holds once it has the table (anonymous memory: resident pages less those of files).
READ = """
import os, sys
import pandas, pyarrow.parquet  # loaded before: their code is not the table's
from flytekit.types.file import FlyteFile
from tasks.layers import read_table

def resident():
    with open("/proc/self/statm") as stream:
        pages = [int(field) for field in stream.read().split()]
    return (pages[1] - pages[2]) * os.sysconf("SC_PAGE_SIZE")

before = resident()
table = read_table(FlyteFile(sys.argv[1]))
print((resident() - before) / table.memory_usage(index=False).sum())
"""


# The variables that say how a process allocates memory (glibc's, pyarrow's).
MEMORY = ("MALLOC_", "ARROW_")


def image_environment() -> dict[str, str]:
    """The memory variables the project's Dockerfile sets (ENV) for a task's pod."""
    lines = (ROOT / "Dockerfile").read_text().replace("\\\n", " ").splitlines()
    assignments = [shlex.split(line)[1:] for line in lines if line.startswith("ENV ")]
    pairs = [pair.split("=", 1) for each in assignments for pair in each if "=" in pair]
    return {name: value for name, value in pairs if name.startswith(MEMORY)}


@pytest.mark.skipif(
    not Path("/proc/self/statm").is_file(), reason="glibc and /proc (Linux) only"
)
@pytest.mark.parametrize(
    "environment", [image_environment(), RUN_ENVIRONMENT], ids=["pod", "./run"]
)
def test_a_read_table_leaves_one_copy_resident(tmp_path: Path, environment: dict):
    # 128 MB of numbers. Without MALLOC_MMAP_THRESHOLD_ (or pyarrow on its own pool)
    # the buffers pyarrow freed once pandas holds the table stay: two copies.
    numbers = np.random.default_rng(0).normal(size=(1_000_000, 16))
    file = tmp_path / "table.parquet"
    pd.DataFrame(numbers, columns=[f"c{i}" for i in range(16)]).to_parquet(file)
    inherited = {
        name: value for name, value in os.environ.items() if not name.startswith(MEMORY)
    }
    ran = subprocess.run(
        [sys.executable, "-c", READ, str(file)],
        env={**inherited, **environment, "PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stderr
    copies = float(ran.stdout)
    assert copies < 1.3, f"{copies:.2f} copies of the table resident after the read"
