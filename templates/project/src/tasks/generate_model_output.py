"""Score the validation set with the trained model (layer 07_model_output).

Running inference here, through the same serialised model a service would load, catches
train-serving skew before the model ships."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tasks.content_hash import HashedFile, ParquetFile
from tasks.errors import PipelineError
from tasks.layers import PREDICTIONS, read_table, save_table
from tasks.settings import pipeline_task
from tasks.train_model import split_features

if TYPE_CHECKING:
    import pandas as pd
    from sklearn.pipeline import Pipeline


def predict(model: Pipeline, data: pd.DataFrame) -> pd.DataFrame:
    """One row per input row: the true `target`, the `prediction` and its `score`."""
    import pandas as pd

    features, target = split_features(data)
    return pd.DataFrame(
        {
            "target": target.to_numpy(),
            "prediction": model.predict(features),
            "score": model.predict_proba(features)[:, 1],
        }
    )


def load_model(path: str) -> Pipeline:
    """The model train_model serialised."""
    import joblib

    try:
        return joblib.load(path)
    except Exception as error:
        raise PipelineError(
            f"{path} is not a model saved by train_model ({error})",
            "pass the file train_model wrote, or run train_model again",
        ) from error


@pipeline_task
def generate_model_output_task(
    model: HashedFile, validation: ParquetFile
) -> ParquetFile:
    """Load the serialised model and return its predictions on the validation set."""
    predictions = predict(load_model(model.download()), read_table(validation))
    return save_table(predictions, PREDICTIONS)
