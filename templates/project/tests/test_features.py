"""The features' preparation inside the model: each column's kind is told from its
values, and the fitted model takes raw rows, as a service would send them."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from tasks.features import column_kinds, date_parts, is_date, preprocessor
from tasks.generate_model_input import Splits
from tasks.problem import features, resolve
from tasks.train_model import Setting, build_model, fit_setting

CLASSIFIER = Setting(
    "logistic_regression",
    "sklearn.linear_model.LogisticRegression",
    json.dumps({"max_iter": 1000}),
    "roc_auc",
)


def test_columns_are_numeric_categorical_or_dates():
    frame = pd.DataFrame(
        {
            "count": [1, 2, 3],
            "share": [0.5, None, 0.25],
            "city": pd.Series(["Oslo", None, "Lima"], dtype="str"),
            "plan": pd.Series(["a", "b", "a"], dtype="category"),
            "legacy_text": pd.Series(["x", "y", None], dtype=object),
            "active": [True, False, True],
            "signup": ["2024-01-31", "2023-12-01", None],
            "stamp": ["2024-01-31T10:00:00", "2024-02-01T11:30:00", "2024-02-02"],
            "when": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
            "code": ["2024-13-45", "2024-14-46", "2024-15-47"],
            "zip": ["01234", "12345", "23456"],
        }
    )
    assert column_kinds(frame) == {
        "numeric": ["count", "share"],
        "categorical": ["city", "plan", "legacy_text", "active", "code", "zip"],
        "date": ["signup", "stamp", "when"],
    }


def test_a_column_is_a_date_when_nearly_all_its_values_are():
    mostly = pd.Series(["2024-01-31"] * 19 + ["2024-02-30"])
    assert is_date(mostly)
    half = pd.Series(["2024-01-31", "2024-02-30", "2024-02-31", "2024-01-01"])
    assert not is_date(half)
    assert not is_date(pd.Series([None, None], dtype=object))
    assert not is_date(pd.Series([20240131, 20240201]))


def test_a_date_becomes_its_year_month_day_and_weekday():
    parts = date_parts(pd.DataFrame({"signup": ["2024-01-31", None]}))
    assert list(parts.columns) == [
        "signup_year",
        "signup_month",
        "signup_day",
        "signup_weekday",
    ]
    assert parts.iloc[0].tolist() == [2024, 1, 31, 2]  # a Wednesday
    assert parts.iloc[1].isna().all()


def test_the_preparation_imputes_gaps_and_ignores_unseen_categories():
    train = pd.DataFrame(
        {
            "usage": [1.0, None, 3.0, 4.0],
            "plan": ["basic", None, "pro", "pro"],
            "active": [True, False, True, None],
            "signup": ["2024-01-01", "2024-02-01", None, "2024-03-01"],
        }
    )
    prepare = preprocessor(column_kinds(train)).fit(train)
    prepared = prepare.transform(train)
    assert not np.isnan(prepared).any()
    names = list(prepare.get_feature_names_out())
    assert "categorical__plan_pro" in names and "date__signup_month" in names
    unseen = pd.DataFrame(
        {
            "usage": [None],
            "plan": ["enterprise"],
            "active": [None],
            "signup": ["not a date"],
        }
    )
    row = dict(zip(names, prepare.transform(unseen)[0]))
    assert not np.isnan(list(row.values())).any()
    plan = [name for name in names if name.startswith("categorical__plan_")]
    assert [row[name] for name in plan] == [0.0] * len(plan)


@pytest.mark.parametrize("kind", ["binary"])
def test_the_fitted_model_predicts_from_raw_rows(splits: Splits):
    model, scores = fit_setting(CLASSIFIER, splits.train, splits.test)
    assert scores["score"] > 0.8
    # As a service sends them: with the id, the raw date and text, without the target.
    rows = splits.validation.drop(columns="churned")
    assert {"id", "signup_date", "plan"} <= set(rows.columns)
    assert set(model.predict(rows)) <= {"yes", "no"}
    rows.loc[0, "plan"] = "a plan it never saw"
    rows.loc[1, ["usage", "signup_date"]] = None
    assert len(model.predict_proba(rows)) == len(rows)


def test_the_model_puts_the_preparation_before_the_estimator(splits: Splits):
    problem = resolve(splits.train)
    model = build_model(CLASSIFIER, splits.train, problem)
    prepare, estimator = model.steps[0][1], model.steps[-1][1]
    assert type(estimator).__name__ == "LogisticRegression"
    assert estimator.max_iter == 1000
    kinds = {name: columns for name, _, columns in prepare.transformers}
    assert kinds == column_kinds(features(splits.train, problem))
    assert kinds["date"] == ["signup_date"] and "id" not in sum(kinds.values(), [])


def test_an_infinite_number_is_imputed_as_a_missing_one():
    train = pd.DataFrame(
        {
            "ratio": [1.0, np.inf, 3.0, -np.inf, 5.0],
            "count": pd.array([1, None, 3, 4, 5], dtype="Int64"),
        }
    )
    prepare = preprocessor(column_kinds(train)).fit(train)
    prepared = prepare.transform(train)
    assert np.isfinite(prepared).all()
    # The median of the finite values (3) fills the infinite ones: scaled, equal.
    ratio = prepared[:, 0]
    assert ratio[1] == ratio[3] == ratio[2]
    assert train["ratio"].iloc[1] == np.inf  # the input is left as it was
    assert list(prepare.get_feature_names_out()) == ["numeric__ratio", "numeric__count"]


@pytest.mark.parametrize("kind", ["binary"])
def test_a_column_without_values_is_left_out_of_the_model(splits: Splits):
    train, test = (frame.assign(notes=None) for frame in (splits.train, splits.test))
    assert "notes" not in sum(column_kinds(train).values(), [])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # scikit-learn's "Skipping features without..."
        model, scores = fit_setting(CLASSIFIER, train, test)
    assert scores["score"] > 0.8
    assert "notes" not in str(list(model[:-1].get_feature_names_out()))


@pytest.mark.parametrize("dtype", ["str", object])
def test_text_columns_of_either_pandas_type_are_categories(dtype):
    frame = pd.DataFrame({"plan": pd.Series(["a", "b", None], dtype=dtype)})
    assert column_kinds(frame)["categorical"] == ["plan"]
