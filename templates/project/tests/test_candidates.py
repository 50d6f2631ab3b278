"""The candidate table (src/candidates.py): every setting of every grid is fitted, and
a wrong candidate stops the run before anything trains."""

import json
import math
from pathlib import Path

import pytest

import candidates
from scripts.run_local import find
from tasks import train_model as train_model_tasks
from tasks.declarations import Candidate
from tasks.errors import PipelineError
from tasks.problem import METRICS, Problem
from tasks.train_model import candidate_settings
from tests.conftest import KINDS, synthetic_table
from workflows.train_model import train_model


@pytest.mark.parametrize("kind", KINDS)
def test_the_declared_candidates_are_estimators_and_their_metric_fits(kind: str):
    declared = candidates.CANDIDATES[kind]
    assert candidates.SELECTION_METRIC[kind] in METRICS[kind]
    assert len({candidate.name for candidate in declared}) == len(declared)
    settings = candidate_settings(Problem(kind, "y"))
    sizes = [
        math.prod(len(values) for values in candidate.grid.values())
        for candidate in declared
    ]
    assert len(settings) == sum(sizes)


def test_every_setting_of_every_grid_is_produced(monkeypatch):
    monkeypatch.setitem(
        candidates.CANDIDATES,
        "regression",
        [
            Candidate("ridge", "sklearn.linear_model.Ridge", {"alpha": [0.1, 1.0]}),
            Candidate(
                "forest",
                "sklearn.ensemble.RandomForestRegressor",
                {"n_estimators": [10, 50], "max_depth": [2, None]},
            ),
            Candidate("linear", "sklearn.linear_model.LinearRegression"),
        ],
    )
    monkeypatch.setitem(candidates.SELECTION_METRIC, "regression", "mae")
    settings = candidate_settings(Problem("regression", "y"))
    assert [(s.model, json.loads(s.params)) for s in settings] == [
        ("ridge", {"alpha": 0.1}),
        ("ridge", {"alpha": 1.0}),
        ("forest", {"max_depth": 2, "n_estimators": 10}),
        ("forest", {"max_depth": 2, "n_estimators": 50}),
        ("forest", {"max_depth": None, "n_estimators": 10}),
        ("forest", {"max_depth": None, "n_estimators": 50}),
        ("linear", {}),
    ]
    assert {setting.metric for setting in settings} == {"mae"}
    assert settings[0].estimator == "sklearn.linear_model.Ridge"


def test_a_metric_of_another_type_is_refused(monkeypatch):
    monkeypatch.setitem(candidates.SELECTION_METRIC, "multiclass", "roc_auc")
    with pytest.raises(PipelineError) as raised:
        candidate_settings(Problem("multiclass", "y", "", ("a", "b", "c")))
    assert raised.value.cause == (
        "src/candidates.py: 'roc_auc' is not a multiclass metric"
    )
    assert "f1_macro" in raised.value.fix


def test_no_candidate_for_the_type_is_refused(monkeypatch):
    monkeypatch.setitem(candidates.CANDIDATES, "binary", [])
    with pytest.raises(PipelineError, match="declares no binary candidate"):
        candidate_settings(Problem("binary", "y", "b", ("a", "b")))


@pytest.mark.parametrize(
    "wrong, cause",
    [
        (
            Candidate("dict", "collections.OrderedDict"),
            "'collections.OrderedDict' is not an estimator",
        ),
        (
            Candidate("ridge", "sklearn.linear_model.Ridge", {"C": [1.0]}),
            "Ridge takes no parameter 'C'",
        ),
    ],
)
def test_a_wrong_candidate_stops_the_run_before_anything_trains(
    declare, monkeypatch, table_file, project_root: Path, wrong, cause
):
    declare("regression")
    good = candidates.CANDIDATES["regression"][0]
    monkeypatch.setitem(candidates.CANDIDATES, "regression", [good, wrong])
    fits = []
    monkeypatch.setattr(
        train_model_tasks, "build_model", lambda *args: fits.append(args)
    )
    table = synthetic_table("regression").dropna(subset=["price"])
    with pytest.raises(Exception) as raised:
        train_model(train=table_file(table, "train"), test=table_file(table, "test"))
    error = find(raised.value, PipelineError)
    assert error is not None, raised.value
    assert cause in error.cause
    assert fits == [] and not (project_root / "data" / "06_models").exists()
