"""Production settings as the package holds them: `make package` of a project generated with
`--data s3://... --schedule CRON --interruptible` serialises the scheduled launch plan (its cron
expression, the declared data as its fixed input) and, in every task's metadata, the retries,
timeout and interruptible of src/tasks/settings.py; without --schedule there is no scheduled plan
and tasks are not interruptible. The .pb files are read with flyteidl, as FlyteAdmin reads them.
Both projects share the session's installed virtualenv (no install); `make package` needs no
Docker. Running a task that fails and is retried is test/container's (test_remote_loop.py)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from local_project import Project, new_project

DATA = "s3://bucket/churn.csv"
SCHEDULE = "0 3 * * 1"
SCHEDULED_PLAN = "workflows.full.full_scheduled"
# settings.py's RETRIES and TIMEOUT (timedelta(hours=2)).
RETRIES = 2
TIMEOUT_SECONDS = 7200

# Run with the project's Python (it has flyteidl): every task's metadata, every launch plan's
# schedule and fixed inputs, from the package's .pb files (_1 a task, _3 a launch plan).
READ_PACKAGE = """
import json, sys, tarfile, tempfile
from pathlib import Path
from flyteidl.admin import launch_plan_pb2, task_pb2
from google.protobuf.json_format import MessageToDict

found = {"tasks": {}, "launch_plans": {}}
with tempfile.TemporaryDirectory() as folder:
    with tarfile.open(sys.argv[1]) as tar:
        tar.extractall(folder, filter="data")
    for path in sorted(Path(folder).glob("*.pb")):
        kind = path.stem.rsplit("_", 1)[-1]
        if kind == "1":
            spec = task_pb2.TaskSpec()
            spec.ParseFromString(path.read_bytes())
            metadata = spec.template.metadata
            found["tasks"][spec.template.id.name] = {
                "retries": metadata.retries.retries,
                "timeout": metadata.timeout.ToTimedelta().total_seconds() if metadata.HasField("timeout") else None,
                "interruptible": metadata.interruptible,
            }
        elif kind == "3":
            plan = launch_plan_pb2.LaunchPlan()
            plan.ParseFromString(path.read_bytes())
            schedule = plan.spec.entity_metadata.schedule
            found["launch_plans"][plan.id.name] = {
                "workflow": plan.spec.workflow_id.name,
                "cron": schedule.cron_schedule.schedule if schedule.HasField("cron_schedule") else None,
                "fixed_inputs": {
                    name: MessageToDict(literal) for name, literal in plan.spec.fixed_inputs.literals.items()
                },
            }
print(json.dumps(found))
"""


def make(project: Project, *args: str) -> str:
    result = subprocess.run(["make", *args], cwd=project.path, env=project.env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"make {' '.join(args)}: exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def packaged(project: Project) -> dict:
    make(project, "package")
    return json.loads(project.python("-c", READ_PACKAGE, str(project.path / "dist" / "flyte-package.tgz")).stdout)


@pytest.fixture(scope="module")
def scheduled(project: Project, workspace: Path) -> Project:
    flags = ["--data", DATA, "--target", "churned", "--schedule", SCHEDULE, "--interruptible"]
    return new_project(project, workspace / "scheduled", "Churn Model", *flags)


@pytest.fixture(scope="module")
def unscheduled(project: Project, workspace: Path) -> Project:
    return new_project(project, workspace / "unscheduled", "Churn Model", "--data", DATA, "--target", "churned")


def test_the_package_holds_the_scheduled_launch_plan_on_the_declared_data(scheduled: Project) -> None:
    plans = packaged(scheduled)["launch_plans"]
    plan = plans[SCHEDULED_PLAN]
    assert plan["workflow"] == "workflows.full.full"
    assert plan["cron"] == SCHEDULE
    assert plan["fixed_inputs"]["raw_data"]["scalar"]["blob"]["uri"] == DATA
    # The other launch plans (full's default one among them) are not scheduled.
    assert [name for name, other in plans.items() if other["cron"]] == [SCHEDULED_PLAN]
    assert "workflows.full.full" in plans


def test_every_task_carries_its_retries_timeout_and_interruptible(scheduled: Project, unscheduled: Project) -> None:
    tasks = packaged(scheduled)["tasks"]
    assert len(tasks) >= 9, sorted(tasks)
    expected = {"retries": RETRIES, "timeout": TIMEOUT_SECONDS, "interruptible": True}
    assert {name: metadata for name, metadata in tasks.items() if metadata != expected} == {}
    # Without --interruptible: the same retries and timeout, on regular nodes.
    tasks = packaged(unscheduled)["tasks"]
    expected = {**expected, "interruptible": False}
    assert {name: metadata for name, metadata in tasks.items() if metadata != expected} == {}


def test_without_a_schedule_no_launch_plan_is_scheduled(unscheduled: Project) -> None:
    plans = packaged(unscheduled)["launch_plans"]
    assert SCHEDULED_PLAN not in plans
    assert [name for name, plan in plans.items() if plan["cron"]] == []
    [line] = [line for line in make(unscheduled, "info").splitlines() if line.startswith("schedule ")]
    assert line.split()[1] == "none", line
    switch = subprocess.run(["make", "-n", "schedule-on"], cwd=unscheduled.path, env=unscheduled.env, capture_output=True, text=True)
    assert switch.returncode != 0, "no schedule-on target without a schedule"


def test_make_info_shows_the_schedule_and_make_switches_it_with_flytectl(scheduled: Project) -> None:
    info = make(scheduled, "info")
    [line] = [line for line in info.splitlines() if line.startswith("schedule ")]
    assert SCHEDULE in line and SCHEDULED_PLAN in line
    for target, flag in (("schedule-on", "--activate"), ("schedule-off", "--deactivate")):
        [command] = [line for line in make(scheduled, "-n", target).splitlines() if line.startswith("flytectl ")]
        assert f"update launchplan --project churn-model --domain development {SCHEDULED_PLAN} --version" in command, command
        assert command.endswith(flag), command
