"""What ./run adds to a local run's inputs, what it prints at its end, what it keeps of
the run, and how it tells a user error."""

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple

import pytest
from flytekit.types.file import FlyteFile

import dataset
from scripts.run_local import LayerSnapshot, check_given, find, hash_raw_data_ahead
from scripts.run_local import local_help
from scripts.run_local import record_run, summary, with_local_inputs
from tasks.errors import PipelineError
from tasks.layers import HISTORY, TEST, TRAIN
from workflows import evaluate, process_raw_data
from workflows.generate_model_input import generate_model_input

Outputs = NamedTuple("Outputs", [("metrics", FlyteFile), ("report", FlyteFile)])

METRICS = {
    "problem_type": "regression",
    "model": "ridge",
    "params": {"alpha": 1.0},
    "selection_metric": "rmse",
    "score": 2.5,
    "metrics": {"rmse": 2.5, "mae": 2.0, "r2": 0.75},
    "baseline": {"rmse": 4.0, "mae": 3.0, "r2": 0.0},
    "previous": {"score": 2.75},
    "candidates": [{"model": "ridge"}] * 3,
    "gates": [{"name": "beats the baseline on rmse", "passed": True}],
    "samples": 30,
    "fingerprint": "f1",
    "data": {"sha256": "abc"},
}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def rewrite(path: Path, text: str) -> None:
    """As a task writes its layer file (tasks.layers.save): a new file in its place."""
    partial = write(path.with_name(f".{path.name}.partial"), text)
    os.replace(partial, path)


def outputs(project_root: Path, metrics: dict) -> Outputs:
    reporting = project_root / "data" / "08_reporting"
    return Outputs(
        FlyteFile(str(write(reporting / "metrics.json", json.dumps(metrics)))),
        FlyteFile(str(write(reporting / "report.html", "<html></html>"))),
    )


def test_summary_lists_the_steps_each_output_and_the_headline(project_root: Path):
    done = outputs(project_root, METRICS)
    steps = {"process_raw_data": "cached", "train_model": "ran", "evaluate": "ran"}
    assert summary("full", done, steps).splitlines() == [
        "",
        "full: done",
        "  ran:        train_model, evaluate",
        "  from cache: process_raw_data",
        "  metrics  data/08_reporting/metrics.json",
        "  report   data/08_reporting/report.html",
        "",
        'Model: ridge {"alpha": 1.0} (regression, 3 settings tried)',
        "Validation rmse 2.5 (30 rows): baseline 4 (-1.5), previous run 2.75 (-0.25)",
        "Also: mae 2, r2 0.75",
        "Gates: all passed",
        "",
        f"Report: {Path(done.report.path).as_uri()}",
    ]


def test_summary_names_a_failed_gate(project_root: Path):
    failed = {"name": "rmse at most 1", "passed": False}
    done = outputs(project_root, {**METRICS, "previous": None, "gates": [failed]})
    lines = summary("evaluate", done, {}).splitlines()
    assert "Validation rmse 2.5 (30 rows): baseline 4 (-1.5)" in lines
    assert "Gates: FAILED rmse at most 1" in lines


def test_a_single_output_is_listed_as_the_output(project_root: Path):
    model = project_root / "model.joblib"
    model.write_bytes(b"model")
    assert summary("train_model", FlyteFile(str(model)), {}).splitlines()[1:] == [
        "train_model: done",
        "  output  model.joblib",
    ]


def test_a_run_with_metrics_is_recorded_once_in_the_history(project_root: Path):
    history = project_root / "data" / HISTORY
    record_run(outputs(project_root, METRICS))
    record_run(outputs(project_root, METRICS))  # the same model: not again
    record_run(outputs(project_root, {**METRICS, "fingerprint": "f2", "score": 2.0}))
    runs = [json.loads(line) for line in history.read_text().splitlines()]
    assert [(run["fingerprint"], run["score"]) for run in runs] == [
        ("f1", 2.5),
        ("f2", 2.0),
    ]
    assert runs[0]["metrics"] == METRICS["metrics"] and runs[0]["data"] == "abc"


