"""Score the validation set with the trained model (layer 07_model_output).

Running inference here, through the same serialised model a service would load, catches
train-serving skew before the model ships."""

import joblib
import pandas as pd
from flytekit import Cache, Resources, task
from flytekit.types.file import FlyteFile
from sklearn.pipeline import Pipeline

from tasks.content_hash import HashedDataFrame

from tasks.train_model import split_features


def predict(model: Pipeline, data: pd.DataFrame) -> pd.DataFrame:
    """One row per input row: the true `target`, the `prediction` and its `score`."""
    features, target = split_features(data)
    return pd.DataFrame(
        {
            "target": target.to_numpy(),
            "prediction": model.predict(features),
            "score": model.predict_proba(features)[:, 1],
        }
    )


@task(cache=Cache(version="1"), requests=Resources(cpu="1", mem="1Gi"))
def generate_model_output_task(
    model: FlyteFile, validation: pd.DataFrame
) -> HashedDataFrame:
    """Load the serialised model and return its predictions on the validation set."""
    return predict(joblib.load(model.download()), validation)
