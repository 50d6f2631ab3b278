"""Workflow: primary table -> train, test and validation sets (data/05_model_input/)."""

from flytekit import workflow

from dataset import DATASET
from tasks.content_hash import ParquetFile
from tasks.generate_model_input import ModelInput, generate_model_input_task
from tasks.layers import PRIMARY

# Read from data/ by a local run unless passed (see workflows/__init__.py).
LOCAL_INPUTS = {"primary": PRIMARY}


@workflow
def generate_model_input(
    primary: ParquetFile,
    test_size: float = DATASET.test_size,
    validation_size: float = DATASET.validation_size,
    seed: int = DATASET.seed,
) -> ModelInput:
    """Create the train, test and validation sets (stratified for a classification)."""
    return generate_model_input_task(
        primary=primary,
        test_size=test_size,
        validation_size=validation_size,
        seed=seed,
    )
