import json
from pathlib import Path

import pandas as pd
import pytest

from tasks.errors import PipelineError
from tasks.evaluate import Metrics, compute_metrics, evaluate_task

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


def test_one_class_has_no_roc_auc():
    with pytest.raises(PipelineError, match="all in one class"):
        compute_metrics(PREDICTIONS.assign(target=1))


def test_task_writes_the_metrics_as_json(table_file, project_root: Path):
    metrics = evaluate_task(predictions=table_file(PREDICTIONS, "predictions"))
    assert Path(metrics.path) == project_root / "data/08_reporting/metrics.json"
    written = json.loads(Path(metrics.path).read_text())
    assert Metrics(**written) == compute_metrics(PREDICTIONS)
