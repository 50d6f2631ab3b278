import pandas as pd
import pytest

from tasks.evaluate import compute_metrics, evaluate_task

PREDICTIONS = pd.DataFrame(
    {
        "target": [1, 1, 0, 0],
        "prediction": [1, 0, 0, 0],
        "score": [0.9, 0.4, 0.3, 0.1],
    }
)


def test_compute_metrics():
    metrics = compute_metrics(PREDICTIONS)
    assert metrics.accuracy == pytest.approx(0.75)
    assert metrics.precision == pytest.approx(1.0)
    assert metrics.recall == pytest.approx(0.5)
    assert metrics.f1 == pytest.approx(2 / 3)
    assert metrics.roc_auc == pytest.approx(1.0)
    assert metrics.samples == 4


def test_task_returns_metrics():
    assert evaluate_task(predictions=PREDICTIONS) == compute_metrics(PREDICTIONS)
