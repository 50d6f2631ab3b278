"""Workflow: the complete pipeline, raw data -> every data layer: the model, its
metrics, its report and its model card; it fails if a gate fails, after the report is
written."""

from typing import NamedTuple, Optional

from flytekit import workflow

from dataset import DATASET
from tasks.content_hash import HashedFile, ParquetFile
from tasks.layers import HISTORY
from workflows.evaluate import evaluate
from workflows.generate_model_input import generate_model_input
from workflows.generate_model_output import generate_model_output
from workflows.process_raw_data import process_raw_data
from workflows.reporting import reporting
from workflows.train_model import train_model

# Read by a local run unless passed (see workflows/__init__.py): the declared raw data
# (src/dataset.py), and the history of earlier runs when there is one. With --remote,
# ./run uploads a local raw_data file, and passes an s3:// URI as it is.
LOCAL_INPUTS = {"raw_data": DATASET.raw_data, "history": HISTORY}

PipelineOutput = NamedTuple(
    "PipelineOutput",
    [
        ("primary", ParquetFile),
        ("train", ParquetFile),
        ("test", ParquetFile),
        ("validation", ParquetFile),
        ("model", HashedFile),
        ("candidates", HashedFile),
        ("predictions", ParquetFile),
        ("metrics", HashedFile),
        ("report", HashedFile),
        ("model_card", HashedFile),
    ],
)


@workflow
def full(
    raw_data: HashedFile,
    test_size: float = DATASET.test_size,
    validation_size: float = DATASET.validation_size,
    seed: int = DATASET.seed,
    history: Optional[HashedFile] = None,
) -> PipelineOutput:
    """Run every step as a sub-workflow; return what each one wrote."""
    primary = process_raw_data(raw_data=raw_data)
    train, test, validation = generate_model_input(
        primary=primary,
        test_size=test_size,
        validation_size=validation_size,
        seed=seed,
    )
    model, candidates = train_model(train=train, test=test)
    predictions = generate_model_output(model=model, validation=validation)
    metrics = evaluate(
        predictions=predictions,
        model=model,
        train=train,
        candidates=candidates,
        history=history,
    )
    report, model_card = reporting(
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
        candidates=candidates,
        predictions=predictions,
        metrics=metrics,
        report=report,
        model_card=model_card,
    )
