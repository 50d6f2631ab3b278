"""The learning problem a table poses, and how a model is measured on it.

The problem type and positive class come from the declaration (src/dataset.py), or, for
"auto", from the target's values: two values make a binary problem; text, or integers
with at most 20 values, a multiclass one; other numbers a regression."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dataset import DATASET
from tasks.errors import PipelineError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

MAX_CLASSES = 20
LOWER_IS_BETTER = ("rmse", "mae", "log_loss", "brier")
METRICS = {
    "binary": (
        "roc_auc",
        "average_precision",
        "f1",
        "precision",
        "recall",
        "accuracy",
        "log_loss",
        "brier",
    ),
    "multiclass": (
        "f1_macro",
        "accuracy",
        "balanced_accuracy",
        "precision_macro",
        "recall_macro",
        "log_loss",
    ),
    "regression": ("rmse", "mae", "r2"),
}


@dataclass(frozen=True)
class Problem:
    type: str
    target: str
    positive_class: str = ""
    classes: tuple[str, ...] = ()

    @property
    def is_classification(self) -> bool:
        return self.type != "regression"


def clean_target(target: pd.Series) -> pd.Series:
    """The target without missing values; whole floats (1.0) as integers, as a CSV
    column with gaps reads them."""
    import pandas as pd

    values = target.dropna()
    if (
        pd.api.types.is_float_dtype(values)
        and len(values)
        and (values == values.round()).all()
    ):
        values = values.astype("int64")
    return values


def infer_type(values: pd.Series) -> str:
    """binary, multiclass or regression, from a target's values (no missing ones)."""
    import pandas as pd

    distinct = values.nunique()
    if distinct == 2:
        return "binary"
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(
        values
    )
    if not numeric:
        return "multiclass"
    whole = pd.api.types.is_integer_dtype(values) or bool(
        (values == values.round()).all()
    )
    return "multiclass" if whole and distinct <= MAX_CLASSES else "regression"


def default_positive(values: pd.Series) -> str:
    """1, true or yes when those are the two values; else the rarer one."""
    counts = values.astype(str).value_counts()
    names = {name.lower(): name for name in counts.index}
    for negative, positive in (("0", "1"), ("false", "true"), ("no", "yes")):
        if set(names) == {negative, positive}:
            return names[positive]
    rarest = counts.min()
    return max(name for name, count in counts.items() if count == rarest)


def class_named(given: str, classes: tuple[str, ...]) -> str:
    """The class `given` names: as written, or as pandas compares the values (1.0 is
    the class 1, true the class True), as `flyte-pipeline new` may store it. A name of
    no class is returned as it is."""
    if given in classes:
        return given
    for name in classes:
        if name in ("True", "False") and given.lower() == name.lower():
            return name
        try:
            if float(given) == float(name):
                return name
        except ValueError:
            pass
    return given


def resolve(data: pd.DataFrame) -> Problem:
    """The problem `data` poses for the declared target, checked: a PipelineError says
    what is wrong with the data and how to fix it."""
    import pandas as pd

    target = DATASET.target
    if target not in data.columns:
        columns = ", ".join(map(str, data.columns[:8]))
        more = ", ..." if len(data.columns) > 8 else ""
        raise PipelineError(
            f"the data has no target column {target!r} (its columns: {columns}{more})",
            "set target in src/dataset.py to the column to predict",
        )
    for column in DATASET.leave_out:
        if column not in data.columns:
            raise PipelineError(
                f"src/dataset.py leaves out {column!r}, which the data does not have",
                "remove it from leave_out",
            )
    values = clean_target(data[target])
    if len(values) == 0:
        raise PipelineError(
            f"the target column {target!r} has no values",
            "point raw_data in src/dataset.py at a table with target values",
        )
    declared = DATASET.problem_type
    kind = infer_type(values) if declared == "auto" else declared
    distinct = values.nunique()
    if kind == "regression":
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(
            values
        ):
            example = values.iloc[0]
            raise PipelineError(
                f"the target {target!r} holds text (e.g. {example!r}), which a"
                " regression cannot predict",
                'set problem_type in src/dataset.py to "multiclass" or "auto"',
            )
        return Problem("regression", target)
    if distinct < 2:
        raise PipelineError(
            f"every row has the same target value ({values.iloc[0]!r}): there is"
            " nothing to learn",
            "give rows of at least two classes",
        )
    classes = tuple(sorted(values.astype(str).unique()))
    if kind == "binary":
        if distinct != 2:
            raise PipelineError(
                f"problem_type is binary, but the target {target!r} has {distinct}"
                f" values ({', '.join(classes[:5])}{', ...' if distinct > 5 else ''})",
                'set problem_type in src/dataset.py to "multiclass" or "auto"',
            )
        positive = class_named(DATASET.positive_class, classes) or default_positive(
            values
        )
        if positive not in classes:
            raise PipelineError(
                f"positive_class {positive!r} is not a value of {target!r}"
                f" ({', '.join(classes)})",
                'set positive_class in src/dataset.py to one of them, or to ""',
            )
        return Problem("binary", target, positive, classes)
    return Problem("multiclass", target, "", classes)


