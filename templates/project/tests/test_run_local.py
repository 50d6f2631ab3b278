"""What ./run adds to a local run's inputs, what it prints at its end, and how it
tells a user error."""

from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple

import pytest
from flytekit.types.file import FlyteFile

from scripts.run_local import check_given, find, summary, with_local_inputs
from tasks.errors import PipelineError
from tasks.evaluate import Metrics
from tasks.layers import TEST, TRAIN
from workflows.generate_model_input import generate_model_input

Outputs = NamedTuple("Outputs", [("metrics", FlyteFile), ("report", FlyteFile)])


def test_summary_lists_each_output_and_the_headline_metrics(project_root: Path):
    metrics = project_root / "data" / "08_reporting" / "metrics.json"
    metrics.parent.mkdir(parents=True)
    metrics.write_text(Metrics(0.974, 0.976, 0.952, 0.964, 0.9954, 114).to_json())
    report = project_root / "data" / "08_reporting" / "report.html"
    report.write_text("<html></html>")
    outputs = Outputs(FlyteFile(str(metrics)), FlyteFile(str(report)))
    assert summary("full", outputs).splitlines() == [
        "",
        "full: done",
        "  metrics  data/08_reporting/metrics.json",
        "  report   data/08_reporting/report.html",
        "",
        "Validation metrics (114 rows): accuracy 97.4%, precision 97.6%,"
        " recall 95.2%, F1 96.4%, ROC AUC 0.995",
        "",
        f"Report: {report.as_uri()}",
    ]


def test_a_single_output_is_listed_as_the_output(project_root: Path):
    model = project_root / "model.joblib"
    model.write_bytes(b"model")
    assert summary("train_model", FlyteFile(str(model))).splitlines()[1:] == [
        "train_model: done",
        "  output  model.joblib",
    ]


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
        (project_root / "data" / "05_model_input").mkdir(parents=True, exist_ok=True)
        (project_root / "data" / "05_model_input" / f"{name}.parquet").touch()
    workflow = SimpleNamespace(LOCAL_INPUTS={"train": TRAIN, "test": TEST})
    assert with_local_inputs(workflow, ["--regularizations", "[1.0]"]) == [
        "--regularizations",
        "[1.0]",
        "--train",
        "data/05_model_input/train.parquet",
        "--test",
        "data/05_model_input/test.parquet",
    ]
    given = ["--train", "mine.parquet", "--test=s3://bucket/test.parquet"]
    assert with_local_inputs(workflow, given) == given


def test_a_missing_layer_file_says_which_step_writes_it():
    workflow = SimpleNamespace(LOCAL_INPUTS={"train": TRAIN})
    with pytest.raises(PipelineError) as raised:
        with_local_inputs(workflow, [])
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
