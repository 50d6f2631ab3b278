"""Big tables: the pipeline against a plain script of the same steps (`npm run bench:scale`).

Tables, made on the fly as CSV files (never committed), kept in
$TMPDIR/flyte-pipeline-bench-scale/tables/ for the next run:
- 1M, 3M and 10M rows shaped like the sample: its 30 numeric features (rows of scikit-learn's
  breast-cancer data drawn at random, each value times a little noise, 4 significant digits)
  and the diagnosis as 0/1 (2 % flipped): 31 numeric columns;
- 3M rows with categorical columns: test/local/tables.py's churn table (string categories with
  gaps, numbers with gaps, an id left out, a date column), made in blocks of 50,000 rows (its
  dates are daily from 2021 on) with the ids numbered again.

After a warm-up on the sample (not timed: Python compiles the modules both sides import, and
matplotlib lists the fonts into a config folder both sides share, MPLCONFIGDIR), for each table, in one generated and installed project (uv) whose src/dataset.py points at it,
its raw file read once (into the page cache, for both sides), the tasks' code hashes kept
for the edited src/ (tasks.code_version, in an XDG_CACHE_HOME every run shares: as after a
user's first run once src/dataset.py is edited), then 5 pairs (3 for the 10M
table, whose pair takes three minutes), each a fresh process, the side that goes first alternating (pipeline, plain; plain, pipeline; ...):
- the pipeline cold: `./run src/ full` with an empty local cache (a home of its own) and nothing
  in data/ but the raw file (no hash kept beside it): every step runs;
- the plain script, bench/plain_pipeline.py: the same steps composed from the project's own
  functions in one process, no Flyte, writing the same files into a folder of its own;
then the pipeline's second run (compare, the small step that reads the run history, runs again:
the history has gained the cold run), and 3 warm runs: nothing changed, every step from the local cache. Measured: wall
time, CPU time (user + system, of the whole tree: less sensitive than wall time to what else
the machine runs), and peak RSS of the whole process tree (./run -> uv -> the run's supervisor
-> the run): the largest of wait4's ru_maxrss (the largest process) and the sum of the tree's
RSS sampled every 50 ms. The plain script runs with the allocator settings ./run gives its run
(PLAIN_ENV). After the pairs, the plain script's metrics.json must equal the pipeline's
(fit_seconds and previous aside), and the Parquet files, the model and the report (its time
aside) are compared byte for byte.

At these sizes the default candidates (7 settings, random forests among them) would take hours
on 2 cores: for both sides src/candidates.py is swapped for one small candidate (a logistic
regression, C=1; a ridge for a regression), and put back at the end, as src/dataset.py is.

Bars (issue 18): at >= 1M rows the pipeline at most 1.05x the plain script's time (ratio of the
medians) and 1.10x its peak memory; the warm run not growing with the table (the largest
table's at most 1.25x the smallest's, and 1 s more). Exits 1 if outputs differ or a bar is missed.

Environment: BENCH_PROJECT=PATH (an installed uv project; else one is generated with the bin,
after `npm run build`), BENCH_TABLES=1M,3M,10M,3M-categorical (which tables),
BENCH_PAIRS=N (pairs for every table; else 5, 3 at 10M), BENCH_WARM=3. A whole run takes 25 to
50 minutes on the 2-core CI machine, as it goes: the same work takes a varying time from one run to
the next there, and more pairs make the medians steadier.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "dist" / "bin" / "flyte-pipeline.js"
PLAIN = ROOT / "bench" / "plain_pipeline.py"
WORK = Path(tempfile.gettempdir()) / "flyte-pipeline-bench-scale"
TABLE_VERSION = 1  # bump when a table's making changes: the kept files are made again
GIB = 2**30

# name -> (rows, kind, target, positive class, left out)
TABLES = {
    "1M": (1_000_000, "sample", "diagnosis", "1", []),
    "3M": (3_000_000, "sample", "diagnosis", "1", []),
    "10M": (10_000_000, "sample", "diagnosis", "1", []),
    "3M-categorical": (3_000_000, "churn", "churned", "yes", ["customer_id"]),
}
# The allocator settings ./run gives its run (scripts/run_local.py), given to the plain
# script too: what is compared is the steps, not the allocators.
PLAIN_ENV = {"ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_MMAP_THRESHOLD_": str(1 << 20)}
# What a user's machine does not have: an active virtualenv, Python told never to write
# bytecode (uv does not compile at install: every process would compile every module).
NOT_A_USERS = {"VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "FLYTE_LOCAL_CACHE_ENABLED"}
BARS = {"time": 1.05, "memory": 1.10, "warm_growth": 1.25, "warm_slack": 1.0}

# One small candidate per problem type, for both sides (see above).
SMALL_CANDIDATES = '''

# bench:scale: one small candidate per problem type (the default table would take hours).
CANDIDATES = {
    "binary": [
        Candidate(
            "logistic_regression",
            "sklearn.linear_model.LogisticRegression",
            {"C": [1.0], "max_iter": [1000]},
        )
    ],
    "regression": [Candidate("ridge", "sklearn.linear_model.Ridge", {"alpha": [1.0]})],
}
CANDIDATES["multiclass"] = CANDIDATES["binary"]
'''


# ---------------------------------------------------------------------------------------
# Tables (run with the project's Python: `python scale.py --table KIND ROWS FILE`)


def make_table(kind: str, rows: int, path: Path) -> None:
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv

    partial = path.with_name(path.name + ".partial")
    block = 50_000 if kind == "churn" else 1_000_000
    writer = None
    for start in range(0, rows, block):
        count = min(block, rows - start)
        seed = start // block
        frame = churn_block(count, seed, start) if kind == "churn" else sample_block(count, seed, np, pd)
        batch = pa.Table.from_pandas(frame, preserve_index=False)
        if writer is None:
            options = pyarrow.csv.WriteOptions(quoting_style="needed")
            writer = pyarrow.csv.CSVWriter(str(partial), batch.schema, write_options=options)
        writer.write_table(batch)
    writer.close()
    partial.rename(path)


def sample_block(rows: int, seed: int, np, pd):
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    random = np.random.default_rng(seed)
    picked = random.integers(0, len(data.target), rows)
    values = data.data[picked] * random.lognormal(0.0, 0.05, (rows, data.data.shape[1]))
    # 4 significant digits, as the sample's columns have
    digits = 3 - np.floor(np.log10(np.median(data.data, axis=0)))
    columns = {name: np.round(values[:, i], int(max(digits[i], 0))) for i, name in enumerate(data.feature_names)}
    malignant = data.target[picked] == 0  # scikit-learn: 0 = malignant
    flipped = random.random(rows) < 0.02
    return pd.DataFrame({"diagnosis": (malignant ^ flipped).astype("int64"), **columns})


def churn_block(rows: int, seed: int, start: int):
    sys.path.insert(0, str(ROOT / "test" / "local"))
    from tables import churn

    frame = churn(rows, seed)
    frame["customer_id"] = [f"C{100000 + start + i}" for i in range(rows)]
    return frame


# ---------------------------------------------------------------------------------------
# Measuring


@dataclass
class Run:
    seconds: float
    peak: int  # bytes
    cpu: float  # seconds, user + system, of the whole tree


def descendants(root: int) -> list[int]:
    """root and every process below it."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stream:
                    ppid = int(stream.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += parents.get(pid, [])
    return found


def tree_rss(root: int) -> int:
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for pid in descendants(root):
        try:
            with open(f"/proc/{pid}/statm") as stream:
                total += int(stream.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            pass
    return total


def measure(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> Run:
    """Runs a command to completion: wall seconds and the process tree's peak RSS."""
    peak = 0
    done = threading.Event()
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)

        def sample() -> None:
            nonlocal peak
            while not done.wait(0.05):
                peak = max(peak, tree_rss(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
        sys.exit(f"bench: {' '.join(command)} failed ({code}), see {log}:\n{tail}")
    return Run(seconds, max(peak, usage.ru_maxrss * 1024), usage.ru_utime + usage.ru_stime)


@dataclass
class Result:
    name: str
    rows: int
    pipeline: list[Run] = field(default_factory=list)
    plain: list[Run] = field(default_factory=list)
    warm: list[Run] = field(default_factory=list)
    second: Run | None = None
    same: str = ""
    load: list[float] = field(default_factory=list)

    def median(self, runs: list[Run], what: str) -> float:
        return statistics.median(getattr(run, what) for run in runs)

    @property
    def time_ratio(self) -> float:
        return self.median(self.pipeline, "seconds") / self.median(self.plain, "seconds")

    @property
    def cpu_ratio(self) -> float:
        return self.median(self.pipeline, "cpu") / self.median(self.plain, "cpu")

    @property
    def memory_ratio(self) -> float:
        return self.median(self.pipeline, "peak") / self.median(self.plain, "peak")


# ---------------------------------------------------------------------------------------
# The project


def project_python(project: Path) -> Path:
    return project / ".venv" / "bin" / "python"


def make_project() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="project-", dir=WORK))
    print(f"generating and installing a project (uv) in {folder}...", flush=True)
    node = shutil.which("node") or "node"
    subprocess.run([node, str(BIN), "new", "Scale Bench", "--defaults", "--dependency-manager", "uv"], cwd=folder, check=True, stdout=subprocess.DEVNULL)
    return folder / "scale-bench"


def declare(project: Path, original: str, file: str, name: str) -> None:
    """src/dataset.py pointing at the table."""
    rows, kind, target, positive, leave_out = TABLES[name]
    fields = {"raw_data": f"data/01_raw/{file}", "target": target, "problem_type": "binary", "positive_class": positive}
    lines = []
    for line in original.splitlines():
        key = line.strip().split("=", 1)[0]
        if key in fields:
            line = f"    {key}={json.dumps(fields[key])},"
        elif key == "leave_out":
            line = f"    leave_out={json.dumps(leave_out)},"
        lines.append(line)
    (project / "src" / "dataset.py").write_text("\n".join(lines) + "\n")


def clear(project: Path) -> None:
    """data/ as before a first run: the raw files alone, no hash kept beside them."""
    data = project / "data"
    for layer in data.glob("0[2-8]_*"):
        for path in layer.iterdir():
            if path.name != ".gitkeep":
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    for path in [data / "last_run.json", *data.glob("01_raw/.*.sha256")]:
        path.unlink(missing_ok=True)
    shutil.rmtree(data / ".previous_run", ignore_errors=True)


def compare(project: Path, plain_out: Path) -> str:
    """Whether the plain script's outputs are the pipeline's."""
    import filecmp

    ours = json.loads((project / "data" / "08_reporting" / "metrics.json").read_text())
    theirs = json.loads((plain_out / "08_reporting" / "metrics.json").read_text())
    for metrics in (ours, theirs):
        for key in ("fit_seconds", "previous"):
            metrics.pop(key, None)
    if ours != theirs:
        differ = sorted(key for key in ours.keys() | theirs.keys() if ours.get(key) != theirs.get(key))
        return f"metrics.json DIFFERS ({', '.join(differ)})"
    files = ["03_primary/primary.parquet", "05_model_input/train.parquet", "05_model_input/test.parquet", "05_model_input/validation.parquet", "06_models/model.joblib", "07_model_output/predictions.parquet"]
    differ = [name for name in files if not filecmp.cmp(project / "data" / name, plain_out / name, shallow=False)]
    made = re.compile(r"<tr><td>Report made</td><td>[^<]*</td></tr>")
    reports = [made.sub("", (folder / "08_reporting" / "report.html").read_text()) for folder in (project / "data", plain_out)]
    if reports[0] != reports[1]:
        differ.append("08_reporting/report.html (its time aside)")
    if differ:
        return f"metrics.json equal; {', '.join(differ)} not byte-identical"
    return "metrics.json equal (fit_seconds and previous aside); Parquet files, model and report byte-identical (the report's time aside)"


# ---------------------------------------------------------------------------------------


def main() -> int:
    WORK.mkdir(parents=True, exist_ok=True)
    project = Path(os.environ["BENCH_PROJECT"]).resolve() if os.environ.get("BENCH_PROJECT") else make_project()
    python = project_python(project)
    names = [name for name in os.environ.get("BENCH_TABLES", ",".join(TABLES)).split(",") if name]
    warm_runs = int(os.environ.get("BENCH_WARM", "3"))
    run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=WORK))
    env = {k: v for k, v in os.environ.items() if k not in NOT_A_USERS and k not in PLAIN_ENV}
    # matplotlib keeps its font list in its config folder (under HOME by default): the
    # pipeline's cold runs get a HOME of their own (an empty Flyte cache), and would build
    # it again on every run (0.3 s) where the plain script finds it. One folder for both
    # sides, filled by the warm-up, as on a user's machine after the first run.
    env["MPLCONFIGDIR"] = str(run_dir / "matplotlib")
    # The tasks' code hashes are kept (tasks.code_version) under XDG_CACHE_HOME, until a
    # source file changes: one folder for every run too, filled again after each table's
    # declaration is written into src/dataset.py, as by a user's first run after that edit.
    env["XDG_CACHE_HOME"] = str(run_dir / "cache")
    plain_env = {**env, **PLAIN_ENV}
    env.setdefault("UV_CACHE_DIR", subprocess.run(["uv", "cache", "dir"], capture_output=True, text=True).stdout.strip())
    dataset_file, candidates_file = project / "src" / "dataset.py", project / "src" / "candidates.py"
    dataset_text, candidates_text = dataset_file.read_text(), candidates_file.read_text()
    results = []
    print(f"project {project}; logs and homes in {run_dir}", flush=True)
    try:
        candidates_file.write_text(candidates_text + SMALL_CANDIDATES)
        # A warm-up on the sample, not timed: Python compiles and keeps the modules both
        # sides import, and they are in the page cache.
        clear(project)
        warm_up = {**env, "HOME": tempfile.mkdtemp(prefix="home-", dir=run_dir)}
        measure(["./run", "src/", "full"], project, warm_up, run_dir / "warm-up-pipeline.log")
        measure([str(python), str(PLAIN), str(run_dir / "plain")], project, plain_env, run_dir / "warm-up-plain.log")
        for name in names:
            rows, kind = TABLES[name][:2]
            table = WORK / "tables" / f"{kind}-{rows}-v{TABLE_VERSION}.csv"
            if not table.is_file():
                print(f"{name}: making {table.name}...", flush=True)
                table.parent.mkdir(parents=True, exist_ok=True)
                subprocess.run([str(python), __file__, "--table", kind, str(rows), str(table)], check=True)
            raw = project / "data" / "01_raw" / table.name
            if not raw.exists():
                os.link(table, raw)
            # Read once before the pairs: the first run of a table would otherwise read it
            # from disk, and the plain script after it from the page cache.
            with open(raw, "rb") as stream:
                while stream.read(1 << 24):
                    pass
            declare(project, dataset_text, table.name, name)
            subprocess.run([str(python), "-c", "import workflows.full"], cwd=project / "src", env=env, check=True)
            pairs = int(os.environ.get("BENCH_PAIRS") or (3 if rows >= 10_000_000 else 5))
            result = Result(name, rows)
            results.append(result)
            plain_out = run_dir / "plain"
            home = None
            for pair in range(pairs):
                result.load.append(os.getloadavg()[0])
                clear(project)
                home = Path(tempfile.mkdtemp(prefix="home-", dir=run_dir))
                run_env = {**env, "HOME": str(home), "TMPDIR": tempfile.mkdtemp(prefix="tmp-", dir=run_dir)}

                def pipeline() -> None:
                    result.pipeline.append(measure(["./run", "src/", "full"], project, run_env, run_dir / f"{name}-pipeline-{pair}.log"))
                    report(name, "pipeline cold", result.pipeline[-1])

                def plain() -> None:
                    shutil.rmtree(plain_out, ignore_errors=True)
                    result.plain.append(measure([str(python), str(PLAIN), str(plain_out)], project, plain_env, run_dir / f"{name}-plain-{pair}.log"))
                    report(name, "plain script", result.plain[-1])

                # Which side goes first alternates from pair to pair (pipeline, plain, plain,
                # pipeline, ...): on this VM a page fault costs more or less from one minute to the
                # next, and neither side is to meet the machine always in the state the other
                # leaves it in.
                for side in (pipeline, plain) if pair % 2 == 0 else (plain, pipeline):
                    side()
            # The first run after a cold one runs evaluate again: its input, the run history,
            # has gained the cold run. Timed apart; the warm runs come after it.
            run_env = {**env, "HOME": str(home), "TMPDIR": tempfile.mkdtemp(prefix="tmp-", dir=run_dir)}
            result.second = measure(["./run", "src/", "full"], project, run_env, run_dir / f"{name}-second.log")
            report(name, "second run", result.second)
            for warm in range(warm_runs):
                run_env = {**env, "HOME": str(home), "TMPDIR": tempfile.mkdtemp(prefix="tmp-", dir=run_dir)}
                log = run_dir / f"{name}-warm-{warm}.log"
                result.warm.append(measure(["./run", "src/", "full"], project, run_env, log))
                if "ran:        nothing" not in log.read_text():
                    sys.exit(f"bench: the warm run ran a step, see {log}")
                report(name, "pipeline warm", result.warm[-1])
            result.load.append(os.getloadavg()[0])
            result.same = compare(project, plain_out)
            print(f"  {name}: {result.same}", flush=True)
            shutil.rmtree(plain_out, ignore_errors=True)
            clear(project)
            raw.unlink()
    finally:
        dataset_file.write_text(dataset_text)
        candidates_file.write_text(candidates_text)
    print()
    print(markdown(results))
    return verdict(results)


