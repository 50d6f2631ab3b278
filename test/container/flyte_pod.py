"""Runs a packaged Flyte workflow the way a cluster does, one container per task, without a cluster.

Run with the generated project's Python (it has flytekit):

    python flyte_pod.py pods  --package dist/flyte-package.tgz --workflow workflows.full.full \
                              --store DIR --input raw_data=data/01_raw/breast_cancer.csv
    python flyte_pod.py local --source src --workflow workflows.full.full --input raw_data=...
    python flyte_pod.py inspect --package dist/flyte-package.tgz

`pods` does what flytectl, FlyteAdmin and flytepropeller do between `make package` and a finished
execution, and nothing more:
- "uploads" the fast-registration tarball and the file inputs into DIR, a local folder standing in
  for the blob store (flytekit reads and writes local paths as it does s3:// ones), and fills the
  `{{ .remote_package_path }}` that `flytectl register files` fills;
- starts from the launch plan's defaults, overridden by --input;
- walks the workflow spec from the package (sub-workflows included), feeding each node the outputs
  its bindings name; for each task node, writes its inputs as a literal map (inputs.pb), fills the
  container args' templates ({{.input}}, {{.outputPrefix}}, {{.rawOutputDataPrefix}}, ...) and runs
  the task's image with those args, as the image's user, with no network, the task's cpu and memory
  (limits, else requests, as propeller sets them), mounting DIR at the same path;
- reads each task's outputs.pb (or error.pb) back;
- retries a failed attempt as flytepropeller's node executor does (nodes/executor.go
  isEligibleForRetry, with its node config's defaults), each attempt a new pod told its number by
  FLYTE_ATTEMPT_NUMBER, writing under <node outputs>/<attempt> (raw data and checkpoint per attempt,
  the previous attempt's checkpoint as {{.prevCheckpointPrefix}}). What failed decides, as propeller
  classifies it: an error.pb flytekit wrote is retried only if RECOVERABLE (a FlyteRecoverableException,
  or an error of flytekit's own), its origin (USER or SYSTEM) the kind; any other exception in the
  task is NON_RECOVERABLE: the node fails after one attempt. A failed container (DemystifyFailure) is
  retryable: killed for memory (OOMKilled) a USER failure; killed by SIGKILL (exit 137: a lost or
  preempted node) or any other exit a SYSTEM one; a pod past the node's timeout (the execution
  deadline, counted from the attempt's start) is killed, a USER failure (TimeoutExpired). A USER
  failure is retried while (attempts - system failures) < the node's retries (else its task's
  metadata.retries.retries) + 1; a SYSTEM failure has a budget of its own,
  max-node-retries-system-failures = 3 more attempts. An interruptible node (its metadata, which
  flytekit copies from the task's) runs on a regular node once its system failures reach the
  interruptible-failure-threshold (-1: the last of 1 + 3 system attempts); here that is only said in
  the pod's record, there are no spot nodes. Each element of an ArrayNode is retried on its own the
  same way. `--lose-node TASK:ATTEMPT` stands for the cluster losing a node: that attempt's
  container is killed (SIGKILL) once it runs. Not emulated: the active deadline (twice the
  timeout, across attempts), retries of sub-workflow or array nodes as a whole, backoff between
  attempts, and Kubernetes' own reasons (Shutdown, Evicted, ...);
- runs an ArrayNode (flytekit's map_task) as flytepropeller's array handler does: one pod per
  element of the mapped list inputs (the node's bound_inputs, e.g. a partial's, are not mapped),
  up to the node's parallelism at once (threads), each pod reading the node's inputs.pb (the whole
  lists) and told its index by BATCH_JOB_ARRAY_INDEX_VAR_NAME=FLYTE_K8S_ARRAY_INDEX and
  FLYTE_K8S_ARRAY_INDEX=<index>, writing its outputs under <node outputs>/<index>/<attempt>; the
  elements' outputs are gathered, in order, into the lists the node outputs; it fails when fewer
  elements succeed than its min_successes (or min_success_ratio of them) ask;
- keeps a cache as Flyte's data catalog does, in DIR/catalog: a cacheable task (discoverable in its
  metadata) whose cache version and inputs (hashed as datacatalog hashes them: a literal's `hash`,
  when its type sets one, stands for its value) match an earlier execution's in the same DIR does
  not run; its outputs are the earlier ones. Each element of an ArrayNode is cached on its own:
  the mapped task's cache version and the element's inputs (its items and the bound inputs).
It prints JSON: each pod's (or cache hit's) node, task, index (array elements), attempt, whether it
ran interruptible, seconds, start and end (seconds since the execution began), exit code, log
file, and for a failed attempt its error (kind, code, recoverable); and the workflow's outputs, or,
when the execution failed, its error (and exits 1).
`local` runs the same workflow in-process (flytekit's local execution) and prints its outputs in
the same JSON form, so the two can be compared. `inspect` prints what the package holds: each
task's image, args, resources and accelerator, each launch plan's defaults and required inputs,
each workflow's tasks (sub-workflows included) and ArrayNodes.
"""

