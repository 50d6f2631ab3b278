"""The chosen model measured on the validation set by the metrics of its problem type,
against a dummy baseline and the previous run, and the gates of src/candidates.py."""

import json
from pathlib import Path

import pytest

from tasks import evaluate as evaluate_tasks
from tasks.declarations import Gates
from tasks.evaluate import baseline_metrics, check_gates, compare_task, evaluate_task
from tasks.evaluate import previous_run
from tasks.generate_model_input import Splits
from tasks.problem import METRICS
from tests.conftest import Trained

EXPECTED_METRICS = {
    "binary": {"roc_auc", "average_precision", "f1", "precision", "recall"},
    "multiclass": {"f1_macro", "accuracy", "balanced_accuracy", "log_loss"},
    "regression": {"rmse", "mae", "r2"},
}


def test_metrics_of_the_problem_type_for_the_model_and_the_baseline(
    kind: str, trained: Trained
):
    metrics = trained.metrics
    assert metrics["problem_type"] == kind
    assert EXPECTED_METRICS[kind] <= set(metrics["metrics"])
    assert set(metrics["metrics"]) == set(METRICS[kind])
    assert (
        set(metrics["baseline"]) == set(metrics["train_metrics"]) == set(METRICS[kind])
    )
    assert metrics["score"] == metrics["metrics"][metrics["selection_metric"]]
    assert metrics["samples"] == len(trained.predictions)
    assert metrics["previous"] is None
    assert metrics["data"]["leave_out"] == ["id"]
    assert [gate["name"] for gate in metrics["gates"]] == [
        f"beats the baseline on {metrics['selection_metric']}"
    ]
    assert metrics["gates"][0]["passed"], metrics["gates"]


def test_the_baseline_guesses_from_the_target_alone(
    kind: str, splits: Splits, trained: Trained
):
    baseline = baseline_metrics(splits.train, trained.predictions, trained.problem)
    if kind == "binary":
        assert baseline["roc_auc"] == pytest.approx(0.5)
    elif kind == "multiclass":
        assert baseline["accuracy"] < 0.5
    else:
        assert baseline["r2"] <= 0.0
        assert baseline["rmse"] > trained.metrics["metrics"]["rmse"]


@pytest.mark.parametrize(
    "metric, score, baseline, gates, passed",
    [
        ("roc_auc", 0.9, 0.5, Gates(), [True]),
        ("roc_auc", 0.5, 0.5, Gates(), [False]),
        ("rmse", 3.0, 4.0, Gates(), [True]),
        ("rmse", 5.0, 4.0, Gates(), [False]),
        ("roc_auc", 0.9, 0.5, Gates(beat_baseline=False, min_score=0.95), [False]),
        ("roc_auc", 0.96, 0.5, Gates(beat_baseline=False, min_score=0.95), [True]),
        ("rmse", 3.0, 4.0, Gates(min_score=2.5), [True, False]),
        ("rmse", 2.0, 4.0, Gates(min_score=2.5), [True, True]),
        ("f1_macro", 0.5, 0.2, Gates(beat_baseline=False), []),
    ],
)
def test_each_declared_gate_passes_or_fails(
    monkeypatch, metric, score, baseline, gates, passed
):
    monkeypatch.setattr(evaluate_tasks, "GATES", gates)
    checked = check_gates(metric, score, baseline, previous=None)
    assert [gate["passed"] for gate in checked] == passed


@pytest.mark.parametrize(
    "metric, score, before, passed",
    [
        ("roc_auc", 0.85, 0.9, True),
        ("roc_auc", 0.7, 0.9, False),
        ("rmse", 3.05, 3.0, True),
        ("rmse", 3.5, 3.0, False),
        ("rmse", 2.0, None, True),  # no previous run: nothing to drop from
    ],
)
def test_the_drop_from_the_previous_run_is_a_gate(
    monkeypatch, metric, score, before, passed
):
    monkeypatch.setattr(
        evaluate_tasks, "GATES", Gates(beat_baseline=False, max_drop=0.1)
    )
    previous = None if before is None else {"score": before}
    (gate,) = check_gates(metric, score, 0.0, previous)
    assert gate["passed"] is passed
    assert gate["name"] == f"{metric} drops at most 0.1 from the previous run"


def test_the_previous_run_is_the_last_with_other_predictions(tmp_path: Path):
    history = tmp_path / "history.jsonl"
    assert previous_run(str(history), "c") is None
    assert previous_run(None, "c") is None
    runs = [{"fingerprint": "a", "score": 0.8}, {"fingerprint": "b", "score": 0.9}]
    history.write_text("".join(json.dumps(run) + "\n" for run in runs) + "\n")
    assert previous_run(str(history), "c") == runs[1]
    # Re-running the same model compares it with the run before.
    assert previous_run(str(history), "b") == runs[0]
    assert previous_run(str(history), "a") == runs[1]


@pytest.mark.parametrize("kind", ["regression"])
def test_a_gate_can_fail_the_model(monkeypatch, trained: Trained):
    monkeypatch.setattr(evaluate_tasks, "GATES", Gates(min_score=0.001))
    metrics = trained.metrics
    gates = check_gates("rmse", metrics["score"], metrics["baseline"]["rmse"], None)
    assert [(gate["name"], gate["passed"]) for gate in gates] == [
        ("beats the baseline on rmse", True),
        ("rmse at most 0.001", False),
    ]


def test_the_tasks_write_the_metrics_with_the_previous_run(
    kind: str,
    splits: Splits,
    trained: Trained,
    table_file,
    json_file,
    tmp_path: Path,
    project_root: Path,
):
    history = tmp_path / "history.jsonl"
    history.write_text(json.dumps({"fingerprint": "earlier", "score": 0.5}) + "\n")
    # evaluate reads the train set's target alone: its features may be anything.
    train = splits.train.copy()
    features = [name for name in train if name != trained.problem.target]
    train[features] = None
    measured = evaluate_task(
        predictions=table_file(trained.predictions, "predictions"),
        train=table_file(train, "train"),
        candidates=json_file(trained.leaderboard, "candidates"),
    )
    assert "gates" not in json.loads(Path(measured.path).read_text())
    metrics_file = compare_task(measured=measured.path, history=str(history))
    assert Path(metrics_file.path) == project_root / "data/08_reporting/metrics.json"
    written = json.loads(Path(metrics_file.path).read_text())
    assert written["previous"] == {"fingerprint": "earlier", "score": 0.5}
    assert len(written["fingerprint"]) == 64
    for key in ("problem_type", "model", "params", "classes", "positive_class"):
        assert written[key] == trained.metrics[key], key
    for key in ("score", "metrics", "baseline", "train_metrics"):
        assert written[key] == pytest.approx(trained.metrics[key]), key
    assert written["candidates"] == [
        {key: row[key] for key in ("model", "params", "score", "train_score")}
        for row in trained.leaderboard["candidates"]
    ]