def report(name: str, what: str, run: Run) -> None:
    print(f"  {name:<15} {what:<14} {run.seconds:7.1f} s  (CPU {run.cpu:6.1f} s)  {run.peak / GIB:6.2f} GiB", flush=True)


def markdown(results: list[Result]) -> str:
    lines = [
        "| table | pairs | pipeline cold | plain script | time ratio | CPU time ratio | pipeline peak RSS | plain peak RSS | memory ratio | second run | warm run |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        cold, plain = result.median(result.pipeline, "seconds"), result.median(result.plain, "seconds")
        second = f"{result.second.seconds:.1f} s" if result.second else "–"
        lines.append(
            f"| {result.name} | {len(result.pipeline)} | {cold:.1f} s | {plain:.1f} s | {result.time_ratio:.2f} | {result.cpu_ratio:.2f}"
            f" | {result.median(result.pipeline, 'peak') / GIB:.2f} GiB | {result.median(result.plain, 'peak') / GIB:.2f} GiB"
            f" | {result.memory_ratio:.2f} | {second} | {result.median(result.warm, 'seconds'):.1f} s |"
        )
    lines.append("")
    for result in results:
        load = f"{min(result.load):.1f}-{max(result.load):.1f}"
        ratios = ", ".join(f"{a.seconds:.1f}/{b.seconds:.1f}" for a, b in zip(result.pipeline, result.plain))
        lines.append(f"- {result.name}: pairs (pipeline/plain s) {ratios}; {result.same}; load average {load} on {os.cpu_count()} cores.")
    return "\n".join(lines)


def verdict(results: list[Result]) -> int:
    missed = []
    for result in results:
        if "DIFFERS" in result.same:
            missed.append(f"{result.name}: {result.same}")
        if result.rows >= 1_000_000 and result.time_ratio > BARS["time"]:
            missed.append(f"{result.name}: time {result.time_ratio:.2f}x the plain script's (bar {BARS['time']})")
        if result.memory_ratio > BARS["memory"]:
            missed.append(f"{result.name}: peak memory {result.memory_ratio:.2f}x the plain script's (bar {BARS['memory']})")
    if len(results) > 1:
        by_rows = sorted(results, key=lambda result: result.rows)
        small, large = (result.median(result.warm, "seconds") for result in (by_rows[0], by_rows[-1]))
        if large > small * BARS["warm_growth"] and large > small + BARS["warm_slack"]:
            missed.append(f"warm run {small:.1f} s at {by_rows[0].name}, {large:.1f} s at {by_rows[-1].name}")
    for line in missed:
        print(f"bar missed: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--table"]:
        make_table(sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]))
        sys.exit(0)
    sys.exit(main())
