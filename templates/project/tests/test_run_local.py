"""What ./run prints at the end of a local run, and how it tells a user error."""

from pathlib import Path
from typing import NamedTuple

from flytekit.types.file import FlyteFile

from scripts.run_local import find, summary
from tasks.errors import PipelineError
from tasks.evaluate import Metrics

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