def features(data: pd.DataFrame, problem: Problem) -> pd.DataFrame:
    """The columns a model learns from: all but the target and the left-out ones."""
    return data.drop(columns=[problem.target, *DATASET.leave_out], errors="ignore")


def labels(data: pd.DataFrame, problem: Problem) -> pd.Series:
    """The target, as the model learns it: class names as text, or numbers."""
    target = clean_target(data[problem.target])
    return target.astype(str) if problem.is_classification else target


def positive_column(model: Any, problem: Problem) -> int:
    """Which predict_proba column is the positive class's."""
    return [str(name) for name in model.classes_].index(problem.positive_class)


def measure(
    problem: Problem, truth: pd.Series, predicted: np.ndarray, proba: Any
) -> dict[str, float]:
    """Every metric of the problem type. `proba`: the positive class's probability
    (binary), the probability of each of problem.classes (multiclass), or None."""
    import numpy as np
    from sklearn import metrics

    if problem.type == "regression":
        return {
            "rmse": float(metrics.root_mean_squared_error(truth, predicted)),
            "mae": float(metrics.mean_absolute_error(truth, predicted)),
            "r2": float(metrics.r2_score(truth, predicted)),
        }
    # Classes are counted as numbers (binary: positive or not; multiclass: their place
    # in problem.classes): the same counts as their names give, without sorting text.
    if problem.type == "binary":
        positive = problem.positive_class
        hits = (truth == positive).to_numpy()
        predicted_hits = np.asarray(predicted) == positive
        scores = np.clip(np.asarray(proba, dtype=float), 1e-15, 1 - 1e-15)
        both = hits.any() and not hits.all()
        return {
            "roc_auc": float(metrics.roc_auc_score(hits, scores)) if both else 0.5,
            "average_precision": float(metrics.average_precision_score(hits, scores)),
            "f1": float(metrics.f1_score(hits, predicted_hits)),
            "precision": float(
                metrics.precision_score(hits, predicted_hits, zero_division=0)
            ),
            "recall": float(metrics.recall_score(hits, predicted_hits)),
            "accuracy": float(metrics.accuracy_score(hits, predicted_hits)),
            "log_loss": float(metrics.log_loss(hits, scores, labels=[False, True])),
            "brier": float(metrics.brier_score_loss(hits, scores)),
        }
    import pandas as pd

    truth, predicted = (
        pd.Categorical(np.asarray(values), categories=problem.classes).codes
        for values in (truth, predicted)
    )
    average = {"average": "macro", "zero_division": 0}
    return {
        "f1_macro": float(metrics.f1_score(truth, predicted, **average)),
        "accuracy": float(metrics.accuracy_score(truth, predicted)),
        "balanced_accuracy": float(metrics.balanced_accuracy_score(truth, predicted)),
        "precision_macro": float(metrics.precision_score(truth, predicted, **average)),
        "recall_macro": float(metrics.recall_score(truth, predicted, **average)),
        "log_loss": float(
            metrics.log_loss(
                truth, np.asarray(proba), labels=list(range(len(problem.classes)))
            )
        ),
    }


def measure_model(model: Any, data: pd.DataFrame, problem: Problem) -> dict[str, float]:
    """Every metric of a fitted model on a table with the target."""
    return measure(problem, labels(data, problem), *predict(model, data, problem))


def predict(model: Any, data: pd.DataFrame, problem: Problem) -> tuple[Any, Any]:
    """The model's predictions on a table, and its probabilities as `measure` takes
    them (None for a regression)."""
    rows = features(data, problem)
    if problem.type == "regression":
        return model.predict(rows), None
    proba = model.predict_proba(rows)
    # What predict would say, without predicting twice: the most probable class.
    predicted = model.classes_[proba.argmax(axis=1)]
    if problem.type == "binary":
        return predicted, proba[:, positive_column(model, problem)]
    order = [str(name) for name in model.classes_]
    return predicted, proba[:, [order.index(name) for name in problem.classes]]


def better(metric: str, score: float, other: float) -> bool:
    """Whether `score` beats `other` on this metric."""
    return score < other if metric in LOWER_IS_BETTER else score > other
