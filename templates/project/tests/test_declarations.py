"""A wrong value in src/dataset.py or src/candidates.py is one error naming the file,
the field and the fix, before anything runs."""

import pytest

from tasks.declarations import Candidate, Dataset
from tasks.errors import PipelineError


def test_a_declaration_keeps_its_values():
    dataset = Dataset(
        "data/01_raw/churn.parquet", "churned", "binary", "yes", ["customer_id"]
    )
    assert (dataset.problem_type, dataset.positive_class) == ("binary", "yes")
    assert (dataset.test_size, dataset.validation_size, dataset.seed) == (0.2, 0.2, 42)
    assert not dataset.is_remote
    assert Dataset("s3://bucket/raw/churn.csv", "churned").is_remote


@pytest.mark.parametrize(
    "fields, cause, fix",
    [
        (
            {"raw_data": "data/01_raw/churn.xlsx"},
            "raw_data 'data/01_raw/churn.xlsx' is not a CSV or Parquet file",
            ".csv or .parquet",
        ),
        ({"target": ""}, "target is empty", "column to predict"),
        (
            {"problem_type": "classification"},
            "problem_type 'classification' is not one of auto, binary, multiclass,"
            " regression",
            '"auto"',
        ),
        (
            {"problem_type": "regression", "positive_class": "yes"},
            "positive_class is set for a regression problem",
            'positive_class to ""',
        ),
        ({"leave_out": ["churned"]}, "the target 'churned' is in leave_out", "remove"),
        (
            {"test_size": 0.5, "validation_size": 0.5},
            "test_size 0.5 and validation_size 0.5 leave no rows to train on",
            "sum is below 1",
        ),
        ({"test_size": 0}, "leave no rows to train on", "above 0"),
    ],
)
def test_a_wrong_dataset_field_is_named_with_its_fix(fields, cause, fix):
    declared = {"raw_data": "data/01_raw/churn.csv", "target": "churned", **fields}
    with pytest.raises(PipelineError) as raised:
        Dataset(**declared)
    assert raised.value.cause.startswith("src/dataset.py: ")
    assert cause in raised.value.cause and fix in raised.value.fix


class KeywordEstimator:
    """As LightGBM's: parameters beyond its signature's go through **kwargs."""

    def __init__(self, alpha: float = 1.0, **kwargs):
        self.alpha, self.kwargs = alpha, kwargs

    def get_params(self, deep: bool = True) -> dict:
        return {"alpha": self.alpha}

    def fit(self, X, y):
        return self


def test_an_estimator_taking_keywords_takes_parameters_it_does_not_list():
    grid = {"alpha": [1.0], "verbose": [-1]}
    path = f"{__name__}.KeywordEstimator"
    assert Candidate("kw", path, grid).estimator_class() is KeywordEstimator


def test_a_candidate_is_an_estimator_with_the_parameters_of_its_grid():
    candidate = Candidate(
        "forest", "sklearn.ensemble.RandomForestClassifier", {"max_depth": [3, None]}
    )
    assert candidate.estimator_class().__name__ == "RandomForestClassifier"


@pytest.mark.parametrize(
    "estimator, grid, cause, fix",
    [
        (
            "sklearn.ensemble.RandomForrestClassifier",
            {},
            "'sklearn.ensemble.RandomForrestClassifier' cannot be imported",
            "import path",
        ),
        (
            "no_such_library.Model",
            {},
            "'no_such_library.Model' cannot be imported (No module named",
            "add it to the project (",
        ),
        ("sklearn.ensembl.Forest", {}, "cannot be imported", "import path"),
        ("Model", {}, "cannot be imported", "import path"),
        (
            "collections.OrderedDict",
            {},
            "'collections.OrderedDict' is not an estimator (no fit method)",
            "scikit-learn-compatible",
        ),
        (
            "sklearn.linear_model.Ridge",
            {"C": [1.0]},
            "Ridge takes no parameter 'C'",
            "alpha",
        ),
        (
            "sklearn.linear_model.Ridge",
            {"alpha": 1.0},
            "grid['alpha'] is 1.0, not a list of values",
            "'alpha': [1.0]",
        ),
        ("sklearn.linear_model.Ridge", {"alpha": []}, "not a list of values", "list"),
    ],
)
def test_a_wrong_candidate_is_named_with_its_fix(estimator, grid, cause, fix):
    with pytest.raises(PipelineError) as raised:
        Candidate("mine", estimator, grid).estimator_class()
    assert raised.value.cause.startswith("src/candidates.py: candidate 'mine': ")
    assert cause in raised.value.cause and fix in raised.value.fix
