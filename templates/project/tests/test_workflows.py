"""Each workflow runs on its own from the files the previous one wrote, as `./run`
runs it; `full` runs them all on the bundled sample; and no workflow defaults to a file
of this machine."""

import importlib
import json
import shutil
from pathlib import Path
from types import ModuleType

import pytest
from flytekit.types.file import FlyteFile

from scripts.run_local import with_local_inputs
from tasks.layers import (
    METRICS,
    MODEL,
    PREDICTIONS,
    PRIMARY,
    RAW_DATA,
    REPORT,
    TEST,
    TRAIN,
    VALIDATION,
)
from tests.conftest import SAMPLE_RAW_DATA
from workflows import (
    evaluate,
    full,
    generate_model_input,
    generate_model_output,
    process_raw_data,
    reporting,
    train_model,
)

LAYERS = [PRIMARY, TRAIN, TEST, VALIDATION, MODEL, PREDICTIONS, METRICS, REPORT]
WORKFLOWS = sorted(
    path.stem
    for path in (Path(__file__).parent.parent / "src" / "workflows").glob("*.py")
    if not path.stem.startswith("_")
)


def run_alone(module: ModuleType):
    """The module's workflow, given only the inputs ./run adds: its files in data/."""
    arguments = with_local_inputs(module, [])
    inputs = {name[2:]: value for name, value in zip(arguments[::2], arguments[1::2])}
    return getattr(module, module.__name__.rsplit(".", 1)[-1])(**inputs)


def test_each_step_runs_on_its_own_from_the_layers(project_root: Path):
    data = project_root / "data"
    (data / RAW_DATA).parent.mkdir(parents=True)
    shutil.copy(SAMPLE_RAW_DATA, data / RAW_DATA)
    run_alone(process_raw_data)
    assert (data / PRIMARY).is_file()
    run_alone(generate_model_input)
    assert all((data / name).is_file() for name in (TRAIN, TEST, VALIDATION))
    run_alone(train_model)
    assert (data / MODEL).is_file()
    run_alone(generate_model_output)
    assert (data / PREDICTIONS).is_file()
    run_alone(evaluate)
    assert (data / METRICS).is_file()
    report = run_alone(reporting)
    assert Path(report.path) == data / REPORT


def test_full_pipeline_trains_a_good_model_and_fills_every_layer(project_root: Path):
    outputs = full.full(raw_data=str(SAMPLE_RAW_DATA))
    data = project_root / "data"
    assert all(Path(file.path).parent.parent == data for file in outputs)
    assert all((data / name).is_file() for name in LAYERS)
    assert Path(outputs.report.path) == data / REPORT
    metrics = json.loads(Path(outputs.metrics.path).read_text())
    assert metrics["samples"] > 100
    assert metrics["accuracy"] > 0.9 and metrics["f1"] > 0.9
    assert metrics["roc_auc"] > 0.95


@pytest.mark.parametrize("name", WORKFLOWS)
def test_no_file_input_has_a_default_and_local_inputs_are_inputs(name: str):
    # A default would reach the launch plan (make package) as a path of this machine.
    module = importlib.import_module(f"workflows.{name}")
    interface = getattr(module, name).python_interface
    files = {
        input_name
        for input_name, python_type in interface.inputs.items()
        if issubclass(getattr(python_type, "__origin__", python_type), FlyteFile)
    }
    assert not files & set(interface.default_inputs_as_kwargs)
    assert set(getattr(module, "LOCAL_INPUTS", {})) <= files
