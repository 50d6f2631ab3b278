"""Workflow: trained model + validation set -> validation predictions."""

import pandas as pd
from flytekit import workflow
from flytekit.types.file import FlyteFile

from tasks.generate_model_output import generate_model_output_task


@workflow
def generate_model_output(model: FlyteFile, validation: pd.DataFrame) -> pd.DataFrame:
    """Run inference on the validation set with the serialised model."""
    return generate_model_output_task(model=model, validation=validation)
