"""A local run, as `./run src/ WORKFLOW [inputs...]` starts it: pyflyte run, plus

- the workflow's file inputs not given, read from data/: `--NAME data/FILE` for each of
  its LOCAL_INPUTS (what the step before wrote), so that every step runs alone;
- before it, Flyte's local cache forgets the entries whose output files are gone (a
  deleted layer file, a cleaned temp folder): their tasks run again instead of failing;
- after it, a summary: where each output is, the headline metrics, the report to open,
  in place of pyflyte's raw print of the outputs;
- a bad input or bad data (tasks.errors.PipelineError, or an input pyflyte cannot read)
  as two lines, its cause and its fix, without a traceback (--verbose shows it).

    python scripts/run_local.py [--verbose] src/workflows/NAME.py NAME [inputs...]
"""

import importlib
import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any, Optional


class OutputCatcher:
    """Stands in for `click` in pyflyte's run module, to keep the workflow's outputs,
    which it would echo raw; everything else goes to click."""

    def __init__(self, click: Any):
        self.click = click
        self.outputs: Any = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.click, name)

    def echo(self, message: Any = None, *args: Any, **kwargs: Any) -> None:
        if message is None or isinstance(message, (str, bytes)):
            self.click.echo(message, *args, **kwargs)
        else:
            self.outputs = message


def main(argv: list[str]) -> int:
    verbose = argv[:1] == ["--verbose"]
    if verbose:
        argv = argv[1:]
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    workflow_file, workflow = argv[:2]
    # The folder holding the tasks and workflows packages, as pyflyte finds it.
    sys.path.insert(0, str(Path(workflow_file).resolve().parent.parent))
    # Joins the local cache's salt (tasks.settings): a copy of this project elsewhere
    # on the machine never replays this folder's entries, whose files are not its own.
    os.environ["FLYTE_PIPELINE_PROJECT_DIR"] = str(Path.cwd().resolve())

    import click
    from flytekit.clis.sdk_in_container import run as pyflyte_run
    from tasks.errors import PipelineError
    from tasks.local_cache import forget_missing_files

    forget_missing_files()
    catcher = OutputCatcher(click)
    try:
        module = Path(workflow_file).with_suffix("")
        workflows = importlib.import_module(f"{module.parent.name}.{module.name}")
        asks_help = "--help" in argv
        if not asks_help:
            argv = argv[:2] + with_local_inputs(workflows, argv[2:])
            check_given(getattr(workflows, workflow, None), workflow, argv[2:])
        pyflyte_run.click = catcher
        status = pyflyte_run.run.main(argv, "pyflyte run", standalone_mode=False)
    except Exception as error:
        problem = find(error, PipelineError)
        if problem is not None:
            cause, fix = problem.cause, problem.fix
        elif isinstance(error, click.ClickException):
            cause = error.format_message()
            fix = f"see the inputs and their types: ./run src/ {workflow} --help"
        else:
            raise
        if verbose:
            traceback.print_exception(error)
        print(f"error: {cause}\n  fix: {fix}", file=sys.stderr)
        return 1
    finally:
        pyflyte_run.click = click
    if asks_help and getattr(workflows, "LOCAL_INPUTS", None):
        print(local_help(workflows))
    if catcher.outputs is not None:
        print(summary(workflow, catcher.outputs))
    return status or 0


def with_local_inputs(workflows: Any, inputs: list[str]) -> list[str]:
    """`inputs`, plus `--NAME data/FILE` for each of the workflow module's LOCAL_INPUTS
    that they do not give.

    Raises a PipelineError if such a file does not exist."""
    from tasks.errors import PipelineError
    from tasks.layers import DATA, WRITTEN_BY

    added = []
    for name, layer in getattr(workflows, "LOCAL_INPUTS", {}).items():
        if given(name, inputs):
            continue
        path = DATA / layer
        if not path.is_file():
            step = WRITTEN_BY.get(layer)
            first = f"run ./run src/ {step} first, or " if step else ""
            raise PipelineError(f"{path} does not exist", f"{first}pass --{name} PATH")
        added += [f"--{name}", str(path)]
    return inputs + added


def given(name: str, inputs: list[str]) -> bool:
    """Whether the inputs give this one, as `--NAME VALUE` or `--NAME=VALUE`."""
    return any(arg.split("=", 1)[0] == f"--{name}" for arg in inputs)


def check_given(entity: Any, workflow: str, inputs: list[str]) -> None:
    """A PipelineError for an input with no default that is not given (pyflyte would
    call the workflow without it)."""
    from tasks.errors import PipelineError

    if entity is None or given("inputs-file", inputs):
        return  # pyflyte says what is wrong
    interface = entity.python_interface
    defaults = interface.default_inputs_as_kwargs
    missing = [name for name in interface.inputs if name not in defaults]
    missing = [f"--{name}" for name in missing if not given(name, inputs)]
    if missing:
        raise PipelineError(
            f"{workflow} needs {', '.join(missing)}",
            f"pass {missing[0]} VALUE (./run src/ {workflow} --help lists the inputs)",
        )


def local_help(workflows: Any) -> str:
    """The workflow's LOCAL_INPUTS, as --help shows them after the inputs."""
    from tasks.layers import DATA

    lines = ["Locally, ./run reads each file input not given from data/:"]
    for name, layer in workflows.LOCAL_INPUTS.items():
        lines.append(f"  --{name} {DATA / layer}")
    return "\n".join(lines)


def find(error: Optional[BaseException], kind: type) -> Any:
    """`error`, or the exception it was raised from, if it is of this kind."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, kind):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


def summary(workflow: str, outputs: Any) -> str:
    """Where each output is; the metrics and the report, when the workflow made them."""
    named = outputs._asdict() if hasattr(outputs, "_asdict") else {"output": outputs}
    width = max(map(len, named))
    lines = ["", f"{workflow}: done"]
    files = []
    for name, value in named.items():
        path = getattr(value, "path", None)
        if path is None:
            lines.append(f"  {name:<{width}}  {value}")
            continue
        files.append(Path(path).resolve())
        lines.append(f"  {name:<{width}}  {shown(files[-1])}")
    for path in files:
        metrics = read_metrics(path)
        if metrics is not None:
            lines += ["", metrics]
    for path in files:
        if path.suffix == ".html":
            lines += ["", f"Report: {path.as_uri()}"]
    return "\n".join(lines)


def shown(path: Path) -> str:
    """A path as the user types it: relative to the project root when under it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_metrics(path: Path) -> Optional[str]:
    """The headline metrics in a metrics JSON file, on one line; None for others."""
    if path.suffix != ".json":
        return None
    try:
        metrics = json.loads(path.read_text(encoding="utf-8"))
        return (
            f"Validation metrics ({metrics['samples']} rows):"
            f" accuracy {metrics['accuracy']:.1%},"
            f" precision {metrics['precision']:.1%},"
            f" recall {metrics['recall']:.1%},"
            f" F1 {metrics['f1']:.1%},"
            f" ROC AUC {metrics['roc_auc']:.3f}"
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
