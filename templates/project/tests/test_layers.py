"""How a step reads a table: what stays in memory after the read."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

# A fresh process as a task's pod runs one: pyarrow on the system's allocator (the
# image sets ARROW_DEFAULT_MEMORY_POOL=system), glibc as it comes. How much more it
# holds once it has the table.
READ = """
import os, sys
import pandas, pyarrow.parquet  # loaded before: their code is not the table's
from flytekit.types.file import FlyteFile
from tasks.layers import give_back_freed_memory, read_table

def resident():  # anonymous memory: resident pages less those of files (code)
    with open("/proc/self/statm") as stream:
        pages = [int(field) for field in stream.read().split()]
    return (pages[1] - pages[2]) * os.sysconf("SC_PAGE_SIZE")

read_table(FlyteFile(sys.argv[2]))  # the read's code paths and threads, once
give_back_freed_memory()
before = resident()
table = read_table(FlyteFile(sys.argv[1]))
print((resident() - before) / table.memory_usage(index=False).sum())
"""


@pytest.mark.skipif(
    not Path("/proc/self/statm").is_file(), reason="glibc and /proc (Linux) only"
)
def test_a_read_table_leaves_one_copy_resident(tmp_path: Path):
    # 128 MB of numbers; without tasks.layers.give_back_freed_memory glibc keeps
    # pyarrow's freed buffers (under its threshold): two copies stay.
    numbers = np.random.default_rng(0).normal(size=(1_000_000, 16))
    file = tmp_path / "table.parquet"
    columns = [f"c{i}" for i in range(16)]
    pd.DataFrame(numbers, columns=columns).to_parquet(file)
    small = tmp_path / "small.parquet"
    pd.DataFrame(numbers[:1000], columns=columns).to_parquet(small)
    src = Path(__file__).resolve().parent.parent / "src"
    env = {**os.environ, "ARROW_DEFAULT_MEMORY_POOL": "system", "PYTHONPATH": str(src)}
    ran = subprocess.run(
        [sys.executable, "-c", READ, str(file), str(small)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stderr
    copies = float(ran.stdout)
    assert copies < 1.75, f"{copies:.2f} copies of the table resident after the read"
