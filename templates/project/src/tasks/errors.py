"""Errors the user fixes: a bad workflow input or bad data."""

import click

# What a step killed for memory is told, on a local run (scripts/run_local.py) and on
# Flyte (scripts/remote.py).
MEMORY_FIX = (
    "on Flyte give the task more: requests=Resources(mem=...) in"
    " src/tasks/settings.py (MEMORY)"
)


class PipelineError(click.ClickException):
    """A problem with an input or with the data, told as its cause and its fix.

    A click error, so that pyflyte shows its message rather than a traceback; `./run`
    prints it as two lines, `error: CAUSE` and `fix: FIX`. On Flyte it fails the task
    with the same message."""

    def __init__(self, cause: str, fix: str):
        # One line each, whatever a library's message brought in.
        self.cause, self.fix = " ".join(cause.split()), " ".join(fix.split())
        super().__init__(f"{self.cause}\n  fix: {self.fix}")
