import joblib

from tasks.generate_model_input import ModelInput
from tasks.generate_model_output import generate_model_output_task, predict
from tasks.train_model import fit_model


def test_predict_returns_one_row_per_input(model_input: ModelInput):
    model = fit_model(model_input.train, model_input.test, [1.0])
    predictions = predict(model, model_input.validation)
    assert list(predictions.columns) == ["target", "prediction", "score"]
    assert len(predictions) == len(model_input.validation)
    assert predictions["score"].between(0, 1).all()


def test_task_scores_with_the_serialised_model(model_input: ModelInput, tmp_path):
    model = fit_model(model_input.train, model_input.test, [1.0])
    path = tmp_path / "model.joblib"
    joblib.dump(model, path)
    predictions = generate_model_output_task(
        model=str(path), validation=model_input.validation
    )
    assert predictions.equals(predict(model, model_input.validation))