import argparse
import contextlib
import glob
import hashlib
import json
import math
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from flyteidl.admin import launch_plan_pb2, task_pb2, workflow_pb2
from flyteidl.core import errors_pb2, execution_pb2, interface_pb2, literals_pb2
from flyteidl.core import workflow_pb2 as core_workflow_pb2
from flytekit.models import literals as lit
from flytekit.models.admin.workflow import WorkflowSpec
from flytekit.models.core.workflow import NodeMetadata
from flytekit.models.types import SimpleType
from flytekit.models.launch_plan import LaunchPlan
from flytekit.models.task import TaskSpec

# Workflow inputs are bound as promises of this node (flytekit writes "", Flyte's compiler "start-node").
START_NODES = ("", "start-node")
# What flytepropeller's array handler (pkg/controller/nodes/array/execution_context.go) puts in each
# element's pod: the name of the variable holding the index, and that variable. flytekit's
# pyflyte-map-execute adds BATCH_JOB_ARRAY_INDEX_OFFSET when set; the ArrayNode handler sets none.
ARRAY_INDEX_VAR_NAME = "BATCH_JOB_ARRAY_INDEX_VAR_NAME"
FLYTE_K8S_ARRAY_INDEX = "FLYTE_K8S_ARRAY_INDEX"


class PodError(Exception):
    pass


# --- The package ------------------------------------------------------------------------------


class Package:
    """The entities in a `pyflyte package` archive. Files end in _<ResourceType>.pb: 1 a task,
    2 a workflow, 3 a launch plan; fast*.tar.gz is the code."""

    def __init__(self, archive: Path, into: Path):
        into.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            tar.extractall(into, filter="data")
        self.tasks: dict[str, TaskSpec] = {}
        self.workflows: dict = {}
        # flytekit's ArrayNode model drops bound_inputs and which of the oneofs is set: kept as protobuf.
        self.array_nodes: dict[tuple[str, str], core_workflow_pb2.ArrayNode] = {}
        self.launch_plans: dict[str, LaunchPlan] = {}
        for path in sorted(into.glob("*.pb")):
            data = path.read_bytes()
            kind = path.stem.rsplit("_", 1)[-1]
            if kind == "1":
                spec = TaskSpec.from_flyte_idl(_parse(task_pb2.TaskSpec, data))
                self.tasks[spec.template.id.name] = spec
            elif kind == "2":
                raw = _parse(workflow_pb2.WorkflowSpec, data)
                for template in [raw.template, *raw.sub_workflows]:
                    for node in template.nodes:
                        if node.HasField("array_node"):
                            self.array_nodes[(template.id.name, node.id)] = node.array_node
                spec = WorkflowSpec.from_flyte_idl(raw)
                self.workflows[spec.template.id.name] = spec.template
                for sub in spec.sub_workflows:
                    self.workflows.setdefault(sub.id.name, sub)
            elif kind == "3":
                plan = LaunchPlan.from_flyte_idl(_parse(launch_plan_pb2.LaunchPlan, data))
                self.launch_plans[plan.id.name] = plan
        tarballs = sorted(into.glob("fast*.tar.gz"))
        if len(tarballs) != 1:
            raise PodError(f"expected one fast-registration tarball in the package, found {tarballs}")
        self.code = tarballs[0]


def _parse(message_type, data: bytes):
    message = message_type()
    message.ParseFromString(data)
    return message


# --- Literals -----------------------------------------------------------------------------------


def input_literal(variable_type, value: str, store: Path) -> lit.Literal:
    """A command-line value as the literal of its declared type; a file is first "uploaded"."""
    if variable_type.blob is not None:
        source = Path(value).resolve()
        uploaded = store / "uploads" / source.name
        uploaded.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, uploaded)
        blob = lit.Blob(metadata=lit.BlobMetadata(type=variable_type.blob), uri=str(uploaded))
        return lit.Literal(scalar=lit.Scalar(blob=blob))
    fields = {SimpleType.INTEGER: "integer", SimpleType.FLOAT: "float_value", SimpleType.STRING: "string_value", SimpleType.BOOLEAN: "boolean"}
    if variable_type.simple in fields:
        parsed = json.loads(value) if variable_type.simple != SimpleType.STRING else value
        return lit.Literal(scalar=lit.Scalar(primitive=lit.Primitive(**{fields[variable_type.simple]: parsed})))
    raise PodError(f"cannot give an input of type {variable_type} on the command line")


def plain(literal: lit.Literal):
    """A literal as JSON: primitives as values, files and tables as {"uri": ...}."""
    if literal.collection is not None:
        return [plain(item) for item in literal.collection.literals]
    if literal.map is not None:
        return {key: plain(value) for key, value in literal.map.literals.items()}
    scalar = literal.scalar
    if scalar.primitive is not None:
        return scalar.primitive.value
    if scalar.blob is not None:
        return {"uri": scalar.blob.uri}
    if scalar.structured_dataset is not None:
        return {"uri": scalar.structured_dataset.uri}
    if scalar.binary is not None and scalar.binary.tag == "msgpack":
        import msgpack

        return msgpack.unpackb(scalar.binary.value)
    if scalar.generic is not None:
        from google.protobuf.json_format import MessageToDict

        return MessageToDict(scalar.generic)
    if scalar.none_type is not None:
        return None
    raise PodError(f"no JSON form for the literal {literal}")


