"""Tables the project was not designed on, made on the fly (nothing large is shipped):
each is what a user brings on day one. `python test/local/tables.py FOLDER` writes them
all; the suites import `write_tables` and `TABLES` (pandas is imported by the functions
that make a table: the test runner's own Python need not have it).

- churn.csv: binary, string labels (yes/no), string categories with gaps, numbers with
  gaps, an id column (customer_id) and a date column (signup_date); 600 rows.
- wine.parquet: multiclass (three cultivars, as text), scikit-learn's wine data.
- diabetes.csv: regression, scikit-learn's diabetes data (disease progression).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def churn(rows: int = 600, seed: int = 0) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    random = np.random.default_rng(seed)
    region = random.choice(["north", "south", "east", "west"], rows)
    plan = random.choice(["basic", "plus", "pro"], rows, p=[0.5, 0.3, 0.2])
    tenure = random.integers(1, 72, rows).astype(float)
    charges = random.normal(70, 20, rows).round(2)
    support_calls = random.poisson(1.5, rows)
    logit = -1.0 + 0.8 * support_calls - 0.04 * tenure + (plan == "basic") * 0.9
    logit += (region == "south") * 0.6
    churned = np.where(random.random(rows) < 1 / (1 + np.exp(-logit)), "yes", "no")
    table = pd.DataFrame(
        {
            "customer_id": [f"C{100000 + i}" for i in range(rows)],
            "signup_date": pd.date_range("2021-01-01", periods=rows, freq="D").strftime(
                "%Y-%m-%d"
            ),
            "region": region.astype(object),
            "plan": plan.astype(object),
            "tenure_months": tenure,
            "monthly_charges": charges,
            "support_calls": support_calls,
            "churned": churned,
        }
    )
    gaps = random.random(rows)
    table.loc[gaps < 0.05, "region"] = None
    table.loc[(gaps >= 0.05) & (gaps < 0.08), "tenure_months"] = np.nan
    return table


def wine() -> pd.DataFrame:
    from sklearn.datasets import load_wine

    data = load_wine(as_frame=True)
    table = data.frame.drop(columns="target")
    table["cultivar"] = [
        ["barolo", "grignolino", "barbera"][i] for i in data.target
    ]
    return table


def diabetes() -> pd.DataFrame:
    from sklearn.datasets import load_diabetes

    data = load_diabetes(as_frame=True, scaled=False)
    return data.frame.rename(columns={"target": "progression"})


# name -> (file, target, problem type)
TABLES = {
    "churn": ("churn.csv", "churned", "binary"),
    "wine": ("wine.parquet", "cultivar", "multiclass"),
    "diabetes": ("diabetes.csv", "progression", "regression"),
}


def write_tables(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, make in (("churn", churn), ("wine", wine), ("diabetes", diabetes)):
        path = folder / TABLES[name][0]
        table = make()
        if path.suffix == ".parquet":
            table.to_parquet(path, index=False)
        else:
            table.to_csv(path, index=False)
        written[name] = path
    return written


if __name__ == "__main__":
    for name, path in write_tables(Path(sys.argv[1])).items():
        print(name, path)
