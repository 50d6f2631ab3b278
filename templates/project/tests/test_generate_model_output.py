from pathlib import Path

import joblib
import pandas as pd
import pytest

from tasks.errors import PipelineError
from tasks.generate_model_input import Splits
from tasks.generate_model_output import generate_model_output_task, load_model, predict
from tasks.train_model import fit_model


def test_predict_returns_one_row_per_input(model_input: Splits):
    model = fit_model(model_input.train, model_input.test, [1.0])
    predictions = predict(model, model_input.validation)
    assert list(predictions.columns) == ["target", "prediction", "score"]
    assert len(predictions) == len(model_input.validation)
    assert predictions["score"].between(0, 1).all()


def test_task_scores_with_the_serialised_model(
    model_input: Splits, table_file, tmp_path: Path, project_root: Path
):
    model = fit_model(model_input.train, model_input.test, [1.0])
    path = tmp_path / "model.joblib"
    joblib.dump(model, path)
    predictions = generate_model_output_task(
        model=str(path), validation=table_file(model_input.validation, "validation")
    )
    assert Path(predictions.path) == (
        project_root / "data/07_model_output/predictions.parquet"
    )
    expected = predict(model, model_input.validation)
    pd.testing.assert_frame_equal(pd.read_parquet(predictions.path), expected)


def test_load_model_refuses_another_file(tmp_path: Path):
    other = tmp_path / "model.joblib"
    other.write_text("not a model")
    with pytest.raises(PipelineError, match="is not a model saved by train_model"):
        load_model(str(other))
