"""Train a scikit-learn model and serialise it (layer 06_models)."""

from pathlib import Path

import joblib
import pandas as pd
from flytekit import Cache, Resources, current_context, task
from flytekit.types.file import FlyteFile
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from tasks.content_hash import HashedFile
from tasks.process_raw_data import TARGET_COLUMN


def split_features(data: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Separate the feature columns from the `target` column."""
    return data.drop(columns=[TARGET_COLUMN]), data[TARGET_COLUMN]


def fit_model(
    train: pd.DataFrame, test: pd.DataFrame, regularizations: list[float]
) -> Pipeline:
    """Fit one scaled logistic regression per inverse regularization strength C
    and keep the one with the best ROC AUC on the test set."""
    if not regularizations:
        raise ValueError("regularizations must name at least one value of C")
    x_train, y_train = split_features(train)
    x_test, y_test = split_features(test)
    candidates = [
        make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=1000))
        for c in regularizations
    ]
    for candidate in candidates:
        candidate.fit(x_train, y_train)
    return max(
        candidates,
        key=lambda model: roc_auc_score(y_test, model.predict_proba(x_test)[:, 1]),
    )


@task(cache=Cache(version="1"), requests=Resources(cpu="1", mem="2Gi"))
def train_model_task(
    train: pd.DataFrame, test: pd.DataFrame, regularizations: list[float]
) -> HashedFile:
    """Return the best model, serialised with joblib."""
    model = fit_model(train, test, regularizations)
    path = Path(current_context().working_directory) / "model.joblib"
    joblib.dump(model, path)
    return FlyteFile(str(path))
