"""Errors the user fixes: a bad workflow input or bad data."""

import click


class PipelineError(click.ClickException):
    """A problem with an input or with the data, told as its cause and its fix.

    A click error, so that pyflyte shows its message rather than a traceback; `./run`
    prints it as two lines, `error: CAUSE` and `fix: FIX`. On Flyte it fails the task
    with the same message."""

    def __init__(self, cause: str, fix: str):
        super().__init__(f"{cause}\n  fix: {fix}")
        self.cause = cause
        self.fix = fix
