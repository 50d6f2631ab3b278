"""Score the validation set with the trained model (layer 07_model_output).

Running inference here, through the same serialised model a service would load, on the
raw rows, catches train-serving skew before the model ships."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dataset import DATASET
from tasks.content_hash import HashedFile, ParquetFile
from tasks.errors import PipelineError
from tasks.layers import PREDICTIONS, read_table, save_table
from tasks.problem import Problem, predict, resolve
from tasks.settings import pipeline_task

if TYPE_CHECKING:
    import pandas as pd
    from sklearn.pipeline import Pipeline


def predictions_table(
    model: Pipeline, data: pd.DataFrame, problem: Problem
) -> pd.DataFrame:
    """One row per input row: its left-out columns (ids), the true `target`, the
    `prediction`, and the `score` of the positive class (binary) or a `proba_CLASS`
    per class (multiclass)."""
    import pandas as pd

    predicted, proba = predict(model, data, problem)
    table = data[DATASET.leave_out].copy()
    truth = data[problem.target]
    table["target"] = truth.astype(str) if problem.is_classification else truth
    table["prediction"] = predicted
    if problem.type == "binary":
        table["score"] = proba
    elif problem.type == "multiclass":
        probabilities = pd.DataFrame(
            proba, columns=[f"proba_{name}" for name in problem.classes]
        )
        table = pd.concat([table, probabilities], axis=1)
    return table


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
    data = read_table(validation)
    predictions = predictions_table(load_model(model.download()), data, resolve(data))
    return save_table(predictions, PREDICTIONS)
