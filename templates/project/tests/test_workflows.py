"""Each workflow runs on its own, and `full` runs them all on the bundled sample."""

from pathlib import Path

import joblib

from tests.conftest import SAMPLE_RAW_DATA
from workflows.evaluate import evaluate
from workflows.full import full
from workflows.generate_model_input import generate_model_input
from workflows.generate_model_output import generate_model_output
from workflows.process_raw_data import process_raw_data
from workflows.reporting import reporting
from workflows.train_model import train_model


def test_each_step_runs_on_its_own():
    primary = process_raw_data(raw_data=str(SAMPLE_RAW_DATA))
    train, test, validation = generate_model_input(data=primary)
    model = train_model(train=train, test=test)
    predictions = generate_model_output(model=model, validation=validation)
    metrics = evaluate(predictions=predictions)
    report = reporting(metrics=metrics, predictions=predictions)
    assert Path(report.download()).stat().st_size > 0


def test_full_pipeline_trains_a_good_model():
    model, metrics, report = full(raw_data=str(SAMPLE_RAW_DATA))
    assert joblib.load(model.download()) is not None
    assert metrics.samples > 100
    assert metrics.accuracy > 0.9 and metrics.f1 > 0.9 and metrics.roc_auc > 0.95
    assert "Validation metrics" in Path(report.download()).read_text(encoding="utf-8")
