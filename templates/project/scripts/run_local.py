"""A local run, as `./run src/ WORKFLOW [inputs...]` starts it: pyflyte run, plus

- the workflow's file inputs not given, read from data/: `--NAME data/FILE` for each of
  its LOCAL_INPUTS (what the step before wrote), so that every step runs alone;
- before it, Flyte's local cache forgets the entries whose output files are gone (a
  deleted layer file, a cleaned temp folder): their tasks run again instead of failing;
- after it, a summary: where each output is, the headline metrics, the report to open,
  in place of pyflyte's raw print of the outputs;
- a bad input or bad data (tasks.errors.PipelineError, or an input pyflyte cannot read)
  as two lines, its cause and its fix, without a traceback (--verbose shows it);
- the run in a child process, watched: a run that fails half-way, or that the system
  kills (out of memory, a signal), leaves data/ as the previous run left it, and a run
  killed is told in one line naming the step and the memory it had.

    python scripts/run_local.py [--verbose] src/workflows/NAME.py NAME [inputs...]
"""

import atexit
import importlib
import json
import logging
import os
import re
import sys
import threading
import traceback
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional, get_args


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


# Set in the child process that does the run (see supervise): where it says how it ends.
STATUS_FILE = "FLYTE_PIPELINE_RUN_STATUS"
# The run's steps give the memory of the tables they freed back to the system, as a
# task's pod does (the Dockerfile's ENV): pyarrow on the system's allocator, not its own
# pool, which keeps what it freed; glibc maps each block of 1 MiB or more apart and
# unmaps it when freed (by default, freed blocks under a threshold that rises to 32 MiB,
# and a million-row column is 8 MiB, stay with the process: each step's tables came on
# top of what the steps before it had freed). Not glibc (macOS): the second is ignored.
RUN_ENVIRONMENT = {
    "ARROW_DEFAULT_MEMORY_POOL": "system",
    "MALLOC_MMAP_THRESHOLD_": "1048576",
}


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
    if STATUS_FILE not in os.environ and "--help" not in argv:
        return supervise(sys.argv[1:], workflow)
    atexit.register(leave_without_teardown)
    asks_help = "--help" in argv
    if not asks_help:
        hash_raw_data_ahead(argv[2:])
    # Joins the local cache's salt (tasks.settings): a copy of this project elsewhere
    # on the machine never replays this folder's entries, whose files are not its own.
    os.environ["FLYTE_PIPELINE_PROJECT_DIR"] = str(Path.cwd().resolve())

    import click
    from flytekit.clis.sdk_in_container import run as pyflyte_run
    from tasks.errors import PipelineError
    from tasks.local_cache import forget_missing_files

    forget_missing_files()
    catcher = OutputCatcher(click)
    step_log = StepLog.attach()
    try:
        module = Path(workflow_file).with_suffix("")
        workflows = importlib.import_module(f"{module.parent.name}.{module.name}")
        if not asks_help:
            argv = argv[:2] + with_local_inputs(workflows, workflow, argv[2:])
            check_given(getattr(workflows, workflow, None), workflow, argv[2:])
        pyflyte_run.click = catcher
        status = pyflyte_run.run.main(argv, "pyflyte run", standalone_mode=False)
    except BaseException as error:
        problem = find(error, PipelineError)
        tell_supervisor(problem.cause if problem else repr(error))
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
        record_run(catcher.outputs)
        print(summary(workflow, catcher.outputs, step_log.steps))
    return status or 0


