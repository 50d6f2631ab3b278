"""The remote loop, run for real up to FlyteAdmin: a generated project (pipenv, then uv) is built by
`make build` from its Dockerfile as generated, pushed by `make push REGISTRY=<local registry>`,
packaged by `make package`, and every task of `full` runs from that package inside the pushed image,
one container per task, the way flytepropeller runs a pod (flyte_pod.py: args from the serialised
task, templates filled, inputs as literal maps, outputs fed along the workflow's bindings, no
network, the image's own user); the candidate search, an ArrayNode, as one pod per setting, each
cached on its own. Then a code-only change: no build, a new version, and the pod runs the new code;
a candidate added: one more pod; and tables of each problem type the sample is not. Retries: one
task made to fail on purpose (a lost node, recoverable and plain exceptions) is run again, or not,
as flytepropeller decides. FlyteAdmin itself (register, launch) is not here; the README says so.

One image per variant is built (cold: dependencies from PyPI) and shared by the tests of the module.
Tests of the pipeline rather than of the image (the added candidate, the other tables) run on one
variant: the images differ only in how the same locked dependencies were installed.
"""

from __future__ import annotations

import filecmp
import json
import re
import shutil
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from engine import docker
from generated import PACKAGE, SAMPLE, Project, insert_into_function, insert_into_list

VARIANTS = {"pipenv": (), "uv": ("--dependency-manager", "uv")}
ONE_VARIANT = "pipenv"
FULL = "workflows.full.full"
SAMPLE_PROBLEM = "binary"
# A row a user adds to the classifiers of src/candidates.py: one more setting to fit.
NEW_CANDIDATE = 'Candidate("extra_trees", "sklearn.ensemble.ExtraTreesClassifier", {"n_estimators": [50], "random_state": [0]})'
# What a pod may read a launch plan default from: a blob store or the web, never a local path.
REMOTE_URI = re.compile(r"^(s3|gs|abfs|abfss|https?)://")


@dataclass
class Variant:
    name: str
    project: Project
    registry: str
    image: str
    build_output: str
    build_seconds: float
    runs: dict = field(default_factory=dict)


@pytest.fixture(scope="module", params=list(VARIANTS))
def variant(request: pytest.FixtureRequest, container_engine: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Variant]:
    """A project generated and installed through the bin, its image built by `make build`."""
    project = Project.generate(tmp_path_factory.mktemp(request.param), *VARIANTS[request.param])
    image = project.variable("IMAGE", REGISTRY=container_engine)
    # A cold build, even if an earlier session built this tag (the same lock file gives the same tag).
    docker("rmi", "--force", image, check=False)
    started = time.monotonic()
    build = project.make("build", REGISTRY=container_engine, timeout=1800)
    seconds = time.monotonic() - started
    yield Variant(request.param, project, container_engine, image, build.stdout, seconds)
    docker("rmi", "--force", image, check=False)


@pytest.fixture(scope="module")
def package(variant: Variant) -> dict:
    """`make package` with the registry's image: what the package holds (flyte_pod.py inspect)."""
    variant.project.make("package", REGISTRY=variant.registry)
    return variant.project.inspect()


