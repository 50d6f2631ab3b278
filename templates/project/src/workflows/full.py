"""Workflow: the complete pipeline, raw data -> every data layer: the model, its metrics
and its report."""

from typing import NamedTuple

from flytekit import workflow

from tasks.content_hash import HashedFile, ParquetFile
from tasks.layers import RAW_DATA
from workflows.evaluate import evaluate
from workflows.generate_model_input import generate_model_input
from workflows.generate_model_output import generate_model_output
from workflows.process_raw_data import process_raw_data
from workflows.reporting import reporting
from workflows.train_model import DEFAULT_REGULARIZATIONS, train_model

# Read from data/ by a local run unless passed (see workflows/__init__.py); with
# --remote, ./run uploads it unless given an s3:// URI.
LOCAL_INPUTS = {"raw_data": RAW_DATA}

PipelineOutput = NamedTuple(
    "PipelineOutput",
    [
        ("primary", ParquetFile),
        ("train", ParquetFile),
        ("test", ParquetFile),
        ("validation", ParquetFile),
        ("model", HashedFile),
        ("predictions", ParquetFile),
        ("metrics", HashedFile),
        ("report", HashedFile),
    ],
)


@workflow
def full(
    raw_data: HashedFile,
    test_size: float = 0.2,
    validation_size: float = 0.2,
    seed: int = 42,
    regularizations: list[float] = DEFAULT_REGULARIZATIONS,
) -> PipelineOutput:
    """Run every step as a sub-workflow; return what each one wrote."""
    primary = process_raw_data(raw_data=raw_data)
    train, test, validation = generate_model_input(
        primary=primary,
        test_size=test_size,
        validation_size=validation_size,
        seed=seed,
    )
    model = train_model(train=train, test=test, regularizations=regularizations)
    predictions = generate_model_output(model=model, validation=validation)
    metrics = evaluate(predictions=predictions)
    report = reporting(
        metrics=metrics,
        predictions=predictions,
        model=model,
        train=train,
        test=test,
        validation=validation,
    )
    return PipelineOutput(
        primary=primary,
        train=train,
        test=test,
        validation=validation,
        model=model,
        predictions=predictions,
        metrics=metrics,
        report=report,
    )
