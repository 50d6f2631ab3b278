"""The remote loop, run for real up to FlyteAdmin: a generated project (pipenv, then uv) is built by
`make build` from its Dockerfile as generated, pushed by `make push REGISTRY=<local registry>`,
packaged by `make package`, and every task of `full` runs from that package inside the pushed image,
one container per task, the way flytepropeller runs a pod (flyte_pod.py: args from the serialised
task, templates filled, inputs as literal maps, outputs fed along the workflow's bindings, no
network, the image's own user). Then a code-only change: no build, a new version, and the pod runs
the new code. FlyteAdmin itself (register, launch) is not here; the README says so.

One image per variant is built (cold: dependencies from PyPI) and shared by the tests of the module.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from engine import docker
from generated import SAMPLE, Project, insert_into_function

VARIANTS = {"pipenv": (), "uv": ("--dependency-manager", "uv")}
FULL = "workflows.full.full"
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


def test_every_task_of_full_runs_in_its_image_and_matches_a_local_run(variant: Variant, package: dict, first_run: dict) -> None:
    ran = [task["task"] for task in first_run["tasks"]]
    assert sorted(ran) == sorted(package["tasks"]), "each task of full ran once, in its own container"
    assert all(task["exit"] == 0 for task in first_run["tasks"])
    # The last task's report: a file the pod wrote, as the image's user, into the blob store.
    last = first_run["tasks"][-1]
    reports = [Path(uri) for uri in uris(last["outputs"])]
    assert reports, f"{last['task']} returned no file"
    for report in reports:
        assert report.stat().st_size > 0
        assert report.stat().st_uid == 10001
    # Same data, same locked dependencies: the same metrics as a local run.
    local = variant.project.local(raw_data=SAMPLE)
    pod_values, local_values = values(first_run["outputs"]), values(local["outputs"])
    assert [name for name in pod_values if name.startswith("metrics.")], f"no metrics among {pod_values}"
    assert pod_values.keys() == local_values.keys()
    assert pod_values == pytest.approx(local_values, rel=1e-9)


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
        assert values(run["outputs"]) == pytest.approx(values(first_run["outputs"]), rel=1e-9)
        # The pod ran in the image built before the change: the same id, made at the same time.
        assert docker("image", "inspect", "--format", "{{.Id}} {{.Created}}", variant.image).stdout.strip() == before["image"]
    finally:
        source.write_text(original)