def read_literal_map(path: Path) -> dict[str, lit.Literal]:
    return lit.LiteralMap.from_flyte_idl(_parse(literals_pb2.LiteralMap, path.read_bytes())).literals


# --- The execution ------------------------------------------------------------------------------


TEMPLATE = re.compile(r"\{\{\s*\.(\w+)\s*\}\}")


class Execution:
    def __init__(self, package: Package, store: Path, name: str, lost_nodes: set[tuple[str, int]] = frozenset()):
        self.package = package
        self.lost_nodes = lost_nodes  # (task, attempt): the pods whose node is lost under them
        self.store = store
        self.name = name
        self.root = store / name
        self.tasks: list[dict] = []
        self.started = time.monotonic()
        self.lock = threading.Lock()  # the pods of an ArrayNode report from threads
        # flytectl register files uploads the code next to the entities; the tasks point at it.
        self.code = store / "code" / package.code.name
        self.code.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(package.code, self.code)

    def launch(self, launch_plan_name: str, given: dict[str, str]) -> dict[str, lit.Literal]:
        plan = self.package.launch_plans[launch_plan_name]
        inputs: dict[str, lit.Literal] = {}
        for name, parameter in plan.spec.default_inputs.parameters.items():
            if name in given:
                inputs[name] = input_literal(parameter.var.type, given[name], self.store)
            elif parameter.default is not None:
                inputs[name] = parameter.default
            elif parameter.required:
                raise PodError(f"the launch plan {launch_plan_name} requires the input {name}")
        unknown = set(given) - set(plan.spec.default_inputs.parameters)
        if unknown:
            raise PodError(f"the launch plan {launch_plan_name} has no inputs {sorted(unknown)}")
        workflow = self.package.workflows[plan.spec.workflow_id.name]
        return self.run_workflow(workflow, inputs, "")

    def run_workflow(self, workflow, inputs: dict[str, lit.Literal], path: str) -> dict[str, lit.Literal]:
        outputs: dict[str, dict[str, lit.Literal]] = {}
        pending = list(workflow.nodes)
        while pending:
            ready = [node for node in pending if all(dep in outputs for dep in self.dependencies(node))]
            if not ready:
                raise PodError(f"workflow {workflow.id.name}: nodes {[n.id for n in pending]} never become ready")
            for node in ready:
                pending.remove(node)
                node_inputs = {b.var: self.resolve(b.binding, inputs, outputs) for b in node.inputs}
                node_path = f"{path}/{node.id}" if path else node.id
                if node.task_node is not None:
                    task = self.package.tasks[node.task_node.reference_id.name]
                    outputs[node.id] = self.run_task(task, node_inputs, node_path, RetryPolicy.of(node.metadata, task.template))
                elif node.workflow_node is not None and node.workflow_node.sub_workflow_ref is not None:
                    sub = self.package.workflows[node.workflow_node.sub_workflow_ref.name]
                    outputs[node.id] = self.run_workflow(sub, node_inputs, node_path)
                elif (workflow.id.name, node.id) in self.package.array_nodes:
                    array_node = self.package.array_nodes[(workflow.id.name, node.id)]
                    outputs[node.id] = self.run_array_node(array_node, node_inputs, node_path)
                else:
                    raise PodError(f"node {node_path}: only task, sub-workflow and array nodes are emulated")
        return {b.var: self.resolve(b.binding, inputs, outputs) for b in workflow.outputs}

    @staticmethod
    def dependencies(node) -> set[str]:
        found = set(node.upstream_node_ids)

        def walk(data):
            if data.promise is not None and data.promise.node_id not in START_NODES:
                found.add(data.promise.node_id)
            for item in (data.collection.bindings if data.collection is not None else []):
                walk(item)
            for item in (data.map.bindings.values() if data.map is not None else []):
                walk(item)

        for binding in node.inputs:
            walk(binding.binding)
        return found

    def resolve(self, data, inputs, outputs) -> lit.Literal:
        if data.scalar is not None:
            return lit.Literal(scalar=data.scalar)
        if data.collection is not None:
            items = [self.resolve(item, inputs, outputs) for item in data.collection.bindings]
            return lit.Literal(collection=lit.LiteralCollection(items))
        if data.map is not None:
            items = {key: self.resolve(item, inputs, outputs) for key, item in data.map.bindings.items()}
            return lit.Literal(map=lit.LiteralMap(items))
        promise = data.promise
        if promise.attr_path:
            raise PodError(f"binding {promise.node_id}.{promise.var}: attribute paths are not emulated")
        source = inputs if promise.node_id in START_NODES else outputs[promise.node_id]
        return source[promise.var]

    def run_task(self, task: TaskSpec, inputs: dict[str, lit.Literal], node_path: str, policy: "RetryPolicy") -> dict[str, lit.Literal]:
        template = task.template
        node_dir = self.root / node_path
        input_file = write_literal_map(node_dir / "inputs" / "inputs.pb", inputs)
        record = {"node": node_path, "task": template.id.name}
        cached = self.catalog_entry(template, template.interface.to_flyte_idl(), inputs)
        if cached is not None and cached.exists():
            self.report(record, read_literal_map(cached))
            return read_literal_map(cached)

        def folders(attempt: int) -> PodFolders:
            # <node data dir>/<attempt>, as propeller names a node's output dir; raw data and
            # checkpoints per attempt too (ComputeRawOutputPrefix takes the attempt).
            return PodFolders(
                node_dir / "outputs" / str(attempt),
                self.root / "raw" / node_path / str(attempt),
                node_dir / "checkpoint" / str(attempt),
                node_dir / "logs" / f"{attempt}.log",
            )

        outputs = self.run_attempts(template, record, input_file, folders, {}, policy)
        if cached is not None:
            write_literal_map(cached, outputs)
        return outputs

    def run_array_node(self, array_node, inputs: dict[str, lit.Literal], node_path: str) -> dict[str, lit.Literal]:
        """As flytepropeller's array handler: the mapped inputs' length is the number of elements;
        each element's task runs in a pod of its own unless the catalog has it."""
        sub_node = array_node.node
        if not sub_node.HasField("task_node"):
            raise PodError(f"node {node_path}: only ArrayNodes over a task are emulated")
        template = self.package.tasks[sub_node.task_node.reference_id.name].template
        bound = set(array_node.bound_inputs)
        lengths = {name: len(value.collection.literals) for name, value in inputs.items() if name not in bound and value.collection is not None}
        if len(set(lengths.values())) > 1:
            raise PodError(f"node {node_path}: input arrays have different lengths: {lengths}")
        if lengths:
            size = next(iter(lengths.values()))
        elif bound and bound == set(inputs):
            size = 1
        else:
            raise PodError(f"node {node_path}: no input array provided")
        parallelism = array_node.parallelism if array_node.WhichOneof("parallelism_option") else 0
        parallelism = parallelism or size  # unset or 0: every element at once
        criterion = array_node.WhichOneof("success_criteria")
        if criterion == "min_successes":
            min_successes = array_node.min_successes
        elif criterion == "min_success_ratio":
            min_successes = math.ceil(array_node.min_success_ratio * size)
        else:
            min_successes = size

        node_dir = self.root / node_path
        # Every element's pod reads the node's inputs, whole lists and all; the index picks its item.
        input_file = write_literal_map(node_dir / "inputs" / "inputs.pb", inputs)
        # The catalog keys an element with the task's interface as the array handler reads it:
        # each list output becomes one item (arrayTaskReader).
        element_interface = template.interface.to_flyte_idl()
        for variable in element_interface.outputs.variables.values():
            if variable.type.HasField("collection_type"):
                variable.type.CopyFrom(variable.type.collection_type)
        failures: list[PodError] = []
        policy = RetryPolicy.of(array_node.node.metadata, template)

        def element(index: int) -> dict[str, lit.Literal] | None:
            if size - len(failures) < min_successes:
                return None  # the node has failed already: propeller starts no more elements
            item_inputs = {
                name: value if name in bound or value.collection is None else value.collection.literals[index]
                for name, value in inputs.items()
            }
            record = {"node": f"{node_path}/n{index}", "task": template.id.name, "index": index}
            cached = self.catalog_entry(template, element_interface, item_inputs)
            if cached is not None and cached.exists():
                self.report(record, read_literal_map(cached))
                return read_literal_map(cached)

            def folders(attempt: int) -> PodFolders:
                # <node outputs>/<index>/<attempt>, as constructOutputReferences names it
                return PodFolders(
                    node_dir / "outputs" / str(index) / str(attempt),
                    self.root / "raw" / node_path / str(index) / str(attempt),
                    node_dir / "checkpoint" / str(index) / str(attempt),
                    node_dir / "logs" / f"{index}-{attempt}.log",
                )

            env = {ARRAY_INDEX_VAR_NAME: FLYTE_K8S_ARRAY_INDEX, FLYTE_K8S_ARRAY_INDEX: str(index)}
            try:
                # Each element is retried on its own (the handler keeps per-element attempts and
                # system failures), by the sub-node's retry strategy.
                outputs = self.run_attempts(template, record, input_file, folders, env, policy)
            except PodError as error:
                failures.append(error)
                return None
            if cached is not None:
                write_literal_map(cached, outputs)
            return outputs

        reported = len(self.tasks)
        with ThreadPoolExecutor(max_workers=parallelism) as pool:
            results = list(pool.map(element, range(size)))
        self.tasks[reported:] = sorted(self.tasks[reported:], key=lambda record: (record["index"], record.get("attempt", 0)))
        if size - len(failures) < min_successes:
            raise PodError(f"node {node_path}: {len(failures)} of {size} elements failed, {min_successes} must succeed; first:\n{failures[0]}")
        # The gathered lists, in index order; an element that failed (when allowed to) is none.
        none = lit.Literal(scalar=lit.Scalar(none_type=lit.Void()))
        gathered = {
            name: lit.Literal(collection=lit.LiteralCollection([none if result is None else result[name] for result in results]))
            for name in template.interface.outputs
        }
        write_literal_map(node_dir / "outputs" / "outputs.pb", gathered)
        return gathered

    def catalog_entry(self, template, interface, inputs: dict[str, lit.Literal]) -> Path | None:
        """Where the catalog keeps a cacheable task's outputs for these inputs; None if not cacheable."""
        if not template.metadata.discoverable:
            return None
        return self.store / "catalog" / catalog_key(template, interface, inputs) / "outputs.pb"

    def report(self, record: dict, outputs: dict[str, lit.Literal] | None = None, **facts) -> None:
        """A pod's record (or a cache hit's, when no facts say otherwise) in the execution's list."""
        now = round(time.monotonic() - self.started, 2)
        entry = {**record, "cached": True, "seconds": 0, "start": now, "end": now, "log": None, "exit": 0, **facts}
        if outputs is not None:
            entry["outputs"] = {name: plain(value) for name, value in outputs.items()}
        with self.lock:
            self.tasks.append(entry)

    def run_attempts(self, template, record: dict, input_file: Path, folders, extra_env: dict[str, str], policy: "RetryPolicy") -> dict[str, lit.Literal]:
        """A task node's attempts, as flytepropeller's node executor makes them: a failed attempt
        that is recoverable runs again as a new attempt while its budget allows (SYSTEM failures:
        MAX_SYSTEM_RETRIES; others: the task's retries, less the system failures), on a
        non-interruptible node once the system failures reach the threshold; a failure that is not
        recoverable ends the node."""
        attempt = system_failures = 0
        while True:
            interruptible = policy.interruptible and not above_interruptible_threshold(system_failures, MAX_SYSTEM_RETRIES + 1)
            failure = self.run_pod(template, {**record, "attempt": attempt, "interruptible": interruptible}, input_file, folders, extra_env, attempt, policy)
            if isinstance(failure, dict):
                return failure  # the outputs
            where = f"task {template.id.name} (node {record['node']}), attempt {attempt}"
            if not failure.recoverable:
                raise PodError(f"{where} failed, not recoverable ({failure.kind} {failure.code}):\n{failure.message}")
            if failure.kind == "SYSTEM":
                current, most = system_failures, MAX_SYSTEM_RETRIES
                system_failures += 1
            else:
                current, most = attempt + 1 - system_failures, policy.max_attempts
            if current >= most:
                raise PodError(f"{where} failed: RetriesExhausted|{failure.code} [{current}/{most}] ({failure.kind}):\n{failure.message}")
            attempt += 1

    def run_pod(self, template, record: dict, input_file: Path, folders, extra_env: dict[str, str], attempt: int, policy: "RetryPolicy"):
        """One attempt in one container: its outputs, or the Failure propeller would make of it."""
        container = template.container
        if container is None:
            raise PodError(f"task {template.id.name} has no container: only container tasks are emulated")
        folders = folders(attempt)
        for folder in (folders.outputs, folders.raw, folders.checkpoint):
            folder.mkdir(parents=True, exist_ok=True)
            folder.chmod(0o777)  # the pod's user writes here, as a pod's role writes to the bucket
        folders.log.parent.mkdir(parents=True, exist_ok=True)
        previous = folders.checkpoint.parent / str(attempt - 1)
        values = {
            "input": str(input_file),
            "inputprefix": str(input_file.parent),
            "outputprefix": str(folders.outputs),
            "rawoutputdataprefix": str(folders.raw),
            "checkpointoutputprefix": str(folders.checkpoint),
            "prevcheckpointprefix": str(previous) if attempt > 0 else '""',
            "remote_package_path": str(self.code),
        }

        def fill(arg: str) -> str:
            def value(match: re.Match) -> str:
                key = match.group(1).lower()
                if key not in values:
                    raise PodError(f"task {template.id.name}: unknown template {match.group(0)} in its args")
                return values[key]

            return TEMPLATE.sub(value, arg)

        args = [fill(arg) for arg in container.args]
        command = [fill(arg) for arg in container.command]
        env = {
            "FLYTE_INTERNAL_EXECUTION_ID": self.name,
            "FLYTE_INTERNAL_EXECUTION_PROJECT": template.id.project or "project",
            "FLYTE_INTERNAL_EXECUTION_DOMAIN": template.id.domain or "development",
            "FLYTE_INTERNAL_EXECUTION_WORKFLOW": record["node"],
            "FLYTE_INTERNAL_TASK_NAME": template.id.name,
            "FLYTE_INTERNAL_TASK_VERSION": template.id.version or "package",
            "FLYTE_ATTEMPT_NUMBER": str(attempt),
            **extra_env,
            **{pair.key: pair.value for pair in container.env},
        }
        name = f"flyte-pod-{uuid.uuid4().hex[:16]}"
        docker = ["docker", "run", "--name", name, "--network", "none", "--volume", f"{self.store}:{self.store}"]
        docker += resource_flags(container.resources)
        for key, value in env.items():
            docker += ["--env", f"{key}={value}"]
        if command:
            docker += ["--entrypoint", command[0]]
        docker += [container.image, *command[1:], *args]
        lose_node = (template.id.name, attempt) in self.lost_nodes
        started = time.monotonic()
        timed_out = False
        try:
            with folders.log.open("wb") as out:
                process = subprocess.Popen(docker, stdout=out, stderr=subprocess.STDOUT)
                if lose_node:
                    # The node goes away under the running pod: its container is killed (SIGKILL).
                    while process.poll() is None and container_state(name).get("Running") is not True:
                        time.sleep(0.05)
                    subprocess.run(["docker", "kill", "--signal", "KILL", name], capture_output=True, check=False)
                try:
                    # The execution deadline (the node's timeout) is counted from the attempt's start.
                    process.wait(timeout=policy.timeout or None)
                except subprocess.TimeoutExpired:
                    timed_out = True
                    subprocess.run(["docker", "kill", "--signal", "KILL", name], capture_output=True, check=False)
                    process.wait()
            state = container_state(name)
        finally:
            subprocess.run(["docker", "rm", "--force", name], capture_output=True, check=False)
        ended = time.monotonic()
        exit_code = state.get("ExitCode", process.returncode)
        facts = {
            "cached": False,
            "seconds": round(ended - started, 2),
            "start": round(started - self.started, 2),
            "end": round(ended - self.started, 2),
            "log": str(folders.log),
            "exit": exit_code,
            **({"lost_node": True} if lose_node else {}),
        }

        def failed(failure: "Failure") -> "Failure":
            tail = "\n".join(folders.log.read_text(errors="replace").splitlines()[-15:])
            failure.message = f"exit {exit_code}: {failure.message}\n{tail}".rstrip()
            self.report(record, **facts, error={"kind": failure.kind, "code": failure.code, "recoverable": failure.recoverable})
            return failure

        if timed_out:
            return failed(Failure("USER", "TimeoutExpired", True, f"task execution timeout [{policy.timeout}s] expired"))
        if exit_code != 0:
            return failed(pod_failure(state, exit_code))
        error_files = sorted(glob.glob(str(folders.outputs / "error*.pb")))
        if error_files:
            return failed(error_document(Path(error_files[0])))
        outputs_file = folders.outputs / "outputs.pb"
        if not outputs_file.exists():
            if template.interface.outputs:
                return failed(Failure("USER", "OutputsNotFound", True, "Outputs not generated by task execution"))
            self.report(record, **facts)
            return {}
        outputs = read_literal_map(outputs_file)
        self.report(record, outputs, **facts)
        return outputs


