"""The serialised model scores the validation set: one row per input row, with its
ids, the truth, the prediction and the probabilities."""

from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest

from tasks.errors import PipelineError
from tasks.generate_model_input import Splits
from tasks.generate_model_output import generate_model_output_task, load_model
from tasks.generate_model_output import predictions_table
from tests.conftest import Trained

COLUMNS = {
    "binary": ["id", "target", "prediction", "score"],
    "multiclass": [
        "id",
        "target",
        "prediction",
        "proba_bronze",
        "proba_gold",
        "proba_silver",
    ],
    "regression": ["id", "target", "prediction"],
}


def test_one_row_per_input_row_with_its_id(kind: str, splits: Splits, trained: Trained):
    predictions = trained.predictions
    assert list(predictions.columns) == COLUMNS[kind]
    assert predictions["id"].tolist() == splits.validation["id"].tolist()
    truth = splits.validation[trained.problem.target]
    if kind == "regression":
        assert predictions["target"].tolist() == truth.tolist()
        assert predictions["prediction"].dtype == "float64"
        return
    assert predictions["target"].tolist() == truth.astype(str).tolist()
    assert set(predictions["prediction"]) <= set(trained.problem.classes)
    if kind == "binary":
        assert predictions["score"].between(0, 1).all()
        # The score is the positive class's: above 0.5 where it is predicted.
        positive = predictions["prediction"] == trained.problem.positive_class
        assert (positive == (predictions["score"] > 0.5)).all()
    else:
        proba = predictions.filter(like="proba_")
        assert np.allclose(proba.sum(axis=1), 1)
        most_likely = proba.idxmax(axis=1).str.removeprefix("proba_")
        assert (most_likely == predictions["prediction"]).all()


@pytest.mark.parametrize("kind", ["binary"])
def test_the_left_out_columns_are_kept_and_none_is_fine(
    declare, splits: Splits, trained: Trained
):
    declare("binary", leave_out=[])
    predictions = predictions_table(trained.model, splits.validation, trained.problem)
    assert list(predictions.columns) == ["target", "prediction", "score"]


def test_task_scores_with_the_serialised_model(
    splits: Splits, trained: Trained, table_file, tmp_path: Path, project_root: Path
):
    path = tmp_path / "model.joblib"
    joblib.dump(trained.model, path)
    predictions = generate_model_output_task(
        model=str(path), validation=table_file(splits.validation, "validation")
    )
    assert Path(predictions.path) == (
        project_root / "data/07_model_output/predictions.parquet"
    )
    pd.testing.assert_frame_equal(
        pd.read_parquet(predictions.path), trained.predictions, check_dtype=False
    )


def test_load_model_refuses_another_file(tmp_path: Path):
    other = tmp_path / "model.joblib"
    other.write_text("not a model")
    with pytest.raises(PipelineError) as raised:
        load_model(str(other))
    assert "is not a model saved by train_model" in raised.value.cause
    assert "run train_model again" in raised.value.fix