def test_a_pipeline_error_is_found_behind_the_errors_raised_from_it():
    try:
        try:
            raise PipelineError("the cause", "the fix")
        except PipelineError as error:
            raise TypeError("failed to convert an input") from error
    except TypeError as wrapper:
        found = find(wrapper, PipelineError)
    assert (found.cause, found.fix) == ("the cause", "the fix")
    assert find(ValueError("other"), PipelineError) is None


def test_file_inputs_not_given_are_read_from_the_data_layers(project_root: Path):
    for name in ("train", "test"):
        write(project_root / "data" / "05_model_input" / f"{name}.parquet", "")
    workflow = SimpleNamespace(LOCAL_INPUTS={"train": TRAIN, "test": TEST})
    assert with_local_inputs(workflow, "train_model", ["--seed", "7"]) == [
        "--seed",
        "7",
        "--train",
        "data/05_model_input/train.parquet",
        "--test",
        "data/05_model_input/test.parquet",
    ]
    given = ["--train", "mine.parquet", "--test=s3://bucket/test.parquet"]
    assert with_local_inputs(workflow, "train_model", given) == given


def test_the_raw_data_is_read_from_the_project_root_or_its_uri(
    declare, monkeypatch, project_root: Path
):
    declare("binary", raw_data="data/01_raw/churn.csv")
    write(project_root / "data" / "01_raw" / "churn.csv", "id,churned\n")
    assert with_local_inputs(process_raw_data, "process_raw_data", []) == [
        "--raw_data",
        "data/01_raw/churn.csv",
    ]
    assert "--raw_data data/01_raw/churn.csv" in local_help(process_raw_data)
    uri = "s3://bucket/raw/churn.csv"
    monkeypatch.setitem(process_raw_data.LOCAL_INPUTS, "raw_data", uri)
    assert with_local_inputs(process_raw_data, "process_raw_data", []) == [
        "--raw_data",
        uri,
    ]


def test_the_run_history_is_optional(project_root: Path):
    layers = ("predictions", "train", "candidates")
    for name in layers:
        write(project_root / "data" / evaluate.LOCAL_INPUTS[name], "")
    added = with_local_inputs(evaluate, "evaluate", [])
    assert added[::2] == [f"--{name}" for name in layers]
    write(project_root / "data" / HISTORY, "")
    assert with_local_inputs(evaluate, "evaluate", [])[-2:] == [
        "--history",
        f"data/{HISTORY}",
    ]


def test_a_missing_layer_file_says_which_step_writes_it():
    workflow = SimpleNamespace(LOCAL_INPUTS={"train": TRAIN})
    with pytest.raises(PipelineError) as raised:
        with_local_inputs(workflow, "train_model", [])
    assert raised.value.cause == "data/05_model_input/train.parquet does not exist"
    assert raised.value.fix == (
        "run ./run src/ generate_model_input first, or pass --train PATH"
    )


def test_an_input_without_default_must_be_given():
    with pytest.raises(PipelineError) as raised:
        check_given(generate_model_input, "generate_model_input", ["--seed", "7"])
    assert raised.value.cause == "generate_model_input needs --primary"
    assert raised.value.fix.startswith("pass --primary VALUE")
    check_given(generate_model_input, "generate_model_input", ["--primary=p.parquet"])


def test_a_run_failing_half_way_gets_the_previous_files_back(project_root: Path):
    data = project_root / "data"
    model = write(data / "06_models" / "model.joblib", "previous model")
    raw = write(data / "01_raw" / "churn.csv", "id,churned\n")
    snapshot = LayerSnapshot.take()
    rewrite(model, "this run's model")
    write(data / "07_model_output" / "predictions.parquet", "this run only")
    snapshot.failed("full", "no file data/05_model_input/train.parquet")
    assert model.read_text() == "previous model" and raw.is_file()
    assert not (data / "07_model_output" / "predictions.parquet").exists()
    status = json.loads((data / "last_run.json").read_text())
    assert status["status"] == "failed; data/ holds the previous run's files"
    assert status["error"] == "no file data/05_model_input/train.parquet"


