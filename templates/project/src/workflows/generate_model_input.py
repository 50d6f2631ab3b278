"""Workflow: primary table -> train, test and validation sets."""

import pandas as pd
from flytekit import workflow

from tasks.generate_model_input import ModelInput, generate_model_input_task


@workflow
def generate_model_input(
    data: pd.DataFrame,
    test_size: float = 0.2,
    validation_size: float = 0.2,
    seed: int = 42,
) -> ModelInput:
    """Create the train, test and validation sets."""
    return generate_model_input_task(
        data=data, test_size=test_size, validation_size=validation_size, seed=seed
    )
