"""Shared fixtures: small synthetic tables of each problem type, declared in place of
src/dataset.py, so that the tests prove the pipeline on any data, not on the sample;
and a project folder of each test's own, where the tasks write their layers.

Only tests/test_dataset.py reads the declared dataset itself."""

import dataclasses
import importlib
import json
import os
import pkgutil
from pathlib import Path
from typing import Any, Callable, Iterator, NamedTuple

# Tests must exercise the tasks, not replay Flyte's local cache from an earlier run.
os.environ["FLYTE_LOCAL_CACHE_ENABLED"] = "false"

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from flytekit.types.file import FlyteFile  # noqa: E402

import candidates  # noqa: E402
import dataset  # noqa: E402
from tasks.declarations import Candidate, Dataset, Gates  # noqa: E402
from tasks.evaluate import compared, evaluation  # noqa: E402
from tasks.generate_model_input import Splits, split_data  # noqa: E402
from tasks.generate_model_output import predictions_table  # noqa: E402
from tasks.problem import Problem, resolve  # noqa: E402
from tasks.process_raw_data import clean_raw_data  # noqa: E402
from tasks.train_model import Fitted, best, candidate_settings  # noqa: E402
from tasks.train_model import fit_setting, leaderboard  # noqa: E402

KINDS = ("binary", "multiclass", "regression")

# How each synthetic table is declared, as a user would in src/dataset.py.
DATASETS = {
    "binary": Dataset(
        raw_data="data/01_raw/churn.csv",
        target="churned",
        problem_type="binary",
        positive_class="yes",
        leave_out=["id"],
    ),
    "multiclass": Dataset(
        raw_data="data/01_raw/tiers.csv", target="tier", leave_out=["id"]
    ),
    "regression": Dataset(
        raw_data="data/01_raw/prices.parquet", target="price", leave_out=["id"]
    ),
}

# Small, fast candidates (two settings each) in place of src/candidates.py's.
SMALL_CANDIDATES = {
    "binary": [
        Candidate(
            "logistic_regression",
            "sklearn.linear_model.LogisticRegression",
            {"C": [1.0, 10.0], "max_iter": [1000]},
        )
    ],
    "regression": [
        Candidate("ridge", "sklearn.linear_model.Ridge", {"alpha": [0.1, 10.0]})
    ],
}
SMALL_CANDIDATES["multiclass"] = SMALL_CANDIDATES["binary"]
SELECTION_METRIC = {"binary": "roc_auc", "multiclass": "f1_macro", "regression": "rmse"}


def synthetic_table(kind: str, rows: int = 120, seed: int = 0) -> pd.DataFrame:
    """A table like a user's: an id, an ISO date, a text category and a number with
    gaps, an integer and a boolean, and a target that depends on them: "yes"/"no"
    (binary), "bronze"/"silver"/"gold" (multiclass) or a price (regression). Every
    25th row has no target."""
    rng = np.random.default_rng(seed)
    plan = rng.choice(["basic", "plus", "pro"], rows)
    usage = rng.normal(50, 15, rows).round(1)
    visits = rng.integers(0, 10, rows)
    signal = (
        (usage - 50) / 15
        + (plan == "pro")
        - (plan == "basic")
        + (visits - 4.5) / 6
        + rng.normal(0, 0.25, rows)
    )
    days = pd.to_timedelta(rng.integers(0, 730, rows), unit="D")
    table = pd.DataFrame(
        {
            "id": [f"C{number:04d}" for number in range(rows)],
            "signup_date": (pd.Timestamp("2023-01-01") + days).strftime("%Y-%m-%d"),
            "plan": plan,
            "usage": usage,
            "visits": visits,
            "autopay": rng.random(rows) < 0.5,
        }
    )
    if kind == "binary":
        target = pd.Series(np.where(signal > 0, "yes", "no"), name="churned")
    elif kind == "multiclass":
        cuts = np.quantile(signal, [1 / 3, 2 / 3])
        names = np.array(["bronze", "silver", "gold"])
        target = pd.Series(names[np.searchsorted(cuts, signal)], name="tier")
    else:
        target = pd.Series((100 + 20 * signal).round(2), name="price")
    table[target.name] = target
    numbers = np.arange(rows)
    table.loc[numbers % 7 == 3, "plan"] = None
    table.loc[numbers % 11 == 5, "usage"] = None
    table.loc[numbers % 25 == 24, target.name] = None
    return table


