"""Workflow: metrics + predictions -> Flyte Deck and HTML report."""

import pandas as pd
from flytekit import workflow
from flytekit.types.file import FlyteFile

from tasks.evaluate import Metrics
from tasks.reporting import reporting_task


@workflow
def reporting(metrics: Metrics, predictions: pd.DataFrame) -> FlyteFile:
    """Summarise and visualise model performance."""
    return reporting_task(metrics=metrics, predictions=predictions)
