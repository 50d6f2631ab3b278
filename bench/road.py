"""The road from nothing to a trained model, timed step by step (`npm run bench:road`).

For each dependency manager (pipenv, uv) and package cache (cold: empty caches; warm: the
caches the cold run filled), in a fresh folder:

    flyte-pipeline new Road --defaults --skip-install   generate
    pipenv install --dev | uv sync                      install (lock included)
    make test                                           the generated tests
    ./run src/ full                                     train, evaluate, report

and, side by side, Kedro's own road in a fresh virtualenv: `pip install kedro`, `kedro new`,
install the project's requirements, `kedro run`. Kedro's example pipeline (`--example=yes`) is
a starter cloned from GitHub, which this machine cannot reach, and its default template has no
node (`kedro run` fails on an empty pipeline): the bench adds one pipeline of one node that
trains a LogisticRegression on scikit-learn's own breast-cancer data (scikit-learn installed
with the requirements), and the table says so.

Prints a Markdown table (seconds). Environment: BENCH_MANAGERS=pipenv,uv  BENCH_CACHES=cold,warm
BENCH_KEDRO=1 (BENCH_MANAGERS= with nothing runs Kedro's road alone). Run after `bash .ci/setup`, which puts Node 22, pipenv and uv on PATH via npm run.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "dist" / "bin" / "flyte-pipeline.js"
CACHE_ROOT = Path(tempfile.gettempdir()) / "flyte-pipeline-bench-road-cache"


def step(name: str, command: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Runs one step, its output to a log; exits with the log's tail if it fails."""
    started = time.perf_counter()
    log = cwd.parent / f"{name.replace(' ', '_')}.log"
    with log.open("w") as out:
        result = subprocess.run(
            command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        tail = log.read_text(errors="replace").splitlines()[-15:]
        sys.exit(f"bench: {name} failed ({' '.join(command)}):\n" + "\n".join(tail))
    print(f"  {name:<12} {seconds:7.1f} s", flush=True)
    return seconds


def caches(kind: str, label: str) -> dict[str, str]:
    """Package caches for one run: a fresh empty folder (cold) or the one a cold run filled."""
    folder = CACHE_ROOT / label
    if kind == "cold" and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "PIP_CACHE_DIR": str(folder / "pip"),
        "PIPENV_CACHE_DIR": str(folder / "pipenv"),
        "UV_CACHE_DIR": str(folder / "uv"),
        "XDG_CACHE_HOME": str(folder / "xdg"),
    }


# What a user's machine does not have: an active virtualenv, Python told never to write
# bytecode (pip compiles at install, uv does not: with it every run would compile again), and
# this machine's own pip set-up (a local wheel folder and file:// indexes that pip, and so
# pipenv, would read but uv would not). Without them pip, pipenv and uv all fetch from PyPI.
NOT_A_USERS = {"VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE", "PIP_FIND_LINKS", "PIP_EXTRA_INDEX_URL", "PIP_INDEX_URL"}


def base_env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in NOT_A_USERS}
    # A private HOME: Flyte's local cache (~/.flyte) starts empty, like a new user's.
    env.update(HOME=str(work / "home"), PIPENV_YES="1", PIPENV_NOSPIN="1", PIP_CONFIG_FILE=os.devnull)
    (work / "home").mkdir(exist_ok=True)
    return env


def flyte_pipeline_road(manager: str, cache: str) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(prefix=f"bench-road-{manager}-{cache}-"))
    env = {**base_env(work), **caches(cache, manager)}
    project = work / "road"
    node = shutil.which("node", path=env["PATH"]) or "node"
    print(f"flyte-pipeline, {manager}, {cache} cache ({work})", flush=True)
    times = {
        "new": step(
            "new",
            [node, str(BIN), "new", "Road", "--defaults", "--skip-install",
             "--dependency-manager", manager],
            work,
            env,
        )
    }
    install = ["pipenv", "install", "--dev"] if manager == "pipenv" else ["uv", "sync"]
    times["install"] = step("install", install, project, env)
    times["make test"] = step("make test", ["make", "test"], project, env)
    times["run full"] = step("run full", ["./run", "src/", "full"], project, env)
    return times


KEDRO_TRAIN_PIPELINE = '''"""One node: train a model, as the flyte-pipeline road does (added by bench/road.py)."""
from kedro.pipeline import Pipeline, node
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split


def train() -> float:
    features, target = load_breast_cancer(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(features, target, random_state=0)
    model = LogisticRegression(max_iter=5000).fit(x_train, y_train)
    return float(model.score(x_test, y_test))


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline([node(train, inputs=None, outputs="accuracy")])
'''


def add_training_pipeline(folder: Path) -> None:
    """A pipeline Kedro's find_pipelines() registers in __default__."""
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("from .pipeline import create_pipeline  # noqa: F401\n")
    (folder / "pipeline.py").write_text(KEDRO_TRAIN_PIPELINE)


def kedro_road(cache: str) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(prefix=f"bench-road-kedro-{cache}-"))
    env = {**base_env(work), **caches(cache, "kedro"), "KEDRO_DISABLE_TELEMETRY": "1"}
    print(f"kedro, pip, {cache} cache ({work})", flush=True)
    venv = work / "venv"
    bin_dir = venv / "bin"
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    # Getting the tool is not part of the road (flyte-pipeline's npm install is not either);
    # it is shown apart.
    times = {
        "tool": step("venv+kedro", [sys.executable, "-m", "venv", str(venv)], work, env)
        + step("pip kedro", [str(bin_dir / "pip"), "install", "-q", "kedro"], work, env),
        "new": step(
            "kedro new",
            [str(bin_dir / "kedro"), "new", "--name", "road", "--tools", "none",
             "--example", "no"],
            work,
            env,
        )
    }
    project = work / "road"
    add_training_pipeline(project / "src" / "road" / "pipelines" / "train")
    times["install"] = step(
        "install",
        [str(bin_dir / "pip"), "install", "-q", "-r", "requirements.txt", "scikit-learn"],
        project,
        env,
    )
    times["make test"] = float("nan")  # the default template has no tests
    times["run full"] = step("kedro run", [str(bin_dir / "kedro"), "run"], project, env)
    return times


def main() -> None:
    if not BIN.exists():
        sys.exit("bench: dist/bin/flyte-pipeline.js is missing: run `npm run build` first")
    managers = [name for name in os.environ.get("BENCH_MANAGERS", "pipenv,uv").split(",") if name]
    cache_kinds = os.environ.get("BENCH_CACHES", "cold,warm").split(",")
    rows: list[tuple[str, dict[str, float]]] = []
    for manager in managers:
        for cache in cache_kinds:
            rows.append((f"flyte-pipeline, {manager}, {cache}", flyte_pipeline_road(manager, cache)))
    if os.environ.get("BENCH_KEDRO", "1") == "1":
        for cache in cache_kinds:
            rows.append((f"kedro new (default template + one training node), pip, {cache}", kedro_road(cache)))
    print("\n| road | new | install | make test | run | total | (getting the tool) |")
    print("|---|---|---|---|---|---|---|")
    for label, times in rows:
        cells = [times["new"], times["install"], times["make test"], times["run full"]]
        total = sum(value for value in cells if value == value)
        shown = " | ".join("–" if value != value else f"{value:.1f}" for value in cells)
        tool = f"{times['tool']:.1f}" if "tool" in times else "–"
        print(f"| {label} | {shown} | **{total:.1f}** | {tool} |")


if __name__ == "__main__":
    main()
