"""Workflow: primary table -> train, test and validation sets (data/05_model_input/)."""

from flytekit import workflow

from tasks.content_hash import ParquetFile
from tasks.generate_model_input import ModelInput, generate_model_input_task
from tasks.layers import PRIMARY

# Read from data/ by a local run unless passed (see workflows/__init__.py).
LOCAL_INPUTS = {"primary": PRIMARY}


@workflow
def generate_model_input(
    primary: ParquetFile,
    test_size: float = 0.2,
    validation_size: float = 0.2,
    seed: int = 42,
) -> ModelInput:
    """Create the train, test and validation sets, stratified by the target."""
    return generate_model_input_task(
        primary=primary,
        test_size=test_size,
        validation_size=validation_size,
        seed=seed,
    )
