"""Workflow: the complete pipeline, raw data -> trained model, metrics and report."""

from typing import NamedTuple

from flytekit import workflow
from flytekit.types.file import FlyteFile

from tasks.evaluate import Metrics
from workflows.evaluate import evaluate
from workflows.generate_model_input import generate_model_input
from workflows.generate_model_output import generate_model_output
from workflows.process_raw_data import SAMPLE_RAW_DATA, process_raw_data
from workflows.reporting import reporting
from workflows.train_model import DEFAULT_REGULARIZATIONS, train_model

PipelineOutput = NamedTuple(
    "PipelineOutput",
    [("model", FlyteFile), ("metrics", Metrics), ("report", FlyteFile)],
)


@workflow
def full(
    raw_data: FlyteFile = SAMPLE_RAW_DATA,
    test_size: float = 0.2,
    validation_size: float = 0.2,
    seed: int = 42,
    regularizations: list[float] = DEFAULT_REGULARIZATIONS,
) -> PipelineOutput:
    """Run every step as a sub-workflow; return the model, its metrics and report."""
    primary = process_raw_data(raw_data=raw_data)
    train, test, validation = generate_model_input(
        data=primary, test_size=test_size, validation_size=validation_size, seed=seed
    )
    model = train_model(train=train, test=test, regularizations=regularizations)
    predictions = generate_model_output(model=model, validation=validation)
    metrics = evaluate(predictions=predictions)
    report = reporting(metrics=metrics, predictions=predictions)
    return PipelineOutput(model=model, metrics=metrics, report=report)