# --- Retries, as flytepropeller makes them --------------------------------------------------------

# flytepropeller's node config defaults (pkg/controller/config/config.go): system failures have their
# own budget; the last attempt(s) run on a regular node (interruptible-failure-threshold -1: the last).
MAX_SYSTEM_RETRIES = 3
INTERRUPTIBLE_FAILURE_THRESHOLD = -1
DEFAULT_MAX_ATTEMPTS = 1


def above_interruptible_threshold(failures: int, max_attempts: int, threshold: int = INTERRUPTIBLE_FAILURE_THRESHOLD) -> bool:
    """isAboveInterruptibleFailureThreshold (nodes/node_exec_context.go)."""
    if threshold > 0:
        return failures >= threshold
    return failures >= max_attempts + threshold


class RetryPolicy:
    """What the compiler makes of a node's and its task's metadata (transformers/k8s): attempts
    (the node's retries, else the task's, plus one), the execution deadline (the node's timeout,
    flytekit copies the task's) and whether it runs interruptible (the node's, else the
    execution's: not)."""

    def __init__(self, max_attempts: int, timeout: float, interruptible: bool):
        self.max_attempts, self.timeout, self.interruptible = max_attempts, timeout, interruptible

    @classmethod
    def of(cls, node_metadata, template) -> "RetryPolicy":
        if node_metadata is not None and not isinstance(node_metadata, NodeMetadata):
            node_metadata = NodeMetadata.from_flyte_idl(node_metadata)  # an ArrayNode's sub-node, as protobuf
        retries = node_metadata.retries.retries if node_metadata is not None else 0
        if not retries and template.metadata is not None and template.metadata.retries is not None:
            retries = template.metadata.retries.retries
        timeout = node_metadata.timeout.total_seconds() if node_metadata is not None else 0.0
        interruptible = bool(node_metadata.interruptible) if node_metadata is not None else False
        return cls(retries + 1 if retries else DEFAULT_MAX_ATTEMPTS, timeout, interruptible)