def test_a_run_failing_a_gate_keeps_its_files(project_root: Path):
    model = write(project_root / "data" / "06_models" / "model.joblib", "previous")
    snapshot = LayerSnapshot.take()
    rewrite(model, "this run's model")
    snapshot.failed("full", "gate failed: rmse at most 1: 2 against 1")
    assert model.read_text() == "this run's model"
    status = json.loads((project_root / "data" / "last_run.json").read_text())
    assert (status["workflow"], status["status"]) == ("full", "failed a gate")
    snapshot = LayerSnapshot.take()
    snapshot.succeeded("full")
    status = json.loads((project_root / "data" / "last_run.json").read_text())
    assert (status["status"], status["error"]) == ("succeeded", None)
    assert not (project_root / "data" / ".previous_run").exists()


LEAVING = """
import atexit, sys
from scripts import run_local
atexit.register(run_local.leave_without_teardown)  # as main does, before flytekit's
atexit.register(print, "a later exit handler ran")
class Module:
    def __del__(self):
        print("torn down")
kept = Module()
if sys.argv[1] == "returned":
    run_local.EXIT_CODE.append(3)
    sys.exit(3)
raise KeyboardInterrupt
"""


@pytest.mark.parametrize("ending", ["returned", "raised"])
def test_a_run_leaves_without_tearing_its_modules_down(ending: str):
    root = Path(__file__).resolve().parent.parent
    left = subprocess.run(
        [sys.executable, "-c", LEAVING, ending],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert "a later exit handler ran" in left.stdout
    if ending == "returned":  # the exit handlers ran; Python's teardown did not
        assert (left.returncode, "torn down" in left.stdout) == (3, False)
    else:  # an exception ended the run: Python's own exit, teardown and code
        assert "torn down" in left.stdout and left.returncode != 0


def test_the_declared_raw_data_is_hashed_while_the_workflow_loads(
    project_root: Path, monkeypatch: pytest.MonkeyPatch
):
    raw = write(project_root / "data" / "01_raw" / "big.csv", "a,b\n1,2\n")
    declared = dataclasses.replace(dataset.DATASET, raw_data="data/01_raw/big.csv")
    monkeypatch.setattr(dataset, "DATASET", declared)
    hash_raw_data_ahead(["--seed", "1"]).join()
    # kept beside the file, for the first step's cache key (tasks.content_hash)
    assert (raw.parent / ".big.csv.sha256").is_file()
    assert hash_raw_data_ahead(["--raw_data", "other.csv"]) is None


def test_the_raw_data_is_hashed_while_flytekit_loads(tmp_path: Path):
    # The thread starts before flytekit is imported (two seconds): a large file's
    # hash is ready when the first step asks for it.
    root = Path(__file__).resolve().parent.parent
    raw = tmp_path / dataset.DATASET.raw_data
    write(raw, "a,b\n1,2\n")
    probe = (
        "import sys, threading\n"
        "start = threading.Thread.start\n"
        "def noted(thread):\n"
        "    print('flytekit loaded:', 'flytekit' in sys.modules, flush=True)\n"
        "    start(thread)\n"
        "threading.Thread.start = noted\n"
        f"sys.path.insert(0, {str(root)!r})\n"
        "from scripts.run_local import main\n"
        f"main([{str(root / 'src' / 'workflows' / 'full.py')!r}, 'no_such_workflow'])\n"
    )
    env = {**os.environ, "FLYTE_PIPELINE_RUN_STATUS": str(tmp_path / "status")}
    ran = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.stdout.splitlines()[:1] == ["flytekit loaded: False"], ran.stderr
    assert (raw.parent / f".{raw.name}.sha256").is_file()


def test_a_broken_dataset_declaration_is_told_by_the_workflow_not_the_hash(
    monkeypatch: pytest.MonkeyPatch,
):
    def broken(name: str, *args: object, **kwargs: object) -> object:
        if name == "dataset":
            raise PipelineError("test_size is 2", "give a fraction")
        return importing(name, *args, **kwargs)

    importing = __import__
    monkeypatch.setattr("builtins.__import__", broken)
    assert hash_raw_data_ahead([]) is None