@pytest.fixture(scope="module")
def first_run(variant: Variant, package: dict, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Every task of full from the package, each in a container of the image, on the bundled sample."""
    return variant.project.pods(tmp_path_factory.mktemp(f"store-{variant.name}"), raw_data=SAMPLE)


def image_config(image: str) -> dict:
    return json.loads(docker("image", "inspect", "--format", "{{json .Config}}", image).stdout)


def in_image(image: str, *command: str) -> str:
    return docker("run", "--rm", "--network", "none", image, *command).stdout.strip()


def values(outputs: dict) -> dict:
    """The outputs that are values, flattened (metrics.accuracy: 0.97), JSON files read as
    values; other files and tables are left out."""
    flat: dict = {}

    def add(name: str, value) -> None:
        if isinstance(value, dict) and "uri" in value:
            if value["uri"].endswith(".json"):
                add(name, json.loads(Path(value["uri"]).read_text()))
        elif isinstance(value, dict):
            for key, item in value.items():
                add(f"{name}.{key}", item)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                add(f"{name}[{index}]", item)
        else:
            flat[name] = value

    for name, value in outputs.items():
        add(name, value)
    return flat


# Not compared between two runs: how long a fit took, and the predictions file's content hash (the
# pod's and the local BLAS round the last bit of a probability apart; the metrics agree to 1e-9).
UNCOMPARED = re.compile(r"(^|\.)(seconds|fit_seconds|fingerprint)$")


def comparable(outputs: dict) -> tuple[dict, dict]:
    """The values two runs on the same data must share: the numbers (compared to 1e-9), and the
    rest (model names, parameters as text, the problem type; compared exactly)."""
    kept = {name: value for name, value in values(outputs).items() if not UNCOMPARED.search(name)}
    numbers = {name: value for name, value in kept.items() if isinstance(value, (int, float)) and not isinstance(value, bool)}
    return numbers, {name: value for name, value in kept.items() if name not in numbers}


def assert_same_results(outputs: dict, others: dict) -> None:
    numbers, rest = comparable(outputs)
    other_numbers, other_rest = comparable(others)
    assert rest == other_rest
    assert numbers.keys() == other_numbers.keys()
    assert numbers == pytest.approx(other_numbers, rel=1e-9)


def uris(tree) -> list[str]:
    if isinstance(tree, dict):
        return [tree["uri"]] if "uri" in tree else [u for value in tree.values() for u in uris(value)]
    if isinstance(tree, list):
        return [u for value in tree for u in uris(value)]
    return []


def test_make_build_builds_the_generated_dockerfile(variant: Variant) -> None:
    assert f"docker build --platform linux/amd64 --tag {variant.image} ." in variant.build_output
    assert f"Successfully tagged {variant.image}" in variant.build_output
    config = image_config(variant.image)
    code_dir = variant.project.variable("CODE_DIR")
    # The pod's user, and the folder fast registration unpacks into, which that user owns.
    assert config["User"] == "10001:10001"
    assert config["WorkingDir"] == code_dir == "/home/flyte/app"
    assert in_image(variant.image, "stat", "--format", "%u:%g", code_dir) == "10001:10001"
    # No code in the image, and no PYTHONPATH ahead of the registered code.
    assert not [env for env in config["Env"] if env.startswith("PYTHONPATH=")]
    probe = "import importlib.util as u; print(u.find_spec('tasks'), u.find_spec('workflows'))"
    assert in_image(variant.image, "python", "-c", probe) == "None None"
    assert in_image(variant.image, "ls", "-A", code_dir) == ""


def test_make_push_sends_the_image_to_another_registry_without_ecr(variant: Variant) -> None:
    # No AWS settings in this environment: an ECR call would fail the target.
    result = variant.project.make("push", REGISTRY=variant.registry)
    assert f"docker push {variant.image}" in result.stdout
    repository, tag = variant.image.split("/", 1)[1].rsplit(":", 1)
    with urllib.request.urlopen(f"http://{variant.registry}/v2/{repository}/tags/list", timeout=10) as answer:
        assert tag in json.load(answer)["tags"]
    request = urllib.request.Request(
        f"http://{variant.registry}/v2/{repository}/manifests/{tag}",
        headers={"Accept": "application/vnd.docker.distribution.manifest.v2+json"},
        method="HEAD",
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        digest = answer.headers["Docker-Content-Digest"]
    # What the registry serves is the image built: a pull by digest gives the same image.
    local_id = docker("image", "inspect", "--format", "{{.Id}}", variant.image).stdout.strip()
    docker("pull", f"{variant.registry}/{repository}@{digest}", timeout=600)
    pulled_id = docker("image", "inspect", "--format", "{{.Id}}", f"{variant.registry}/{repository}@{digest}").stdout.strip()
    assert pulled_id == local_id


def test_make_package_points_every_task_at_the_image_and_its_code_dir(variant: Variant, package: dict) -> None:
    code_dir = image_config(variant.image)["WorkingDir"]
    assert package["tasks"]
    for name, task in package["tasks"].items():
        args = task["args"]
        assert task["image"] == variant.image, name
        assert args[:2] == ["pyflyte-fast-execute", "--additional-distribution"], name
        assert args[args.index("--dest-dir") + 1] == code_dir, name


def test_launch_plan_defaults_hold_no_path_of_the_packaging_machine(package: dict) -> None:
    for name, plan in package["launch_plans"].items():
        absolute = [uri for uri in uris(plan["defaults"]) if uri.startswith("/") or uri.startswith("file:")]
        assert absolute == [], f"{name} defaults to files of this machine: {absolute}"
    # full's only file input, the raw data, reaches the cluster as an upload at launch
    # (./run --remote) or an s3:// URI, not as a default.
    full = package["launch_plans"][FULL]
    assert [uri for uri in uris(full["defaults"]) if not REMOTE_URI.match(uri)] == []
    assert "raw_data" in full["required"]


def test_no_launch_plan_defaults_to_a_project_file(package: dict) -> None:
    # A local run reads each workflow's LOCAL_INPUTS from data/ (scripts/run_local.py); the
    # launch plans hold no such path, which would mean nothing on Flyte.
    local = {name: [u for u in uris(plan["defaults"]) if not REMOTE_URI.match(u)] for name, plan in package["launch_plans"].items()}
    assert {name: paths for name, paths in local.items() if paths} == {}


def mapped_tasks(package: dict) -> set[str]:
    return {array_node["task"] for array_node in package["workflows"][FULL]["array_nodes"]}


def check_report(run: dict) -> None:
    """The report and model card: files a pod wrote, as the image's user, into the blob store."""
    files = [Path(run["outputs"][name]["uri"]) for name in ("report", "model_card")]
    for file in files:
        assert file.stat().st_size > 0, file
        assert file.stat().st_uid == 10001, file
    writers = [task["task"] for task in run["tasks"] if str(files[0]) in uris(task.get("outputs", {}))]
    assert writers and not writers[0].endswith("-arraynode"), f"no pod wrote {files[0]}"


def metrics_of(run: dict) -> dict:
    return json.loads(Path(run["outputs"]["metrics"]["uri"]).read_text())


def test_every_task_of_full_runs_in_its_image_and_matches_a_local_run(variant: Variant, package: dict, first_run: dict) -> None:
    ran = Counter(task["task"] for task in first_run["tasks"])
    expected = package["workflows"][FULL]["tasks"]
    assert sorted(ran) == sorted(expected), "every task of full ran, in containers of its own"
    assert {name: ran[name] for name in expected if name not in mapped_tasks(package)} == dict.fromkeys(
        set(expected) - mapped_tasks(package), 1
    ), "each task not mapped ran once"
    assert all(task["exit"] == 0 and not task["cached"] for task in first_run["tasks"])
    check_report(first_run)
    # Same data, same locked dependencies: the same model, parameters and metrics as a local run.
    local = variant.project.local(raw_data=SAMPLE)
    numbers, rest = comparable(first_run["outputs"])
    assert [name for name in numbers if name.startswith("metrics.metrics.")], f"no metrics among {numbers}"
    assert rest["metrics.model"] and rest["metrics.problem_type"] == SAMPLE_PROBLEM
    assert_same_results(first_run["outputs"], local["outputs"])


def test_the_search_runs_one_pod_per_candidate_setting_from_the_packaged_arraynode(
    variant: Variant, package: dict, first_run: dict
) -> None:
    # The package holds the search as an ArrayNode over fit_candidate_task, train and test bound
    # (the partial's), at most CONCURRENCY pods at once.
    table = variant.project.candidate_table()
    [array_node] = package["workflows"][FULL]["array_nodes"]
    assert array_node["task"].startswith("tasks.train_model.map_fit_candidate_task_")
    assert array_node["bound_inputs"] == ["test", "train"]
    assert array_node["parallelism"] == table["concurrency"]
    assert array_node["min_success_ratio"] == 1.0
    # One pod per setting of the default table for the sample's problem type, each told its index,
    # each fitting the setting at that index of candidate_settings_task's list.
    settings = table["settings"][SAMPLE_PROBLEM]
    assert len(settings) == 7, "the default classifiers: 3 logistic regressions, 2 boosted, 2 forests"
    listed = next(task for task in first_run["tasks"] if task["task"].endswith(".candidate_settings_task"))["outputs"]["o0"]
    assert [(s["model"], json.loads(s["params"])) for s in listed] == [(s["model"], s["params"]) for s in settings]
    fits = [task for task in first_run["tasks"] if task["task"] == array_node["task"]]
    assert [fit["index"] for fit in fits] == list(range(len(settings)))
    for fit in fits:
        fitted = fit["outputs"]["o0"]
        assert (fitted["model"], json.loads(fitted["params"])) == (settings[fit["index"]]["model"], settings[fit["index"]]["params"])
    assert len({fit["log"] for fit in fits}) == len(settings)
    # Up to the node's parallelism at once, and more than one.
    overlap = max(sum(other["start"] <= fit["start"] < other["end"] for other in fits) for fit in fits)
    assert 1 < overlap <= table["concurrency"]
    # select_model_task received the gathered list: every setting is on the leaderboard.
    assert len(metrics_of(first_run)["candidates"]) == len(settings)


def test_a_code_only_change_builds_nothing_and_reaches_the_pod(variant: Variant, package: dict, first_run: dict) -> None:
    project = variant.project
    before = {
        "tag": project.variable("IMAGE", REGISTRY=variant.registry),
        "version": project.variable("VERSION"),
        "image": docker("image", "inspect", "--format", "{{.Id}} {{.Created}}", variant.image).stdout.strip(),
    }
    # The last task's function changes: it now says so when a pod runs it.
    last = first_run["tasks"][-1]
    args = package["tasks"][last["task"]]["args"]
    module, function = args[args.index("task-module") + 1], args[args.index("task-name") + 1]
    source = project.path / "src" / (module.replace(".", "/") + ".py")
    marker = f"code change {uuid.uuid4().hex[:12]}"
    original = source.read_text()
    insert_into_function(source, function, f'print("{marker}")')
    try:
        build = project.make("build", REGISTRY=variant.registry)
        assert f"build: skipped, {before['tag']} is already built" in build.stdout
        assert "docker build" not in build.stdout
        assert project.variable("IMAGE", REGISTRY=variant.registry) == before["tag"]
        changed_version = project.variable("VERSION")
        assert changed_version != before["version"] and changed_version.startswith(before["version"])

        project.make("package", REGISTRY=variant.registry)
        assert project.inspect()["code"] != package["code"], "the package carries the new code"
        # A second execution next to the first, as on a cluster whose cache holds the first one.
        run = project.pods(Path(first_run["store"]), execution="changed", raw_data=SAMPLE)
        changed = next(task for task in run["tasks"] if task["task"] == last["task"])
        assert not changed["cached"], "the changed task misses the cache"
        assert marker in Path(changed["log"]).read_text()
        assert marker not in Path(last["log"]).read_text()
        # Nothing else changed, so nothing else ran: the earlier outputs were served from the cache.
        assert [task["task"] for task in run["tasks"] if not task["cached"]] == [last["task"]]
        assert_same_results(run["outputs"], first_run["outputs"])
        # The pod ran in the image built before the change: the same id, made at the same time.
        assert docker("image", "inspect", "--format", "{{.Id}} {{.Created}}", variant.image).stdout.strip() == before["image"]
    finally:
        source.write_text(original)


def test_a_candidate_added_runs_one_fit_pod_the_others_come_from_the_cache(variant: Variant, package: dict, first_run: dict) -> None:
    if variant.name != ONE_VARIANT:
        pytest.skip(f"a test of the pipeline, run on the {ONE_VARIANT} variant")
    project = variant.project
    source = project.path / "src" / "candidates.py"
    original = source.read_text()
    insert_into_list(source, "CLASSIFIERS", NEW_CANDIDATE)
    try:
        settings = project.candidate_table()["settings"][SAMPLE_PROBLEM]
        assert settings[-1]["model"] == "extra_trees"
        project.make("package", REGISTRY=variant.registry)
        # A second execution beside the first: each setting already fitted is served from the cache
        # by its own inputs; only the new one runs.
        run = project.pods(Path(first_run["store"]), execution="candidate-added", raw_data=SAMPLE)
        [task] = mapped_tasks(package)
        fits = [fit for fit in run["tasks"] if fit["task"] == task]
        assert [fit["index"] for fit in fits] == list(range(len(settings)))
        ran = [fit for fit in fits if not fit["cached"]]
        assert [fit["index"] for fit in ran] == [len(settings) - 1], "one fit pod, for the new setting"
        assert ran[0]["outputs"]["o0"]["model"] == "extra_trees"
        cached = {fit["index"]: fit["outputs"] for fit in fits if fit["cached"]}
        first = {fit["index"]: fit["outputs"] for fit in first_run["tasks"] if fit["task"] == task}
        assert cached == first, "the others are the first execution's outputs"
        assert len(metrics_of(run)["candidates"]) == len(settings)
    finally:
        source.write_text(original)


def test_full_runs_as_pods_on_a_table_of_each_problem_type(
    variant: Variant, package: dict, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """churn.csv (binary, text labels, gaps, an id and a date), wine.parquet (multiclass),
    diabetes.csv (regression): each declared by `flyte-pipeline new --data FILE --target COL`,
    packaged, and run as pods, the three executions at once."""
    if variant.name != ONE_VARIANT:
        pytest.skip(f"a test of the pipeline, run on the {ONE_VARIANT} variant")
    project = variant.project
    tables = project.write_tables(tmp_path_factory.mktemp("tables"))
    source = project.path / "src"
    original = tmp_path_factory.mktemp("src") / "src"
    shutil.copytree(source, original, ignore=shutil.ignore_patterns("__pycache__"))
    copied: list[Path] = []
    packages: dict[str, Path] = {}
    try:
        for name, table in tables.items():
            # The generator declares the table (its problem type, positive class and columns left
            # out inferred from the file, the tasks' memory from its size) and copies it into
            # data/01_raw/. Generated with the same answers, it builds the same image, so its code
            # is packaged by the shared project (installed, its image built) with the file.
            new = Project.generate(tmp_path_factory.mktemp(f"new-{name}"), "--data", table["path"], "--target", table["target"], "--skip-install")
            assert same_image_inputs(new.path, project.path)
            raw = Path("data/01_raw") / Path(table["path"]).name
            shutil.copyfile(new.path / raw, project.path / raw)
            copied.append(project.path / raw)
            shutil.rmtree(source)
            shutil.copytree(new.path / "src", source)
            project.make("package", REGISTRY=variant.registry)
            packages[name] = project.path / "dist" / f"{name}.tgz"
            shutil.move(project.path / PACKAGE, packages[name])
            table["raw"] = str(raw)
        store = tmp_path_factory.mktemp("store-tables")

        def execute(name: str) -> dict:
            return project.pods(store, execution=name, package=str(packages[name]), raw_data=tables[name]["raw"])

        with ThreadPoolExecutor(len(tables)) as pool:
            runs = dict(zip(tables, pool.map(execute, tables)))
    finally:
        shutil.rmtree(source)
        shutil.copytree(original, source)
        for path in [*copied, *packages.values()]:
            path.unlink(missing_ok=True)

    table_of_settings = project.candidate_table()["settings"]
    [task] = mapped_tasks(package)
    for name, run in runs.items():
        metrics = metrics_of(run)
        assert metrics["problem_type"] == tables[name]["problem_type"], name
        assert metrics["target"] == tables[name]["target"], name
        check_report(run)
        fits = [fit for fit in run["tasks"] if fit["task"] == task]
        assert len(fits) == len(table_of_settings[metrics["problem_type"]]) and not any(fit["cached"] for fit in fits), name
        # The model beats the dummy baseline on the metric that chose it.
        metric = metrics["selection_metric"]
        model, baseline = metrics["metrics"][metric], metrics["baseline"][metric]
        assert (model < baseline) if metrics["lower_is_better"] else (model > baseline), f"{name}: {metric} {model} vs {baseline}"
        assert all(gate["passed"] for gate in metrics["gates"]), name
    assert "customer_id" in metrics_of(runs["churn"])["data"]["leave_out"]


def same_image_inputs(one: Path, other: Path) -> bool:
    """Whether two projects' images are made of the same files: the Dockerfile and the dependency
    declarations (the lock file is the installed project's; the other was generated without
    installing)."""
    names = ["Dockerfile", "Pipfile", "pyproject.toml"]
    return all(filecmp.cmp(one / name, other / name, shallow=False) for name in names if (other / name).exists())


# --- Retries: tasks that survive the cluster -----------------------------------------------------

PROCESS = "workflows.process_raw_data.process_raw_data"
PROCESS_TASK = "tasks.process_raw_data.process_raw_data_task"
# Failures the test adds to the project's code, chosen by the execution's name (flyte_pod.py sets
# FLYTE_INTERNAL_EXECUTION_ID, as propeller does) and the attempt (FLYTE_ATTEMPT_NUMBER).
FAILURE_INJECTION = '''"""Failures injected by test/container/test_remote_loop.py."""
import os

from flytekit.exceptions.user import FlyteRecoverableException


def inject() -> None:
    execution = os.environ.get("FLYTE_INTERNAL_EXECUTION_ID", "")
    attempt = int(os.environ.get("FLYTE_ATTEMPT_NUMBER", "0"))
    print(f"failure_injection: execution {execution}, attempt {attempt}", flush=True)
    if execution == "recoverable-once" and attempt == 0 or execution == "recoverable-always":
        raise FlyteRecoverableException(f"a recoverable failure on attempt {attempt}")
    if execution == "not-recoverable":
        raise ValueError(f"a plain exception on attempt {attempt}")
'''
# Execution name -> the attempts of process_raw_data_task whose node is lost (SIGKILL).
FAILURE_SCENARIOS = {
    "lost-node": (0,),
    "recoverable-once": (),
    "recoverable-always": (),
    "not-recoverable": (),
    "lost-nodes": (0, 1, 2),
    "lost-nodes-always": (0, 1, 2, 3),
}


@pytest.fixture(scope="module")
def failure_runs(variant: Variant, package: dict, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """process_raw_data (one task) from a package of the project with failures injected into its
    task and INTERRUPTIBLE = True, run as pods once per scenario, each in a store of its own (no
    cache shared), all at once. The project's files (and package, if any) are restored after
    packaging."""
    if variant.name != ONE_VARIANT:
        pytest.skip(f"a test of the pipeline, run on the {ONE_VARIANT} variant")
    project = variant.project
    source = project.path / "src" / "tasks" / "process_raw_data.py"
    settings = project.path / "src" / "tasks" / "settings.py"
    injection = project.path / "src" / "failure_injection.py"
    packaged = project.path / PACKAGE
    kept = tmp_path_factory.mktemp("kept")
    originals = {path: path.read_text() for path in (source, settings)}
    had_package = packaged.exists()  # an earlier test may have moved it away
    if had_package:
        shutil.copyfile(packaged, kept / "package.tgz")
    failing = kept / "failing.tgz"
    try:
        injection.write_text(FAILURE_INJECTION)
        # Imported at the module's top, so `--copy auto` packages it (it copies the modules loaded).
        anchor = "from tasks.settings import pipeline_task\n"
        assert anchor in originals[source] and "INTERRUPTIBLE = False\n" in originals[settings]
        source.write_text(originals[source].replace(anchor, anchor + "import failure_injection\n"))
        insert_into_function(source, "process_raw_data_task", "failure_injection.inject()")
        settings.write_text(originals[settings].replace("INTERRUPTIBLE = False\n", "INTERRUPTIBLE = True\n"))
        project.make("package", REGISTRY=variant.registry)
        shutil.move(packaged, failing)
    finally:
        for path, text in originals.items():
            path.write_text(text)
        injection.unlink(missing_ok=True)
        if had_package:
            shutil.copyfile(kept / "package.tgz", packaged)
        else:
            packaged.unlink(missing_ok=True)

    def execute(name: str) -> dict:
        lost = tuple(f"{PROCESS_TASK}:{attempt}" for attempt in FAILURE_SCENARIOS[name])
        store = tmp_path_factory.mktemp(f"store-{name}")
        return project.pods(store, execution=name, workflow=PROCESS, package=str(failing), lose_nodes=lost, check=False, raw_data=SAMPLE)

    with ThreadPoolExecutor(len(FAILURE_SCENARIOS)) as pool:
        return dict(zip(FAILURE_SCENARIOS, pool.map(execute, FAILURE_SCENARIOS)))


def attempts(run: dict) -> list[dict]:
    pods = [pod for pod in run["tasks"] if pod["task"] == PROCESS_TASK]
    assert [pod["attempt"] for pod in pods] == list(range(len(pods))), "attempts numbered from 0, in order"
    assert len({pod["log"] for pod in pods}) == len(pods), "each attempt a pod of its own"
    return pods


def check_succeeded(run: dict, pods: list[dict]) -> None:
    """The last attempt succeeded, told its number, writing under <node outputs>/<attempt>; the
    workflow's output is its output."""
    assert "error" not in run, run.get("error")
    last = pods[-1]
    assert last["exit"] == 0 and "error" not in last
    assert f"attempt {last['attempt']}" in Path(last["log"]).read_text()
    primary = Path(run["outputs"]["o0"]["uri"])
    assert primary.stat().st_size > 0
    assert run["outputs"] == last["outputs"]
    written = sorted(path.parent.name for path in Path(run["store"]).glob("*/n0/outputs/*/outputs.pb"))
    assert written == [str(last["attempt"])], "outputs.pb only under the successful attempt's output prefix"


def test_a_task_whose_node_is_lost_runs_again_and_succeeds(failure_runs: dict[str, dict]) -> None:
    run = failure_runs["lost-node"]
    first, second = attempts(run)
    # The cluster lost the node under the first pod: killed (SIGKILL), a system error, retried.
    assert first["lost_node"] and first["exit"] == 137
    assert first["error"] == {"kind": "SYSTEM", "code": "Interrupted", "recoverable": True}
    check_succeeded(run, [first, second])
    # Both on interruptible (spot) nodes: one system failure is under the threshold.
    assert [first["interruptible"], second["interruptible"]] == [True, True]


def test_a_recoverable_error_is_retried_and_the_retry_succeeds(failure_runs: dict[str, dict]) -> None:
    run = failure_runs["recoverable-once"]
    first, second = attempts(run)
    # flytekit wrote error.pb: a FlyteRecoverableException, a user error that may be retried.
    assert first["exit"] == 0 and first["error"] == {"kind": "USER", "code": "USER:Recoverable", "recoverable": True}
    assert "attempt 0" in Path(first["log"]).read_text()
    check_succeeded(run, [first, second])


def test_a_recoverable_error_is_retried_as_many_times_as_the_task_says(failure_runs: dict[str, dict]) -> None:
    run = failure_runs["recoverable-always"]
    pods = attempts(run)
    # RETRIES = 2 (src/tasks/settings.py): three attempts, then the node fails.
    assert len(pods) == 3 and all(pod["error"]["recoverable"] and pod["error"]["kind"] == "USER" for pod in pods)
    assert "RetriesExhausted" in run["error"] and "outputs" not in run


def test_a_plain_exception_is_not_retried(failure_runs: dict[str, dict]) -> None:
    run = failure_runs["not-recoverable"]
    [only] = attempts(run)
    assert only["error"]["kind"] == "USER" and only["error"]["recoverable"] is False
    assert "not recoverable" in run["error"] and "ValueError" in run["error"]
    assert "outputs" not in run


def test_system_failures_have_a_budget_of_their_own_the_last_attempt_on_a_regular_node(failure_runs: dict[str, dict]) -> None:
    # Three lost nodes (more than RETRIES = 2: system failures are not counted against them); the
    # fourth attempt, past the interruptible failure threshold, runs on a regular node and succeeds.
    run = failure_runs["lost-nodes"]
    pods = attempts(run)
    assert [pod.get("lost_node", False) for pod in pods] == [True, True, True, False]
    assert [pod["interruptible"] for pod in pods] == [True, True, True, False]
    check_succeeded(run, pods)
    # A fourth lost node exhausts the budget (max-node-retries-system-failures = 3).
    run = failure_runs["lost-nodes-always"]
    pods = attempts(run)
    assert len(pods) == 4 and all(pod["error"]["kind"] == "SYSTEM" for pod in pods)
    assert "RetriesExhausted" in run["error"]