class Failure:
    """A failed attempt as propeller classifies it: its kind (USER or SYSTEM: which budget a retry
    takes), code, and whether it may be retried at all."""

    def __init__(self, kind: str, code: str, recoverable: bool, message: str):
        self.kind, self.code, self.recoverable, self.message = kind, code, recoverable, message


def container_state(name: str) -> dict:
    result = subprocess.run(["docker", "inspect", "--format", "{{json .State}}", name], capture_output=True, text=True, check=False)
    return json.loads(result.stdout) if result.returncode == 0 and result.stdout.strip() else {}


def pod_failure(state: dict, exit_code: int) -> Failure:
    """A failed pod (flytek8s.DemystifyFailure): killed for memory, a user error (OOMKilled); killed
    by SIGKILL (a lost or preempted node), a system error (Interrupted); any other exit, for which
    Kubernetes records no reason, a system error too ("UnknownError" is classed as one). All are
    retryable."""
    if state.get("OOMKilled"):
        return Failure("USER", "OOMKilled", True, "the container was killed for memory")
    if exit_code == 137:
        return Failure("SYSTEM", "Interrupted", True, "the container was killed (SIGKILL)")
    return Failure("SYSTEM", "Interrupted", True, "the pod failed; Kubernetes gave no reason")


def error_document(path: Path) -> Failure:
    """The error.pb flytekit wrote (ioutils errorDoc2ExecutionError): its origin is the kind, and
    only a RECOVERABLE one is retried (FlyteRecoverableException, or an error of flytekit's own;
    any other exception in the task is NON_RECOVERABLE)."""
    document = _parse(errors_pb2.ErrorDocument, path.read_bytes())
    error = document.error
    kind = execution_pb2.ExecutionError.ErrorKind.Name(error.origin)
    recoverable = error.kind == errors_pb2.ContainerError.RECOVERABLE
    message = error.message.strip().splitlines()[-1] if error.message.strip() else ""
    return Failure(kind, error.code, recoverable, message)