def hash_raw_data_ahead(inputs: list[str]) -> Optional[threading.Thread]:
    """Hash the raw data file src/dataset.py declares in a thread started before
    flytekit loads: it hashes while the run loads pyflyte and the workflow (a second or
    more), and Flyte's local cache, which knows process_raw_data by the hash, finds it
    ready. Not when the inputs give another file, nor for a URI; a warm run finds it
    beside the file (tasks.content_hash)."""
    try:
        from dataset import DATASET
    except Exception:
        return None  # loading the workflow says what is wrong

    path = Path(DATASET.raw_data)
    if given("raw_data", inputs) or "://" in DATASET.raw_data or not path.is_file():
        return None

    def read() -> None:
        try:
            from tasks.content_hash import known_hash

            known_hash(path)
        except Exception:
            pass  # the step that reads the file says what is wrong

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def with_local_inputs(workflows: Any, workflow: str, inputs: list[str]) -> list[str]:
    """`inputs`, plus `--NAME PATH` for each of the workflow module's LOCAL_INPUTS that
    they do not give: a URI as it is, a path from the project root (data/01_raw/...),
    or a layer file under data/.

    Raises a PipelineError if such a file does not exist, unless the input is optional
    (it has a default, such as the run history)."""
    from tasks.errors import PipelineError
    from tasks.layers import WRITTEN_BY

    optional = optional_inputs(getattr(workflows, workflow, None))
    added = []
    for name, where in getattr(workflows, "LOCAL_INPUTS", {}).items():
        if given(name, inputs):
            continue
        if "://" in where:
            added += [f"--{name}", where]
            continue
        path = local_path(where)
        if not path.is_file():
            if name in optional:
                continue
            step = WRITTEN_BY.get(where)
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
    optional = optional_inputs(entity)
    missing = [name for name in entity.python_interface.inputs if name not in optional]
    missing = [f"--{name}" for name in missing if not given(name, inputs)]
    if missing:
        raise PipelineError(
            f"{workflow} needs {', '.join(missing)}",
            f"pass {missing[0]} VALUE (./run src/ {workflow} --help lists the inputs)",
        )


def optional_inputs(entity: Any) -> set[str]:
    """The inputs of a workflow that need not be given: those with a default, or of an
    Optional type."""
    if entity is None:
        return set()
    interface = entity.python_interface
    optional = set(interface.default_inputs_as_kwargs)
    for name, (kind, _default) in interface.inputs_with_defaults.items():
        if type(None) in get_args(kind):
            optional.add(name)
    return optional


def local_path(where: str) -> Path:
    """A LOCAL_INPUTS path: from the project root (data/01_raw/...), or a layer file
    under data/ (05_model_input/train.parquet)."""
    from tasks.layers import DATA

    return Path(where) if Path(where).parts[:1] == (DATA.name,) else DATA / where


def local_help(workflows: Any) -> str:
    """The workflow's LOCAL_INPUTS, as --help shows them after the inputs."""
    lines = ["Locally, ./run reads each file input not given from:"]
    for name, where in workflows.LOCAL_INPUTS.items():
        lines.append(f"  --{name} {where if '://' in where else local_path(where)}")
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


def supervise(arguments: list[str], workflow: str) -> int:
    """Run this script again in a child process, and watch it end.

    Before it, the layer files are kept (LayerSnapshot); a child that fails half-way or
    is killed gets them back. A child killed by the system (out of memory: SIGKILL) is
    told in one line: the step it was running and the memory it had."""
    import resource
    import signal
    import subprocess
    import tempfile

    from tasks.errors import MEMORY_FIX

    snapshot = LayerSnapshot.take()
    with tempfile.TemporaryDirectory() as folder:
        status = Path(folder, "status.json")
        env = {**RUN_ENVIRONMENT, **os.environ, STATUS_FILE: str(status)}
        # Ctrl-C reaches the child too (one process group): the child says it.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            code = subprocess.run(
                [sys.executable, __file__, *arguments], env=env
            ).returncode
        finally:
            signal.signal(signal.SIGINT, previous)
        said = json.loads(status.read_text()) if status.is_file() else {}
    if code == 0:
        snapshot.succeeded(workflow)
        return 0
    cause = said.get("error") or ""
    if code > 0 and cause:
        snapshot.failed(workflow, cause)
        return code
    step = said.get("step") or "the run, before its first step,"
    if code < 0:
        name = signal.Signals(-code).name
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        limit = memory_limit()
        why = (
            f"out of memory? it used {gib(peak)} of the {gib(limit)} it may use"
            if code == -signal.SIGKILL
            else f"{name}"
        )
        cause = f"the step {step} was killed by the system ({name}: {why})"
        fix = (
            f"run it on a machine with more memory, or {MEMORY_FIX}"
            if code == -signal.SIGKILL
            else "run it again"
        )
    else:
        cause = f"the run ended with exit code {code} in the step {step}"
        fix = "see its output above; ./run --verbose shows the traceback"
    snapshot.failed(workflow, cause)
    print(f"error: {cause}\n  fix: {fix}", file=sys.stderr)
    return 128 - code if code < 0 else code


