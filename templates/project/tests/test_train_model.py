"""train_model fits every candidate setting, scores it on the test set, and keeps the
best by the selection metric; the model written is the fitted Pipeline."""

import json
from pathlib import Path

import joblib
import numpy as np
import pytest
from flytekit.types.file import FlyteFile
from sklearn.linear_model import LogisticRegression

import candidates
from tasks import train_model as train_model_tasks
from tasks.declarations import Candidate
from tasks.generate_model_input import Splits
from tasks.problem import METRICS, better, resolve
from tasks.train_model import Fitted, Setting, best, candidate_settings
from tasks.train_model import fit_setting, leaderboard
from workflows.train_model import train_model

FOREST = {
    "binary": "sklearn.ensemble.RandomForestClassifier",
    "multiclass": "sklearn.ensemble.RandomForestClassifier",
    "regression": "sklearn.ensemble.RandomForestRegressor",
}


def fitted(model: str, metric: str, score: float) -> Fitted:
    return Fitted(model, "{}", metric, score, score, 0.1, FlyteFile(f"{model}.joblib"))


def test_best_is_the_highest_score_first_of_equals():
    tried = [fitted("a", "roc_auc", 0.8), fitted("b", "roc_auc", 0.9)]
    tried.append(fitted("c", "roc_auc", 0.9))
    assert best(tried).model == "b"


def test_best_is_the_lowest_error_for_lower_is_better_metrics():
    tried = [fitted("a", "rmse", 3.0), fitted("b", "rmse", 1.5), fitted("c", "rmse", 2)]
    assert best(tried).model == "b"
    board = leaderboard(tried, best(tried))
    assert [row["model"] for row in board] == ["b", "c", "a"]
    assert [row["chosen"] for row in board] == [True, False, False]


def test_each_setting_learns_better_than_chance(splits: Splits):
    problem = resolve(splits.train)
    spread = splits.test[problem.target].std() if problem.type == "regression" else 0
    # Chance: an roc_auc of 0.5, an f1_macro of 1/3, an rmse of the target's spread.
    learnt = {"roc_auc": 0.75, "f1_macro": 0.5, "rmse": 0.75 * spread}
    for setting in candidate_settings(problem):
        _, scores = fit_setting(setting, splits.train, splits.test)
        assert set(scores) == {"score", "train_score", "train_metrics", "seconds"}
        assert set(scores["train_metrics"]) == set(METRICS[problem.type])
        assert scores["train_score"] == scores["train_metrics"][setting.metric]
        threshold = learnt[setting.metric]
        assert better(setting.metric, scores["score"], threshold), scores


def test_a_single_random_forest_in_place_of_the_candidates_trains(
    kind, declared, splits: Splits, table_file, monkeypatch, project_root: Path
):
    forest = Candidate(
        "random_forest", FOREST[kind], {"n_estimators": [20], "random_state": [0]}
    )
    monkeypatch.setitem(candidates.CANDIDATES, kind, [forest])
    model_file, board_file = train_model(
        train=table_file(splits.train, "train"), test=table_file(splits.test, "test")
    )
    models = project_root / "data" / "06_models"
    assert Path(model_file.path) == models / "model.joblib"
    model = joblib.load(model_file.path)
    assert type(model.steps[-1][1]).__name__ == FOREST[kind].rsplit(".")[-1]
    predicted = model.predict(splits.validation.drop(columns=declared.target))
    assert len(predicted) == len(splits.validation)
    board = json.loads(Path(board_file.path).read_text())
    assert board["metric"] == candidates.SELECTION_METRIC[kind]
    assert [
        (row["model"], row["params"], row["chosen"]) for row in board["candidates"]
    ] == [("random_forest", {"n_estimators": 20, "random_state": 0}, True)]


@pytest.mark.parametrize("kind", ["binary", "multiclass"])
def test_a_classifier_without_probabilities_is_calibrated(kind, splits: Splits, capsys):
    metric = candidates.SELECTION_METRIC[kind]
    svc = Setting("linear_svc", "sklearn.svm.LinearSVC", '{"C": 1.0}', metric)
    model, scores = fit_setting(svc, splits.train, splits.test)
    assert "linear_svc gives no probabilities" in capsys.readouterr().out
    assert type(model.steps[-1][1]).__name__ == "CalibratedClassifierCV"
    assert set(scores["train_metrics"]) == set(METRICS[kind])
    assert better(metric, scores["score"], {"roc_auc": 0.75, "f1_macro": 0.5}[metric])


class NumbersOnly(LogisticRegression):
    """As XGBoost's classifier: fitted on classes numbered 0..k-1 only."""

    def fit(self, X, y):
        if not np.issubdtype(np.asarray(y).dtype, np.integer):
            raise ValueError("Invalid classes inferred from unique values of `y`")
        return super().fit(X, y)


@pytest.mark.parametrize("kind", ["binary", "multiclass"])
def test_another_librarys_classifier_of_numbered_classes_trains(
    kind, splits: Splits, tmp_path: Path
):
    metric = candidates.SELECTION_METRIC[kind]
    setting = Setting("numbers", f"{__name__}.NumbersOnly", '{"max_iter": 500}', metric)
    model, scores = fit_setting(setting, splits.train, splits.test)
    assert better(metric, scores["score"], {"roc_auc": 0.75, "f1_macro": 0.5}[metric])
    joblib.dump(model, tmp_path / "model.joblib")
    loaded = joblib.load(tmp_path / "model.joblib")
    problem = resolve(splits.train)
    rows = splits.validation.drop(columns=problem.target)
    assert set(loaded.predict(rows)) <= set(problem.classes)
    assert list(loaded.classes_) == list(problem.classes)


@pytest.mark.parametrize("kind", ["regression"])
def test_the_leaderboard_lists_every_setting_best_first(
    splits: Splits, table_file, project_root: Path
):
    _, board_file = train_model(
        train=table_file(splits.train, "train"), test=table_file(splits.test, "test")
    )
    board = json.loads(Path(board_file.path).read_text())
    scores = [row["score"] for row in board["candidates"]]
    assert board["metric"] == "rmse" and scores == sorted(scores) and len(scores) == 2
    assert [row["chosen"] for row in board["candidates"]] == [True, False]
    assert {json.dumps(row["params"]) for row in board["candidates"]} == {
        '{"alpha": 0.1}',
        '{"alpha": 10.0}',
    }


@pytest.mark.parametrize("kind", ["regression"])
def test_a_second_local_run_fits_nothing_again_while_the_cache_is_on(
    splits: Splits, table_file, monkeypatch, local_cache, project_root: Path
):
    inputs = {
        "train": table_file(splits.train, "train"),
        "test": table_file(splits.test, "test"),
    }
    first = train_model(**inputs)
    fitted = list((project_root / "data/06_models/candidates").glob("*.joblib"))
    assert len(fitted) == 2
    fits = []
    build_model = train_model_tasks.build_model

    def counted(setting, *args):
        fits.append(setting.params)
        return build_model(setting, *args)

    monkeypatch.setattr(train_model_tasks, "build_model", counted)
    again = train_model(**inputs)
    assert fits == []
    assert Path(again.model.path).read_bytes() == Path(first.model.path).read_bytes()
    # With the cache off (FLYTE_LOCAL_CACHE_ENABLED=false), each is fitted again.
    monkeypatch.setenv("FLYTE_LOCAL_CACHE_ENABLED", "false")
    train_model(**inputs)
    assert sorted(fits) == ['{"alpha": 0.1}', '{"alpha": 10.0}']