class PodFolders:
    """Where a pod writes: its outputs.pb (the output prefix), its raw data, its checkpoint; and its log."""

    def __init__(self, outputs: Path, raw: Path, checkpoint: Path, log: Path):
        self.outputs, self.raw, self.checkpoint, self.log = outputs, raw, checkpoint, log


def write_literal_map(path: Path, literals: dict[str, lit.Literal]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(lit.LiteralMap(literals).to_flyte_idl().SerializeToString())
    return path


def catalog_key(template, interface: interface_pb2.TypedInterface, inputs: dict[str, lit.Literal]) -> str:
    """The task's identity, cache version and interface, and its inputs with every literal that
    carries a hash reduced to that hash (as datacatalog keys an artifact)."""

    def hashed(literal: lit.Literal) -> lit.Literal:
        if literal.hash:
            return lit.Literal(hash=literal.hash)
        if literal.collection is not None:
            return lit.Literal(collection=lit.LiteralCollection([hashed(item) for item in literal.collection.literals]))
        if literal.map is not None:
            return lit.Literal(map=lit.LiteralMap({key: hashed(value) for key, value in literal.map.literals.items()}))
        return literal

    digest = hashlib.sha256()
    digest.update(f"{template.id.name}\0{template.metadata.discovery_version}\0".encode())
    digest.update(interface.SerializeToString(deterministic=True))
    reduced = lit.LiteralMap({name: hashed(value) for name, value in inputs.items()})
    digest.update(reduced.to_flyte_idl().SerializeToString(deterministic=True))
    return digest.hexdigest()


def resource_flags(resources) -> list[str]:
    """docker's --cpus and --memory from the task's limits, else its requests: propeller sets a
    container's limits to its requests when the task gives none."""
    if resources is None:
        return []
    entries = {}
    for entry in list(resources.requests) + list(resources.limits):  # limits win
        entries[entry.name] = entry.value
    flags = []
    from flytekit.models.task import Resources

    if Resources.ResourceName.CPU in entries:
        flags += ["--cpus", str(parse_cpu(entries[Resources.ResourceName.CPU]))]
    if Resources.ResourceName.MEMORY in entries:
        flags += ["--memory", str(parse_bytes(entries[Resources.ResourceName.MEMORY]))]
    return flags


def parse_cpu(value: str) -> float:
    return float(value[:-1]) / 1000 if value.endswith("m") else float(value)


def parse_bytes(value: str) -> int:
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}
    for suffix, factor in units.items():
        if value.endswith(suffix):
            return int(float(value[: -len(suffix)]) * factor)
    return int(value)


