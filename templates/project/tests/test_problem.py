"""The problem a table poses (its type, classes and positive class), checked against
the declaration, and how a model is measured on it."""

import numpy as np
import pandas as pd
import pytest

from tasks.errors import PipelineError
from tasks.problem import METRICS, Problem, better, clean_target, default_positive
from tasks.problem import features, infer_type, labels, measure, resolve

INFERRED_TYPES = [
    (["a", "b", "a"], "binary"),
    ([0, 1, 1, 0], "binary"),
    ([1.5, 2.5, 1.5], "binary"),
    ([True, False, True], "binary"),
    (["red", "green", "blue", "red"], "multiclass"),
    ([1, 2, 3, 4, 5], "multiclass"),
    ([1.0, 2.0, 3.0, 2.0], "multiclass"),
    (list(range(20)), "multiclass"),
    (list(range(21)), "regression"),
    ([0.5, 1.25, 3.75, 2.0], "regression"),
]


@pytest.mark.parametrize("values, expected", INFERRED_TYPES)
def test_the_type_is_inferred_from_the_target_values(values, expected):
    assert infer_type(pd.Series(values)) == expected


@pytest.mark.parametrize(
    "values, expected",
    [
        ([0, 1, 0, 0], "1"),
        ([1, 0, 1, 1], "1"),
        (["False", "True", "True"], "True"),
        ([False, True, True], "True"),
        (["yes", "no", "yes"], "yes"),
        (["NO", "YES", "NO", "NO"], "YES"),
        (["B", "M", "B", "B"], "M"),
        (["cat", "dog", "dog", "cat", "dog"], "cat"),
        (["a", "b"], "b"),  # equally rare: the last in order, whatever the row order
        (["b", "a"], "b"),
    ],
)
def test_the_positive_class_is_1_true_or_yes_else_the_rarer(values, expected):
    assert default_positive(pd.Series(values)) == expected


def test_a_target_with_gaps_loses_them_and_whole_floats_become_integers():
    assert clean_target(pd.Series([1.0, None, 0.0])).tolist() == [1, 0]
    assert clean_target(pd.Series([1.0, None, 0.0])).dtype == "int64"
    assert clean_target(pd.Series([1.5, None])).tolist() == [1.5]
    assert clean_target(pd.Series(["a", None, "b"])).tolist() == ["a", "b"]


def table(target: list) -> pd.DataFrame:
    return pd.DataFrame({"id": range(len(target)), "x": 1.0, "y": target})


@pytest.fixture
def declare_y(declare):
    """declare(**changes): the target is y, of any type, and id is left out."""
    return lambda **changes: declare(
        "binary",
        target="y",
        leave_out=["id"],
        **{"problem_type": "auto", "positive_class": "", **changes},
    )


@pytest.mark.parametrize(
    "target, declared, expected",
    [
        (["no", "yes", "no", None], {}, Problem("binary", "y", "yes", ("no", "yes"))),
        (["a", "b", "b"], {}, Problem("binary", "y", "a", ("a", "b"))),
        (
            ["a", "b", "b"],
            {"problem_type": "binary", "positive_class": "b"},
            Problem("binary", "y", "b", ("a", "b")),
        ),
        ([1.0, 0.0, None, 1.0], {}, Problem("binary", "y", "1", ("0", "1"))),
        # As the file writes it (flyte-pipeline new stores it so): as pandas reads it.
        (
            [1.0, 0.0, 0.0],
            {"positive_class": "1.0"},
            Problem("binary", "y", "1", ("0", "1")),
        ),
        (
            [True, False, False],
            {"positive_class": "true"},
            Problem("binary", "y", "True", ("False", "True")),
        ),
        (
            [0.5, 1.5, 1.5],
            {"positive_class": "1.50"},
            Problem("binary", "y", "1.5", ("0.5", "1.5")),
        ),
        (["x", "y", "z"], {}, Problem("multiclass", "y", "", ("x", "y", "z"))),
        (
            [1, 2, 1],
            {"problem_type": "multiclass"},
            Problem("multiclass", "y", "", ("1", "2")),
        ),
        ([1.5, 2.5, 3.5], {}, Problem("regression", "y")),
        ([1, 2, 1], {"problem_type": "regression"}, Problem("regression", "y")),
    ],
)
def test_resolve_follows_the_declaration_or_infers(
    declare_y, target, declared, expected
):
    declare_y(**declared)
    assert resolve(table(target)) == expected


