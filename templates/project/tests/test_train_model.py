from pathlib import Path

import joblib
import pytest
from sklearn.metrics import roc_auc_score

from tasks.errors import PipelineError
from tasks.generate_model_input import Splits
from tasks.train_model import fit_model, split_features, train_model_task


def test_fit_model_learns(model_input: Splits):
    model = fit_model(model_input.train, model_input.test, [0.1, 1.0])
    features, target = split_features(model_input.test)
    assert roc_auc_score(target, model.predict_proba(features)[:, 1]) > 0.9


@pytest.mark.parametrize("regularizations", [[], [0.0], [1.0, -1.0]])
def test_fit_model_needs_positive_candidates(model_input: Splits, regularizations):
    with pytest.raises(PipelineError, match="at least one value of C") as raised:
        fit_model(model_input.train, model_input.test, regularizations)
    assert "--regularizations" in raised.value.fix


def test_task_writes_a_loadable_model(model_input: Splits, table_file, project_root):
    model_file = train_model_task(
        train=table_file(model_input.train, "train"),
        test=table_file(model_input.test, "test"),
        regularizations=[1.0],
    )
    assert Path(model_file.path) == project_root / "data/06_models/model.joblib"
    model = joblib.load(model_file.path)
    features, _ = split_features(model_input.validation)
    assert len(model.predict(features)) == len(features)
