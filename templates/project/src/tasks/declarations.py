"""What the project declares, checked as it is read: the dataset (src/dataset.py), the
candidate models and their gates (src/candidates.py). A wrong value is one error naming
the file, the field and the fix, before anything runs."""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from tasks.errors import PipelineError

PROBLEM_TYPES = ("auto", "binary", "multiclass", "regression")
DATA_SUFFIXES = (".csv", ".parquet", ".pq")


@dataclass(frozen=True)
class Dataset:
    raw_data: str
    target: str
    problem_type: str = "auto"
    positive_class: str = ""
    leave_out: list[str] = field(default_factory=list)
    test_size: float = 0.2
    validation_size: float = 0.2
    seed: int = 42

    def __post_init__(self) -> None:
        where = "src/dataset.py"
        if not self.raw_data.lower().endswith(DATA_SUFFIXES):
            raise PipelineError(
                f"{where}: raw_data {self.raw_data!r} is not a CSV or Parquet file",
                "point raw_data at a .csv or .parquet file (or an s3:// URI of one)",
            )
        if not self.target:
            raise PipelineError(
                f"{where}: target is empty", "name the column to predict"
            )
        if self.problem_type not in PROBLEM_TYPES:
            raise PipelineError(
                f"{where}: problem_type {self.problem_type!r} is not one of"
                f" {', '.join(PROBLEM_TYPES)}",
                'set problem_type to "auto" or one of the three types',
            )
        if self.positive_class and self.problem_type not in ("auto", "binary"):
            raise PipelineError(
                f"{where}: positive_class is set for a {self.problem_type} problem",
                'set positive_class to "" or problem_type to "binary"',
            )
        if self.target in self.leave_out:
            raise PipelineError(
                f"{where}: the target {self.target!r} is in leave_out",
                "remove it from leave_out",
            )
        check_splits(self.test_size, self.validation_size, where)

    @property
    def is_remote(self) -> bool:
        return "://" in self.raw_data

    @property
    def not_features(self) -> list[str]:
        """The target and the left-out columns: what a step reads of a table when it
        needs none of the features."""
        return [self.target, *self.leave_out]


def check_splits(test_size: float, validation_size: float, where: str) -> None:
    """Two fractions above 0 that leave rows to train on."""
    if not (0 < test_size < 1 and 0 < validation_size < 1) or (
        test_size + validation_size >= 1
    ):
        raise PipelineError(
            f"{where}: test_size {test_size} and validation_size {validation_size}"
            " leave no rows to train on",
            "use two fractions above 0 whose sum is below 1, e.g. 0.2 and 0.2",
        )


@dataclass(frozen=True)
class Candidate:
    """A model to try: a name, an estimator's import path, and its parameter grid (each
    parameter with a list of values; every combination is one setting)."""

    name: str
    estimator: str
    grid: dict[str, list[Any]] = field(default_factory=dict)

    def estimator_class(self) -> type:
        """The estimator's class, checked to be one scikit-learn can fit, with every
        parameter of the grid."""
        where = f"src/candidates.py: candidate {self.name!r}"
        module, _, name = self.estimator.rpartition(".")
        try:
            found = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError, ValueError) as error:
            missing = getattr(error, "name", None) if module else None
            if (
                isinstance(error, ModuleNotFoundError)
                and missing == module.split(".")[0]
            ):
                add = "pipenv install" if Path("Pipfile").is_file() else "uv add"
                fix = (
                    f"add it to the project ({add} {missing}: the image follows the"
                    " lock file), or give another estimator"
                )
            else:
                fix = (
                    "give an estimator's import path, e.g."
                    " sklearn.ensemble.RandomForestClassifier"
                )
            raise PipelineError(
                f"{where}: {self.estimator!r} cannot be imported ({error})", fix
            ) from error
        if not (isinstance(found, type) and hasattr(found, "fit")):
            raise PipelineError(
                f"{where}: {self.estimator!r} is not an estimator (no fit method)",
                "give a scikit-learn-compatible estimator class",
            )
        accepted = set(found().get_params())
        # An estimator taking **kwargs (LightGBM's) takes more than it lists.
        takes_more = any(
            parameter.kind is inspect.Parameter.VAR_KEYWORD
            for parameter in inspect.signature(found.__init__).parameters.values()
        )
        for parameter, values in self.grid.items():
            if parameter not in accepted and not takes_more:
                raise PipelineError(
                    f"{where}: {found.__name__} takes no parameter {parameter!r}",
                    f"use one of: {', '.join(sorted(accepted))}",
                )
            if not isinstance(values, list) or not values:
                raise PipelineError(
                    f"{where}: grid[{parameter!r}] is {values!r}, not a list of values",
                    f"write it as a list, e.g. {parameter!r}: [{values!r}]",
                )
        return found


@dataclass(frozen=True)
class Gates:
    """What the chosen model must do on the validation set for the run to pass."""

    beat_baseline: bool = True
    min_score: Optional[float] = None
    max_drop: Optional[float] = None
