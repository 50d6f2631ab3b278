"""The remote loop: what the image tag and the version depend on, and the plan."""

import re
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from flytekit.types.file import FlyteFile

from scripts import remote
from workflows.full import full
from workflows.train_model import train_model

PROJECT = Path(__file__).resolve().parent.parent
# What the project's Dockerfile copies besides src/: the dependency files and the lock.
IMAGE_INPUTS = remote.dockerfile_sources((PROJECT / "Dockerfile").read_text())


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the image's inputs and of src/, outside any git repository."""
    shutil.copy(PROJECT / "Dockerfile", tmp_path / "Dockerfile")
    for name in IMAGE_INPUTS:
        source = PROJECT / name
        # The lock is absent until the first install: any content stands in for it.
        (tmp_path / name).write_bytes(source.read_bytes() if source.exists() else b"{}")
    shutil.copytree(PROJECT / "src", tmp_path / "src")
    return tmp_path


def test_dockerfile_sources_skip_fast_registered_code():
    dockerfile = (
        "FROM python:3.11-slim\n"
        "COPY Pipfile Pipfile.lock /tmp/deps/\n"
        'COPY ["requirements extra.txt", "/opt/"]\n'
        "ADD --chown=1000:1000 config/ \\\n    /etc/app/\n"
        "COPY --from=builder /wheels /wheels\n"
        "COPY --chown=1000:1000 src/ ./\n"
    )
    assert remote.dockerfile_sources(dockerfile) == [
        "Pipfile",
        "Pipfile.lock",
        "requirements extra.txt",
        "config/",
    ]


def test_image_tag_is_stable_and_ignores_code(project: Path):
    tag = remote.image_tag(project)
    assert len(tag) == 16 and tag == remote.image_tag(project)
    (project / "src" / "tasks" / "evaluate.py").write_text("# edited\n")
    assert remote.image_tag(project) == tag


def test_the_image_inputs_are_the_dependency_files():
    assert sorted(IMAGE_INPUTS) in (
        ["Pipfile", "Pipfile.lock"],
        ["pyproject.toml", "uv.lock"],
    )


@pytest.mark.parametrize("name", ["Dockerfile", *IMAGE_INPUTS])
def test_image_tag_follows_each_image_input(project: Path, name: str):
    tag = remote.image_tag(project)
    with (project / name).open("a") as file:
        file.write("\n# changed\n")
    assert remote.image_tag(project) != tag


def test_image_tag_needs_the_lock_file(project: Path):
    lock = IMAGE_INPUTS[-1]
    (project / lock).unlink()
    with pytest.raises(remote.RemoteError, match=lock):
        remote.image_tag(project)


def test_the_image_holds_no_code_and_prepares_the_code_dir_for_its_user():
    dockerfile = (PROJECT / "Dockerfile").read_text()
    code = remote.code_dir(PROJECT)
    # pyflyte-fast-execute appends the code dir to the END of PYTHONPATH: code baked
    # into the image, or an image PYTHONPATH, would shadow the registered code.
    assert "PYTHONPATH" not in dockerfile
    assert not re.search(r"^\s*(COPY|ADD)\s.*\bsrc\b", dockerfile, re.M | re.I)
    assert f"install --directory --owner 10001 --group 10001 {code}" in dockerfile
    assert dockerfile.rstrip().endswith(f"WORKDIR {code}\nUSER 10001:10001")


def test_code_dir_is_the_last_absolute_workdir(tmp_path: Path):
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.11-slim\nWORKDIR /build\nWORKDIR \\\n  /srv/code\nUSER 1\n"
    )
    assert remote.code_dir(tmp_path) == "/srv/code"
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\nWORKDIR app\n")
    with pytest.raises(remote.RemoteError, match="WORKDIR"):
        remote.code_dir(tmp_path)


def test_version_outside_git_follows_the_code(project: Path):
    first = remote.version(project)
    assert first.startswith("dev-")
    (project / "src" / "tasks" / "evaluate.py").write_text("# edited\n")
    assert remote.version(project) != first


def test_parse_inputs():
    assert remote.parse_inputs(["--seed", "7", "--test-size", "0.3"]) == {
        "seed": "7",
        "test_size": "0.3",
    }
    with pytest.raises(remote.RemoteError):
        remote.parse_inputs(["--seed"])


def test_launch_inputs_take_the_workflow_types_files_included():
    files = full.python_interface.inputs, train_model.python_interface.inputs
    raw = remote.typed_input("raw_data", "data/01_raw/churn.csv", files[0])
    train = remote.typed_input("train", "s3://bucket/train.parquet", files[1])
    assert isinstance(raw, FlyteFile) and isinstance(train, FlyteFile)
    assert (raw.path, train.path) == (
        "data/01_raw/churn.csv",
        "s3://bucket/train.parquet",
    )
    assert remote.typed_input("seed", "7", files[0]) == 7
    assert remote.typed_input("test_size", "0.3", files[0]) == 0.3
    with pytest.raises(remote.RemoteError, match="no input regularizations"):
        remote.typed_input("regularizations", "[0.5]", files[1])


