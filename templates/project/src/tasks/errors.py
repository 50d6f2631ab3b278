"""Errors the user fixes: a bad workflow input or bad data."""

import click


class PipelineError(click.ClickException):
    """A problem with an input or with the data, told as its cause and its fix.

    A click error, so that pyflyte shows its message rather than a traceback; `./run`
    prints it as two lines, `error: CAUSE` and `fix: FIX`. On Flyte it fails the task
    with the same message."""

    def __init__(self, cause: str, fix: str):
        # One line each, whatever a library's message brought in.
        self.cause, self.fix = " ".join(cause.split()), " ".join(fix.split())
        super().__init__(f"{self.cause}\n  fix: {self.fix}")
