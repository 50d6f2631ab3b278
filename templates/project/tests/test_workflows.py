"""Each workflow runs on its own from the files the previous one wrote, as `./run`
runs it; `full` runs them all; both on a synthetic table of each problem type, declared
in place of src/dataset.py. And no workflow defaults to a file of this machine."""

import importlib
import json
from pathlib import Path
from types import ModuleType
from typing import Any, get_args

import pandas as pd
import pytest
from flytekit.types.file import FlyteFile

from scripts.run_local import with_local_inputs
from tasks.declarations import Dataset
from tasks.layers import LEADERBOARD, METRICS, MODEL, MODEL_CARD, PREDICTIONS
from tasks.layers import PRIMARY, REPORT, TEST, TRAIN, VALIDATION
from tests.conftest import synthetic_table, write_table
from workflows import evaluate, full, generate_model_input, generate_model_output
from workflows import process_raw_data, reporting, train_model

LAYERS = [
    PRIMARY,
    TRAIN,
    TEST,
    VALIDATION,
    MODEL,
    LEADERBOARD,
    PREDICTIONS,
    METRICS,
    REPORT,
    MODEL_CARD,
]
WORKFLOWS = sorted(
    path.stem
    for path in (Path(__file__).parent.parent / "src" / "workflows").glob("*.py")
    if not path.stem.startswith("_")
)


def run_alone(module: ModuleType, **given: Any) -> Any:
    """The module's workflow, given only the inputs ./run adds (its files in data/),
    and `given`."""
    name = module.__name__.rsplit(".", 1)[-1]
    arguments = with_local_inputs(module, name, [])
    inputs = {key[2:]: value for key, value in zip(arguments[::2], arguments[1::2])}
    return getattr(module, name)(**inputs, **given)


def splits_of(declared: Dataset) -> dict[str, Any]:
    # The workflows' defaults are the real declaration's: the synthetic one is passed.
    return {
        "test_size": declared.test_size,
        "validation_size": declared.validation_size,
        "seed": declared.seed,
    }


def test_each_step_runs_on_its_own_from_the_layers(
    kind: str, declared: Dataset, project_root: Path
):
    data = project_root / "data"
    write_table(synthetic_table(kind), Path(declared.raw_data))
    run_alone(process_raw_data)
    assert (data / PRIMARY).is_file()
    run_alone(generate_model_input, **splits_of(declared))
    assert all((data / name).is_file() for name in (TRAIN, TEST, VALIDATION))
    run_alone(train_model)
    assert (data / MODEL).is_file() and (data / LEADERBOARD).is_file()
    run_alone(generate_model_output)
    assert (data / PREDICTIONS).is_file()
    run_alone(evaluate)
    assert (data / METRICS).is_file()
    report, model_card = run_alone(reporting)
    assert (Path(report.path), Path(model_card.path)) == (
        data / REPORT,
        data / MODEL_CARD,
    )


def test_full_pipeline_fills_every_layer_and_beats_the_baseline(
    kind: str, declared: Dataset, project_root: Path
):
    raw = synthetic_table(kind)
    raw_data = write_table(raw, Path(declared.raw_data))
    outputs = full.full(raw_data=str(raw_data), **splits_of(declared))
    data = project_root / "data"
    written = {Path(file.path) for file in outputs}
    # Every output is a layer file; a step added after process_raw_data (flyte-pipeline
    # workflow NAME --after process_raw_data) replaces the primary table with its own.
    assert all(path.is_file() and data in path.parents for path in written)
    assert {data / name for name in LAYERS if name != PRIMARY} <= written
    metrics = json.loads((data / METRICS).read_text())
    assert metrics["problem_type"] == kind
    missing = int(raw[declared.target].isna().sum())
    assert metrics["data"]["rows_dropped"] == {"target missing": missing}
    assert metrics["samples"] == len(pd.read_parquet(data / VALIDATION))
    assert all(gate["passed"] for gate in metrics["gates"]), metrics["gates"]
    assert "<h1>Model report" in (data / REPORT).read_text(encoding="utf-8")


def is_file(python_type: Any) -> bool:
    """A FlyteFile, a HashedFile (Annotated) or an Optional one."""
    if isinstance(python_type, type):
        return issubclass(python_type, FlyteFile)
    return any(is_file(argument) for argument in get_args(python_type))


@pytest.mark.parametrize("name", WORKFLOWS)
def test_no_file_input_has_a_default_and_local_inputs_are_inputs(name: str):
    # A default would reach the launch plan (make package) as a path of this machine.
    module = importlib.import_module(f"workflows.{name}")
    interface = getattr(module, name).python_interface
    files = {
        input_name
        for input_name, python_type in interface.inputs.items()
        if is_file(python_type)
    }
    assert not files & set(interface.default_inputs_as_kwargs)
    assert set(getattr(module, "LOCAL_INPUTS", {})) <= files