# --- What the package holds ----------------------------------------------------------------------

RESOURCE_NAMES = {1: "cpu", 2: "gpu", 3: "memory", 4: "storage", 5: "ephemeral_storage"}


def describe(package: Package) -> dict:
    tasks = {}
    for name, spec in package.tasks.items():
        template = spec.template
        container = template.container
        resources = container.resources if container is not None else None
        extended = template.extended_resources
        tasks[name] = {
            "image": container.image if container is not None else None,
            "args": list(container.args) if container is not None else [],
            "requests": {RESOURCE_NAMES[e.name]: e.value for e in (resources.requests if resources else [])},
            "limits": {RESOURCE_NAMES[e.name]: e.value for e in (resources.limits if resources else [])},
            "accelerator": extended.gpu_accelerator.device if extended is not None and extended.HasField("gpu_accelerator") else None,
        }
    launch_plans = {}
    for name, plan in package.launch_plans.items():
        parameters = plan.spec.default_inputs.parameters
        launch_plans[name] = {
            "defaults": {key: plain(p.default) for key, p in parameters.items() if p.default is not None},
            "required": sorted(key for key, p in parameters.items() if p.default is None),
        }
    workflows = {name: workflow_tasks(package, name) for name in package.workflows}
    return {"tasks": tasks, "launch_plans": launch_plans, "workflows": workflows, "code": package.code.name}