def write_table(frame: pd.DataFrame, path: Path) -> Path:
    """A table as a Parquet file, or a CSV file when its name says so."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    return path


def declare_project(
    monkeypatch: pytest.MonkeyPatch, declared: Dataset, kind: str = ""
) -> Dataset:
    """Put `declared` in place of src/dataset.py's DATASET wherever it was imported
    (`from dataset import DATASET`), and the raw file workflows read locally; with a
    `kind`, the small candidates, their metric and the default gates in place of
    src/candidates.py's."""
    original = dataset.DATASET
    for module in project_modules():
        if getattr(module, "DATASET", None) is original:
            monkeypatch.setattr(module, "DATASET", declared)
        local_inputs = getattr(module, "LOCAL_INPUTS", {})
        if local_inputs.get("raw_data") == original.raw_data:
            monkeypatch.setitem(local_inputs, "raw_data", declared.raw_data)
    if kind:
        monkeypatch.setitem(candidates.CANDIDATES, kind, SMALL_CANDIDATES[kind])
        monkeypatch.setitem(candidates.SELECTION_METRIC, kind, SELECTION_METRIC[kind])
        for module in project_modules():
            if getattr(module, "GATES", None) is candidates.GATES:
                monkeypatch.setattr(module, "GATES", Gates())
    return declared


def project_modules() -> list[Any]:
    """src/dataset.py, src/candidates.py and every task and workflow module."""
    modules = [dataset, candidates]
    for package in ("tasks", "workflows"):
        path = importlib.import_module(package).__path__
        for found in pkgutil.iter_modules(path):
            modules.append(importlib.import_module(f"{package}.{found.name}"))
    return modules


@pytest.fixture(autouse=True)
def project_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run each test in a folder of its own: tasks write into its data/ layers."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def local_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Flyte's local cache on, empty, in this test's own home folder."""
    from diskcache import Cache  # what flytekit keeps its local cache in
    from flytekit.core.local_cache import LocalTaskCache

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FLYTE_LOCAL_CACHE_ENABLED", "true")
    # flytekit opens its cache once: opened again, it is this test's.
    monkeypatch.setattr(LocalTaskCache, "_initialized", False)
    with Cache(str(tmp_path / "home" / ".flyte" / "local-cache")) as cache:
        yield cache


@pytest.fixture
def declare(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Dataset]:
    """declare(kind, **changes): the synthetic table of that kind is the declared
    dataset (its declaration with `changes`), with the small candidates."""

    def declare_kind(kind: str, **changes: Any) -> Dataset:
        declared = dataclasses.replace(DATASETS[kind], **changes)
        return declare_project(monkeypatch, declared, kind)

    return declare_kind


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    """Each problem type in turn."""
    return request.param


@pytest.fixture
def declared(kind: str, declare: Callable[..., Dataset]) -> Dataset:
    return declare(kind)


@pytest.fixture
def raw(kind: str, declared: Dataset) -> pd.DataFrame:
    return synthetic_table(kind)


@pytest.fixture
def primary(raw: pd.DataFrame) -> pd.DataFrame:
    return clean_raw_data(raw)


@pytest.fixture
def splits(primary: pd.DataFrame, declared: Dataset) -> Splits:
    return split_data(
        primary, declared.test_size, declared.validation_size, declared.seed
    )


class Trained(NamedTuple):
    """What the steps after train_model take: the chosen model, its predictions on
    the validation set, the leaderboard and the metrics."""

    problem: Problem
    model: Any
    predictions: pd.DataFrame
    leaderboard: dict[str, Any]
    metrics: dict[str, Any]


# Trained once per kind of table: the tests read it, and never change it.
TRAINED: dict[str, Trained] = {}


@pytest.fixture
def trained(kind: str, splits: Splits, tmp_path: Path) -> Trained:
    """Every small candidate fitted and the best kept, as train_model does; then
    predictions and metrics, as generate_model_output and evaluate make them."""
    if kind not in TRAINED:
        TRAINED[kind] = train(splits, tmp_path)
    return TRAINED[kind]


def train(splits: Splits, folder: Path) -> Trained:
    problem = resolve(splits.train)
    fitted, models = [], {}
    for setting in candidate_settings(problem):
        model, scores = fit_setting(setting, splits.train, splits.test)
        file = FlyteFile(str(folder / f"{len(fitted)}.joblib"))
        fitted.append(
            Fitted(setting.model, setting.params, setting.metric, **scores, file=file)
        )
        models[file.path] = model
    chosen = best(fitted)
    board = {"metric": chosen.metric, "candidates": leaderboard(fitted, chosen)}
    model = models[chosen.file.path]
    predictions = predictions_table(model, splits.validation, problem)
    metrics = compared(evaluation(predictions, splits.train, board, "run-1"), None)
    return Trained(problem, model, predictions, board, metrics)


@pytest.fixture
def table_file(tmp_path: Path) -> Callable[[pd.DataFrame, str], str]:
    """Writes a table as a Parquet file, as a step would, and returns its path."""

    def write(frame: pd.DataFrame, name: str) -> str:
        path = tmp_path / "inputs" / f"{name}.parquet"
        path.parent.mkdir(exist_ok=True)
        frame.to_parquet(path, index=False)
        return str(path)

    return write


@pytest.fixture
def json_file(tmp_path: Path) -> Callable[[Any, str], str]:
    """Writes a value as a JSON file and returns its path."""

    def write(value: Any, name: str) -> str:
        path = tmp_path / "inputs" / f"{name}.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(value, default=str), encoding="utf-8")
        return str(path)

    return write
