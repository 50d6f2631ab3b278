from pathlib import Path

import pandas as pd

from tasks.evaluate import Metrics
from tasks.reporting import render_report, reporting_task

METRICS = Metrics(
    accuracy=0.9, precision=0.8, recall=0.7, f1=0.75, roc_auc=0.95, samples=4
)
PREDICTIONS = pd.DataFrame(
    {"target": [1, 0, 1, 0], "prediction": [1, 0, 0, 0], "score": [0.8, 0.2, 0.4, 0.1]}
)


def test_report_has_table_and_plot():
    report = render_report(METRICS, PREDICTIONS)
    assert "<table" in report and "roc_auc" in report and "0.9500" in report
    assert 'src="data:image/png;base64,' in report


def test_task_writes_the_report():
    report = reporting_task(metrics=METRICS, predictions=PREDICTIONS)
    assert "ROC curve" in Path(report.download()).read_text(encoding="utf-8")
