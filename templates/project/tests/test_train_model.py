import joblib
import pytest
from sklearn.metrics import roc_auc_score

from tasks.generate_model_input import ModelInput
from tasks.train_model import fit_model, split_features, train_model_task


def test_fit_model_learns(model_input: ModelInput):
    model = fit_model(model_input.train, model_input.test, [0.1, 1.0])
    features, target = split_features(model_input.test)
    assert roc_auc_score(target, model.predict_proba(features)[:, 1]) > 0.9


def test_fit_model_needs_candidates(model_input: ModelInput):
    with pytest.raises(ValueError):
        fit_model(model_input.train, model_input.test, [])


def test_task_returns_a_loadable_model(model_input: ModelInput):
    model_file = train_model_task(
        train=model_input.train, test=model_input.test, regularizations=[1.0]
    )
    model = joblib.load(model_file.download())
    features, _ = split_features(model_input.validation)
    assert len(model.predict(features)) == len(features)