def workflow_tasks(package: Package, name: str) -> dict:
    """The tasks a workflow's nodes run, sub-workflows included (an ArrayNode's task once), and its
    ArrayNodes: the task each maps, its parallelism, success criterion and bound inputs."""
    tasks: list[str] = []
    array_nodes: list[dict] = []
    for node in package.workflows[name].nodes:
        if node.task_node is not None:
            tasks.append(node.task_node.reference_id.name)
        elif node.workflow_node is not None and node.workflow_node.sub_workflow_ref is not None:
            sub = workflow_tasks(package, node.workflow_node.sub_workflow_ref.name)
            tasks += sub["tasks"]
            array_nodes += sub["array_nodes"]
        elif (name, node.id) in package.array_nodes:
            array_node = package.array_nodes[(name, node.id)]
            task = array_node.node.task_node.reference_id.name
            tasks.append(task)
            criterion = array_node.WhichOneof("success_criteria")
            array_nodes.append(
                {
                    "workflow": name,
                    "node": node.id,
                    "task": task,
                    "parallelism": array_node.parallelism if array_node.WhichOneof("parallelism_option") else None,
                    criterion or "min_success_ratio": getattr(array_node, criterion) if criterion else None,
                    "bound_inputs": sorted(array_node.bound_inputs),
                }
            )
    return {"tasks": tasks, "array_nodes": array_nodes}


# --- Local execution, for comparison -----------------------------------------------------------


def run_locally(source: Path, workflow_name: str, given: dict[str, str]) -> dict:
    import importlib

    from flytekit import FlyteContextManager
    from flytekit.core.type_engine import TypeEngine

    sys.path.insert(0, str(source.resolve()))
    module_name, attribute = workflow_name.rsplit(".", 1)
    workflow = getattr(importlib.import_module(module_name), attribute)
    types = workflow.python_interface.inputs
    kwargs = {}
    for name, value in given.items():
        kwargs[name] = value if types[name] not in (int, float, bool) else json.loads(value)
    with contextlib.redirect_stdout(sys.stderr):  # what the tasks print is not the JSON answer
        result = workflow(**kwargs)
    names = list(workflow.python_interface.outputs)
    values = [result] if len(names) == 1 else list(result)
    ctx = FlyteContextManager.current_context()
    outputs = {}
    for name, value in zip(names, values):
        python_type = workflow.python_interface.outputs[name]
        literal = TypeEngine.to_literal(ctx, value, python_type, TypeEngine.to_literal_type(python_type))
        outputs[name] = plain(literal)
    return {"outputs": outputs}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["pods", "local", "inspect"])
    parser.add_argument("--workflow", help="e.g. workflows.full.full")
    parser.add_argument("--input", action="append", default=[], help="NAME=VALUE (a file path, or JSON)")
    parser.add_argument("--package", type=Path)
    parser.add_argument("--store", type=Path)
    parser.add_argument("--execution", default="pod-run")
    parser.add_argument("--source", type=Path, default=Path("src"))
    parser.add_argument(
        "--lose-node",
        action="append",
        default=[],
        metavar="TASK:ATTEMPT",
        help="the node under that attempt of TASK is lost once its pod runs: the container is killed (SIGKILL)",
    )
    arguments = parser.parse_args()
    given = dict(item.split("=", 1) for item in arguments.input)
    try:
        if arguments.mode == "local":
            print(json.dumps(run_locally(arguments.source, arguments.workflow, given)))
            return 0
        if arguments.mode == "inspect":
            with tempfile.TemporaryDirectory() as folder:
                print(json.dumps(describe(Package(arguments.package, Path(folder)))))
            return 0
        store = arguments.store.resolve()
        store.mkdir(parents=True, exist_ok=True)
        store.chmod(0o755)  # the pods' user reads the code and inputs (a temp folder may be 0700)
        package = Package(arguments.package, store / "packages" / arguments.execution)
        lost = {(task, int(attempt)) for task, attempt in (item.rsplit(":", 1) for item in arguments.lose_node)}
        execution = Execution(package, store, arguments.execution, lost)
        started = time.monotonic()
        try:
            outputs = execution.launch(arguments.workflow, given)
        except PodError as error:
            # The pods that ran, and why the execution failed, still as JSON on stdout.
            print(json.dumps({"tasks": execution.tasks, "seconds": round(time.monotonic() - started, 2), "error": str(error)}))
            raise
        print(
            json.dumps(
                {
                    "tasks": execution.tasks,
                    "seconds": round(time.monotonic() - started, 2),
                    "code": str(execution.code),
                    "store": str(store),
                    "outputs": {name: plain(value) for name, value in outputs.items()},
                }
            )
        )
        return 0
    except PodError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
