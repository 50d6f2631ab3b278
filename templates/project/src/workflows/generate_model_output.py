"""Workflow: trained model + validation set -> predictions (data/07_model_output/)."""

from flytekit import workflow

from tasks.content_hash import HashedFile, ParquetFile
from tasks.generate_model_output import generate_model_output_task
from tasks.layers import MODEL, VALIDATION

# Read from data/ by a local run unless passed (see workflows/__init__.py).
LOCAL_INPUTS = {"model": MODEL, "validation": VALIDATION}


@workflow
def generate_model_output(model: HashedFile, validation: ParquetFile) -> ParquetFile:
    """Run inference on the validation set with the serialised model."""
    return generate_model_output_task(model=model, validation=validation)