def tell_supervisor(error: Optional[str] = None, step: Optional[str] = None) -> None:
    """For the supervising process: how the run ended, or the step it is in."""
    path = os.environ.get(STATUS_FILE)
    if not path:
        return
    said = json.loads(Path(path).read_text()) if Path(path).is_file() else {}
    said.update({k: v for k, v in (("error", error), ("step", step)) if v})
    Path(path).write_text(json.dumps(said))


def memory_limit() -> int:
    """The memory this process may use: the tightest limit of its cgroup and the ones
    above it (cgroup v2 memory.max, v1 memory.limit_in_bytes), else the machine's."""
    limits = [os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")]
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return limits[0]
    for line in lines:
        _, controllers, group = line.split(":", 2)
        if controllers == "":
            base, name = Path("/sys/fs/cgroup"), "memory.max"
        elif "memory" in controllers.split(","):
            base, name = Path("/sys/fs/cgroup/memory"), "memory.limit_in_bytes"
        else:
            continue
        for folder in [Path(group), *Path(group).parents]:
            try:
                text = (base / folder.relative_to("/") / name).read_text().strip()
            except (OSError, ValueError):
                continue
            if text.isdigit():
                limits.append(int(text))
    return min(limits)


def gib(size: int) -> str:
    return f"{size / 2**30:.1f} GiB"


class LayerSnapshot:
    """The layer files in data/ before a run, kept as hard links (no copy): a run that
    fails half-way gets the previous run's files back, so that data/ never mixes two
    runs. A run that fails a gate is complete (its report says why) and stays.
    data/last_run.json says how the last run ended."""

    LAYERS = "0[2-8]_*/**/*"
    KEPT = Path("data/.previous_run")
    STATUS = Path("data/last_run.json")

    def __init__(self, files: list[Path]):
        self.files = files

    @classmethod
    def take(cls) -> "LayerSnapshot":
        import shutil

        shutil.rmtree(cls.KEPT, ignore_errors=True)
        files = [path for path in Path("data").glob(cls.LAYERS) if path.is_file()]
        for path in files:
            kept = cls.KEPT / path.relative_to("data")
            kept.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, kept)
        return cls(files)

    def succeeded(self, workflow: str) -> None:
        import shutil

        shutil.rmtree(self.KEPT, ignore_errors=True)
        self.mark(workflow, "succeeded")

    def failed(self, workflow: str, cause: str) -> None:
        """Put the previous run's files back, unless only a gate failed."""
        import shutil

        from tasks.content_hash import hash_file
        from tasks.local_cache import forget_other_contents

        if cause.startswith("gate failed"):
            shutil.rmtree(self.KEPT, ignore_errors=True)
            return self.mark(workflow, "failed a gate", cause)
        kept = set(self.files)
        for path in Path("data").glob(self.LAYERS):
            if path.is_file() and path not in kept:
                path.unlink()  # written by this run alone
        for path in self.files:
            os.replace(self.KEPT / path.relative_to("data"), path)
            # Cache entries that point at this file with this run's content go.
            forget_other_contents(path.resolve(), hash_file(path))
        shutil.rmtree(self.KEPT, ignore_errors=True)
        self.mark(workflow, "failed; data/ holds the previous run's files", cause)

    def mark(self, workflow: str, status: str, cause: str = "") -> None:
        record = {"workflow": workflow, "status": status, "error": cause or None}
        record["time"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.STATUS.parent.mkdir(parents=True, exist_ok=True)
        self.STATUS.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


class StepLog(logging.Handler):
    """Which tasks ran and which Flyte's local cache served, from flytekit's log."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.steps: dict[str, str] = {}
        self.current: Optional[str] = None

    @classmethod
    def attach(cls) -> "StepLog":
        """Listen to flytekit's INFO records; its own handlers keep showing what they
        showed (warnings and errors)."""
        logger = logging.getLogger("flytekit")
        for handler in logger.handlers:
            handler.setLevel(max(handler.level, logger.getEffectiveLevel()))
        logger.setLevel(min(logger.getEffectiveLevel(), logging.INFO))
        step_log = cls()
        logger.addHandler(step_log)
        return step_log

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("Checking cache for task named "):
            self.current = step_name(message.split()[5].rstrip(","))
        elif message == "Cache hit" and self.current:
            self.steps[self.current] = "cached"
        elif message.startswith("Invoking "):  # a task runs (cached or not)
            self.current = step_name(message.split()[1])
            self.steps[self.current] = "ran"
            tell_supervisor(step=self.current)


def step_name(task: str) -> str:
    """A task as the summary names it: tasks.train_model.select_model_task ->
    select_model; the map task over fit_candidate_task -> fit_candidate (each setting).
    """
    name = task.rsplit(".", 1)[-1]
    mapped = re.fullmatch(r"map_(\w+?)_task_[0-9a-f]+-arraynode", name)
    return f"{mapped[1]} (each setting)" if mapped else name.removesuffix("_task")


def summary(workflow: str, outputs: Any, steps: dict[str, str]) -> str:
    """Where each output is; which steps ran; the model, its metrics and the report,
    when the workflow made them."""
    named = outputs._asdict() if hasattr(outputs, "_asdict") else {"output": outputs}
    width = max(map(len, named))
    lines = ["", f"{workflow}: done"]
    if steps:
        ran = [name for name, state in steps.items() if state == "ran"]
        cached = [name for name, state in steps.items() if state == "cached"]
        lines.append(f"  ran:        {', '.join(ran) or 'nothing'}")
        lines.append(f"  from cache: {', '.join(cached) or 'nothing'}")
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
            lines += ["", *metrics]
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


def read_metrics(path: Path) -> Optional[list[str]]:
    """The chosen model and its headline metric against the baseline and the previous
    run, from a metrics JSON file; None for other files."""
    if path.suffix != ".json":
        return None
    try:
        metrics = json.loads(path.read_text(encoding="utf-8"))
        metric, score = metrics["selection_metric"], metrics["score"]
        baseline = metrics["baseline"][metric]
        previous = (metrics.get("previous") or {}).get("score")
        others = ", ".join(
            f"{name} {value:.4g}"
            for name, value in metrics["metrics"].items()
            if name != metric
        )
        against = f"baseline {baseline:.4g} ({score - baseline:+.4g})"
        if previous is not None:
            against += f", previous run {previous:.4g} ({score - previous:+.4g})"
        failed = [gate["name"] for gate in metrics["gates"] if not gate["passed"]]
        return [
            f"Model: {metrics['model']} {json.dumps(metrics['params'])}"
            f" ({metrics['problem_type']},"
            f" {len(metrics['candidates'])} settings tried)",
            f"Validation {metric} {score:.4g} ({metrics['samples']} rows): {against}",
            f"Also: {others}",
            f"Gates: {'FAILED ' + ', '.join(failed) if failed else 'all passed'}",
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def record_run(outputs: Any) -> None:
    """After a run that made metrics: add it to the run history (08_reporting), which
    the next run's report compares with; the same model twice is recorded once."""
    from tasks.layers import DATA, HISTORY

    named = outputs._asdict() if hasattr(outputs, "_asdict") else {}
    metrics_file = getattr(named.get("metrics"), "path", None)
    if metrics_file is None:
        return
    metrics = json.loads(Path(metrics_file).read_text(encoding="utf-8"))
    history = DATA / HISTORY
    runs = history.read_text(encoding="utf-8").splitlines() if history.is_file() else []
    last = json.loads(runs[-1]) if runs else {}
    if last.get("fingerprint") == metrics.get("fingerprint"):
        return
    entry = {
        "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        **{
            key: metrics.get(key)
            for key in ("fingerprint", "model", "params", "selection_metric", "score")
        },
        "metrics": metrics.get("metrics"),
        "data": (metrics.get("data") or {}).get("sha256"),
    }
    with history.open("a", encoding="utf-8") as stream:
        stream.write(json.dumps(entry) + "\n")


# The run's exit code, once main has returned it (see leave_without_teardown).
EXIT_CODE: list[int] = []


def leave_without_teardown() -> None:
    """End the run's process once the exit handlers registered after this one have run
    (flytekit's, temporary folders'): Python's teardown of every module (pandas,
    scikit-learn, flytekit...) and of the objects left takes about 0.4 s, and serves
    nothing once the run's files are written and closed. Logging's handler, registered
    before this one, is called here. A run ended by an exception: Python's usual exit.
    """
    if EXIT_CODE:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(EXIT_CODE[0])


if __name__ == "__main__":
    EXIT_CODE.append(main(sys.argv[1:]))
    sys.exit(EXIT_CODE[0])