def test_the_declared_raw_data_is_launched(declare, monkeypatch, tmp_path: Path):
    monkeypatch.setattr(remote, "PROJECT_DIR", tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))  # it adds src/ to the path
    declare("binary", raw_data="s3://bucket/raw/churn.csv")
    assert remote.declared_raw_data() == "s3://bucket/raw/churn.csv"
    declare("binary", raw_data="data/01_raw/churn.csv")
    with pytest.raises(remote.RemoteError) as raised:
        remote.declared_raw_data()
    assert "data/01_raw/churn.csv (raw_data in src/dataset.py) does not exist" in str(
        raised.value
    )
    (tmp_path / "data" / "01_raw").mkdir(parents=True)
    (tmp_path / "data" / "01_raw" / "churn.csv").write_text("id,churned\n")
    assert remote.declared_raw_data() == "data/01_raw/churn.csv"


def test_plan_skips_build_and_push_when_ecr_has_the_tag(monkeypatch):
    monkeypatch.setattr(remote, "local_image_exists", lambda image: False)
    settings = remote.Settings(
        "123456789012", "us-east-1", "repo", "proj", "development", "cfg.yaml"
    )
    plan = dict(tag="0123456789abcdef", this_version="abc123")
    present = remote.make_plan(settings, "full", {}, in_ecr=True, **plan)
    assert [(step.name, step.run) for step in present.steps] == [
        ("build", False),
        ("push", False),
        ("register", True),
        ("launch", True),
    ]
    missing = remote.make_plan(settings, "full", {}, in_ecr=False, **plan)
    assert missing.steps[0].command[:2] == ["docker", "build"]
    assert missing.steps[1].command == ["docker", "push", missing.image]
    assert missing.image.startswith(
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:"
    )


def test_the_ecr_registry_is_under_the_partitions_domain():
    def registry(region: str) -> str:
        return remote.Settings("123456789012", region, "r", "p", "d", "c").registry

    assert registry("eu-west-1") == "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
    assert registry("cn-north-1") == "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn"


def test_plan_registers_the_code_into_the_image_code_dir(monkeypatch):
    monkeypatch.setattr(remote, "local_image_exists", lambda image: False)
    settings = remote.Settings(
        "123456789012", "us-east-1", "repo", "proj", "development", "cfg.yaml"
    )
    plan = remote.make_plan(
        settings, "full", {}, in_ecr=True, tag="0123456789abcdef", this_version="v1"
    )
    register = plan.steps[2].command
    destination = register[register.index("--destination-dir") + 1]
    assert destination == remote.code_dir(PROJECT) != "/root"


def test_another_registry_skips_ecr_and_always_pushes(monkeypatch):
    monkeypatch.setattr(remote, "local_image_exists", lambda image: True)
    settings = remote.Settings(
        "123456789012", "us-east-1", "repo", "proj", "dev", "cfg.yaml", "host:5000"
    )
    assert not settings.is_ecr
    plan = remote.make_plan(
        settings, "full", {}, in_ecr=True, tag="0123456789abcdef", this_version="v1"
    )
    assert plan.image == "host:5000/repo:0123456789abcdef"
    assert [(step.name, step.run) for step in plan.steps[:2]] == [
        ("build", False),
        ("push", True),
    ]
    assert plan.steps[1].command == ["docker", "push", plan.image]


def test_a_task_killed_for_memory_on_flyte_is_named_with_the_fix():
    def attempt(name: str, message: str = "") -> SimpleNamespace:
        error = SimpleNamespace(message=message) if message else None
        task_id = SimpleNamespace(name=name)
        return SimpleNamespace(
            id=SimpleNamespace(task_id=task_id), closure=closure(error)
        )

    def closure(error) -> SimpleNamespace:
        return SimpleNamespace(error=error)

    def node(*attempts, subworkflow=None) -> SimpleNamespace:
        return SimpleNamespace(
            task_executions=list(attempts),
            subworkflow_node_executions=subworkflow or {},
        )

    oom = (
        "[1/1] currentAttempt done. Last Error: USER::Pod failed.\n"
        "[f6a-n0-0] terminated with exit code (137). Reason [OOMKilled]. Message:\n."
    )
    inner = {"n0": node(attempt("tasks.process_raw_data.process_raw_data_task", oom))}
    execution = SimpleNamespace(
        closure=closure(SimpleNamespace(message=oom)),
        node_executions={"n0": node(subworkflow=inner), "n1": node(attempt("other"))},
    )
    assert "OOMKilled" in remote.error_message(execution)
    error, fix = remote.killed_for_memory(execution).splitlines()
    assert error == (
        "error: the task tasks.process_raw_data.process_raw_data_task was killed"
        " for memory on Flyte (OOMKilled)"
    )
    assert "requests=Resources(mem=...) in src/tasks/settings.py (MEMORY)" in fix
    execution.node_executions = {}
    assert remote.killed_for_memory(execution).startswith("error: a task was killed")
