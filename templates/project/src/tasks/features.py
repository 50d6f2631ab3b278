"""The features' preparation, built from the data and saved inside the model: numbers
are imputed (an infinite value as a missing one) and scaled; text, categories and
booleans imputed and one-hot encoded (categories unseen in training are ignored); ISO
dates (2024-01-31) become year, month, day and weekday. So the model predicts from raw
rows, as a service would send them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from sklearn.compose import ColumnTransformer

# A text column is a date when this share of its values reads as an ISO date.
DATE_SHARE = 0.9
# Categories beyond the most frequent ones are grouped as one.
MAX_CATEGORIES = 30
DATE_PARTS = ("year", "month", "day", "weekday")


def is_date(column: pd.Series) -> bool:
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(column):
        return True
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return False
    values = column.dropna().head(1000).astype(str)
    if values.empty or not values.str.match(r"\d{4}-\d{2}-\d{2}").all():
        return False
    parsed = pd.to_datetime(values, errors="coerce", format="ISO8601")
    return parsed.notna().mean() >= DATE_SHARE


def has_values(column: pd.Series) -> bool:
    """Whether a column holds any value: one without is left out of the model."""
    return bool(column.notna().any())


def column_kinds(frame: pd.DataFrame) -> dict[str, list[str]]:
    """The feature columns by kind: numeric, categorical and date. A column without a
    value is none of them: there is nothing in it to learn from, and the model leaves
    it out (process_raw_data says so)."""
    import pandas as pd

    kinds: dict[str, list[str]] = {"numeric": [], "categorical": [], "date": []}
    for name, column in frame.items():
        if not has_values(column):
            continue
        if pd.api.types.is_bool_dtype(column):
            kind = "categorical"
        elif pd.api.types.is_numeric_dtype(column):
            kind = "numeric"
        elif is_date(column):
            kind = "date"
        else:
            kind = "categorical"
        kinds[kind].append(str(name))
    return kinds


def date_parts(frame: pd.DataFrame) -> pd.DataFrame:
    """Each date column as its year, month, day and weekday (missing stays missing)."""
    import pandas as pd

    parts = {}
    for name, column in frame.items():
        dates = pd.to_datetime(column, errors="coerce", format="ISO8601")
        for part in DATE_PARTS:
            values = (
                dates.dt.day_of_week if part == "weekday" else getattr(dates.dt, part)
            )
            parts[f"{name}_{part}"] = values.astype("float64")
    return pd.DataFrame(parts, index=frame.index)


def date_names(_transformer: object, names: list[str]) -> list[str]:
    """The columns date_parts makes of these date columns."""
    return [f"{name}_{part}" for name in names for part in DATE_PARTS]


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Categories as text, missing values as NaN: one type for the encoder."""
    return (
        frame.astype(object).where(frame.notna(), None).astype(str).where(frame.notna())
    )


def finite(frame: pd.DataFrame) -> np.ndarray:
    """Numbers as floats, an infinite value (a ratio's division by zero) as missing: a
    copy, which the imputer after it fills in place."""
    import numpy as np

    values = frame.to_numpy(dtype="float64", na_value=np.nan, copy=True)
    values[np.isinf(values)] = np.nan
    return values


def preprocessor(kinds: dict[str, list[str]]) -> ColumnTransformer:
    """The preparation of each kind of column; other columns are dropped."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

    steps = {
        "numeric": make_pipeline(
            FunctionTransformer(finite, feature_names_out="one-to-one"),
            SimpleImputer(strategy="median", copy=False),
            StandardScaler(),
        ),
        "categorical": make_pipeline(
            FunctionTransformer(as_text, feature_names_out="one-to-one"),
            SimpleImputer(strategy="most_frequent"),
            OneHotEncoder(handle_unknown="ignore", max_categories=MAX_CATEGORIES),
        ),
        "date": make_pipeline(
            FunctionTransformer(date_parts, feature_names_out=date_names),
            SimpleImputer(strategy="median", keep_empty_features=True),
            StandardScaler(),
        ),
    }
    return ColumnTransformer(
        [(kind, steps[kind], columns) for kind, columns in kinds.items() if columns],
        remainder="drop",
        sparse_threshold=0,
    )