@pytest.mark.parametrize(
    "data, declared, cause, fix",
    [
        (
            pd.DataFrame({"x": [1, 2]}),
            {},
            "the data has no target column 'y' (its columns: x)",
            "set target",
        ),
        (table(["a", "b"]).drop(columns="id"), {}, "leaves out 'id'", "leave_out"),
        (table([None, None]), {}, "has no values", "raw_data"),
        (table(["a", "a", None]), {}, "the same target value ('a')", "two classes"),
        (
            table(["a", "b", "c"]),
            {"problem_type": "binary"},
            "problem_type is binary, but the target 'y' has 3 values (a, b, c)",
            '"multiclass" or "auto"',
        ),
        (
            table(["a", "b"]),
            {"problem_type": "binary", "positive_class": "c"},
            "positive_class 'c' is not a value of 'y' (a, b)",
            "positive_class",
        ),
        (
            table([1, 0]),
            {"problem_type": "binary", "positive_class": "true"},
            "positive_class 'true' is not a value of 'y' (0, 1)",
            "positive_class",
        ),
        (
            table(["low", "high", "mid"]),
            {"problem_type": "regression"},
            "'y' holds text (e.g. 'low'), which a regression cannot predict",
            '"multiclass" or "auto"',
        ),
    ],
)
def test_resolve_says_what_is_wrong_with_the_data(
    declare_y, data, declared, cause, fix
):
    declare_y(**declared)
    with pytest.raises(PipelineError) as raised:
        resolve(data)
    assert cause in raised.value.cause and fix in raised.value.fix
    assert "\n" not in raised.value.cause + raised.value.fix


def test_features_are_every_column_but_the_target_and_the_left_out(declare_y):
    declare_y()
    data = table(["a", "b"]).assign(z="text")
    problem = resolve(data)
    assert list(features(data, problem).columns) == ["x", "z"]
    assert labels(data, problem).tolist() == ["a", "b"]


def test_class_labels_are_text_whatever_their_type(declare_y):
    declare_y()
    data = table([1.0, 0.0, None, 1.0])
    assert labels(data, resolve(data)).tolist() == ["1", "0", "1"]


def test_each_type_is_measured_by_its_metrics():
    truth = pd.Series(["no", "yes", "yes", "no"])
    binary = Problem("binary", "y", "yes", ("no", "yes"))
    scores = measure(binary, truth, truth.to_numpy(), np.array([0.1, 0.9, 0.8, 0.3]))
    assert tuple(scores) == METRICS["binary"]
    assert scores["roc_auc"] == scores["accuracy"] == scores["f1"] == 1.0
    classes = ("a", "b", "c")
    truth = pd.Series(["a", "b", "c", "a"])
    proba = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]], dtype=float)
    predicted = np.array(["a", "b", "c", "b"])
    scores = measure(Problem("multiclass", "y", "", classes), truth, predicted, proba)
    assert tuple(scores) == METRICS["multiclass"]
    assert scores["accuracy"] == 0.75
    truth = pd.Series([1.0, 2.0, 3.0])
    scores = measure(Problem("regression", "y"), truth, np.array([1, 2, 5.0]), None)
    assert tuple(scores) == METRICS["regression"] == ("rmse", "mae", "r2")
    assert scores["mae"] == pytest.approx(2 / 3)


def test_lower_is_better_for_errors_and_losses():
    assert better("roc_auc", 0.9, 0.8) and not better("roc_auc", 0.8, 0.9)
    assert better("rmse", 1.0, 2.0) and not better("rmse", 2.0, 1.0)
    assert better("log_loss", 0.2, 0.3) and not better("mae", 0.3, 0.3)
