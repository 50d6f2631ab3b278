"""Each workflow runs on its own from the files the previous one wrote, and `full` runs
them all on the bundled sample."""

import json
from pathlib import Path

from tasks.layers import (
    METRICS,
    MODEL,
    PREDICTIONS,
    PRIMARY,
    REPORT,
    TEST,
    TRAIN,
    VALIDATION,
)
from tests.conftest import SAMPLE_RAW_DATA
from workflows.evaluate import evaluate
from workflows.full import full
from workflows.generate_model_input import generate_model_input
from workflows.generate_model_output import generate_model_output
from workflows.process_raw_data import process_raw_data
from workflows.reporting import reporting
from workflows.train_model import train_model

LAYERS = [PRIMARY, TRAIN, TEST, VALIDATION, MODEL, PREDICTIONS, METRICS, REPORT]


def test_each_step_runs_on_its_own_from_the_layers(project_root: Path):
    data = project_root / "data"
    process_raw_data(raw_data=str(SAMPLE_RAW_DATA))
    assert (data / PRIMARY).is_file()
    generate_model_input()
    assert all((data / name).is_file() for name in (TRAIN, TEST, VALIDATION))
    train_model()
    assert (data / MODEL).is_file()
    generate_model_output()
    assert (data / PREDICTIONS).is_file()
    evaluate()
    assert (data / METRICS).is_file()
    report = reporting()
    assert Path(report.path) == data / REPORT


def test_full_pipeline_trains_a_good_model_and_fills_every_layer(project_root: Path):
    outputs = full(raw_data=str(SAMPLE_RAW_DATA))
    data = project_root / "data"
    assert all(Path(file.path).parent.parent == data for file in outputs)
    assert all((data / name).is_file() for name in LAYERS)
    assert Path(outputs.report.path) == data / REPORT
    metrics = json.loads(Path(outputs.metrics.path).read_text())
    assert metrics["samples"] > 100
    assert metrics["accuracy"] > 0.9 and metrics["f1"] > 0.9
    assert metrics["roc_auc"] > 0.95
