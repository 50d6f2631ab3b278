"""Big tables (issue 18), on a table of a million rows shaped like the sample (made from
its rows, never shipped):
- a run killed by the system (a memory cgroup too small for the step) says so in one line
  naming the step and the memory it had, with the fix; exits 137; and data/ holds the
  previous run's files, byte for byte, with data/last_run.json saying the run failed;
- a warm run does not read the raw file to recognise it (the hash kept beside it, keyed on
  what proves it unchanged): counted with inotify, which sees every open and read of the
  file whoever makes it (pandas, pyarrow, hashlib); a touched file is read again (the
  control), and either way every step comes from the cache.
The project is one of its own (sharing the session's virtualenv), with one small candidate:
the default search would take many minutes on a million rows."""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import struct
import subprocess
import uuid
from pathlib import Path
from typing import Iterator

import pytest
from local_project import STEPS, Project, edited, new_project, steps

ROWS = 1_000_000
SMALL_CANDIDATE = (
    '\nCANDIDATES["binary"] = [Candidate("logistic_regression",'
    ' "sklearn.linear_model.LogisticRegression", {"C": [1.0], "max_iter": [1000]})]\n'
)
# The run's processes together (the project's Python, pipenv, the supervisor, the run):
# enough to start and run the sample, far too little for a million rows in memory.
LIMIT = 450 * 2**20


@pytest.fixture(scope="module")
def big(project: Project, workspace: Path) -> Project:
    """"Big Tables", run once on the sample, with data/01_raw/big.csv beside it."""
    made = new_project(project, workspace / "big", "Big Tables")
    make = (
        "import sys, numpy as np, pyarrow as pa, pyarrow.csv as csv\n"
        "sample = csv.read_csv('data/01_raw/breast_cancer.csv')\n"
        "rows = np.random.default_rng(0).integers(0, sample.num_rows, int(sys.argv[1]))\n"
        "csv.write_csv(sample.take(pa.array(rows)), 'data/01_raw/big.csv')\n"
    )
    made.python("-c", make, str(ROWS), timeout=300)
    made.full()
    made.full()  # the run history has the first run now: the comparison step takes it in
    return made


@contextlib.contextmanager
def on_big_table(project: Project) -> Iterator[None]:
    """src/dataset.py declaring the big table, src/candidates.py one small candidate."""
    declared = project.path / "src" / "dataset.py"
    with edited(declared, lambda text: text.replace("data/01_raw/breast_cancer.csv", "data/01_raw/big.csv")), \
            edited(project.path / "src" / "candidates.py", lambda text: text + SMALL_CANDIDATE):
        yield


def test_a_run_killed_for_memory_says_why_and_keeps_the_previous_run(big: Project):
    before = big.digests()
    with on_big_table(big), memory_cgroup(LIMIT) as enter:
        result = subprocess.run([*enter, "./run", "src/", "full"], cwd=big.path, env=big.env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 137, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    lines = [line for line in result.stderr.splitlines() if line.startswith(("error:", "  fix:"))]
    assert len(lines) == 2, result.stderr
    error, fix = lines
    step = re.fullmatch(r"error: the step (\w+) was killed by the system \(SIGKILL: out of memory\? it used (\d+\.\d) GiB of the (\d+\.\d) GiB it may use\)", error)
    assert step, error
    assert step[1] in STEPS and step[3] == f"{LIMIT / 2**30:.1f}", error
    assert "requests=Resources(mem=...) in src/tasks/settings.py" in fix and "more memory" in fix
    assert "Traceback" not in result.stderr
    # data/ holds the previous run's files, and says the last run failed.
    assert big.digests() == before
    last = big.last_run()
    assert last["status"] == "failed; data/ holds the previous run's files"
    assert last["error"] == error.removeprefix("error: ")
    assert not (big.path / "data" / ".previous_run").exists()
    # The sample again: every step from the cache, the files untouched.
    stamps = big.stamps()
    assert steps(big.full().stdout) == ([], STEPS)
    assert big.stamps() == stamps


def test_a_warm_run_does_not_read_the_raw_file(big: Project):
    raw = big.path / "data" / "01_raw" / "big.csv"
    with on_big_table(big):
        big.full()  # cold: every step, the raw file read and its hash kept beside it
        big.full()  # the comparison with the previous run takes in the run history
        assert (raw.parent / ".big.csv.sha256").is_file()
        with watched(raw) as reads:
            warm = big.full()
        assert steps(warm.stdout) == ([], STEPS)
        assert reads == {"opened": 0, "read": 0}, f"a warm run read {raw.name}"
        # The control: a touched file may have changed: it is read (hashed) again, found
        # the same, and every step still comes from the cache.
        os.utime(raw)
        with watched(raw) as reads:
            touched = big.full()
        assert steps(touched.stdout) == ([], STEPS)
        assert reads["opened"] >= 1 and reads["read"] >= 1, reads


# inotify(7): IN_ACCESS (a read) and IN_OPEN on one file.
IN_ACCESS, IN_OPEN = 0x1, 0x20
EVENT = struct.Struct("iIII")


@contextlib.contextmanager
def watched(path: Path) -> Iterator[dict[str, int]]:
    """Counts the opens and reads of `path` by any process while the block runs (inotify
    merges a read into the one before it while neither is taken: a count of reads tells
    whether the file was read, not how much)."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
    if fd < 0:
        pytest.skip(f"inotify unavailable: {os.strerror(ctypes.get_errno())}")
    counts = {"opened": 0, "read": 0}
    try:
        if libc.inotify_add_watch(fd, str(path).encode(), IN_ACCESS | IN_OPEN) < 0:
            raise OSError(ctypes.get_errno(), f"inotify_add_watch {path}")
        yield counts
        while True:
            try:
                data = os.read(fd, 1 << 16)
            except BlockingIOError:
                break
            offset = 0
            while offset < len(data):
                _, mask, _, length = EVENT.unpack_from(data, offset)
                counts["opened"] += bool(mask & IN_OPEN)
                counts["read"] += bool(mask & IN_ACCESS)
                offset += EVENT.size + length
    finally:
        os.close(fd)


@contextlib.contextmanager
def memory_cgroup(limit: int) -> Iterator[list[str]]:
    """A memory cgroup of `limit` bytes (v2, or v1's memory controller), no swap; yields the
    command prefix that runs a command inside it."""
    v2 = Path("/sys/fs/cgroup/cgroup.controllers")
    if v2.is_file():
        if "memory" not in Path("/sys/fs/cgroup/cgroup.subtree_control").read_text().split():
            pytest.skip("cgroup v2 without the memory controller for child groups")
        group, settings = Path("/sys/fs/cgroup") / f"fp-test-{uuid.uuid4().hex[:8]}", {"memory.max": limit, "memory.swap.max": 0}
    elif Path("/sys/fs/cgroup/memory/memory.limit_in_bytes").is_file():
        group = Path("/sys/fs/cgroup/memory") / f"fp-test-{uuid.uuid4().hex[:8]}"
        settings = {"memory.limit_in_bytes": limit, "memory.memsw.limit_in_bytes": limit}
    else:
        pytest.skip("no memory cgroup on this machine")
    try:
        group.mkdir()
    except OSError as error:
        pytest.skip(f"cannot make a memory cgroup ({error}): run as root")
    try:
        for name, value in settings.items():
            if (group / name).exists():
                (group / name).write_text(str(value))
        yield ["sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', str(group)]
    finally:
        for _ in range(50):
            try:
                group.rmdir()
                break
            except OSError:
                subprocess.run(["sleep", "0.1"])
