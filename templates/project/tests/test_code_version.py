"""A task's cache version follows its code and the project code it uses, only."""

import shutil
from pathlib import Path

import pytest

from tasks import code_version

SOURCE = Path(__file__).resolve().parent.parent / "src"
TASKS = {
    "process_raw_data": "process_raw_data_task",
    "generate_model_input": "generate_model_input_task",
    "train_model": "train_model_task",
    "generate_model_output": "generate_model_output_task",
    "evaluate": "evaluate_task",
    "reporting": "reporting_task",
}


@pytest.fixture
def source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of src/ that code_version reads instead of the real one."""
    copy = tmp_path / "src"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(code_version, "SOURCE_ROOT", copy)
    return copy


def versions() -> dict[str, str]:
    for cached in (code_version.definition, code_version.definitions):
        cached.cache_clear()
    code_version.module_tree.cache_clear()
    return {
        step: "".join(sorted(code_version.code_used_by(f"tasks.{step}", task)))
        for step, task in TASKS.items()
    }


def edit(source: Path, module: str, old: str, new: str) -> None:
    path = source / "tasks" / f"{module}.py"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def changed(before: dict[str, str]) -> set[str]:
    after = versions()
    return {step for step in TASKS if after[step] != before[step]}


def test_editing_a_task_changes_its_version_only(source: Path):
    before = versions()
    edit(source, "evaluate", "samples=len(predictions)", "samples=len(predictions) + 0")
    assert changed(before) == {"evaluate"}


def test_editing_a_helper_changes_the_version_of_each_task_using_it(source: Path):
    before = versions()
    edit(source, "train_model", "max_iter=1000", "max_iter=2000")
    assert changed(before) == {"train_model"}
    before = versions()
    edit(source, "train_model", ".drop(columns=[TARGET_COLUMN])", ".drop(columns=[])")
    # split_features is used by train_model and, through predict, generate_model_output.
    assert changed(before) == {"train_model", "generate_model_output"}


def test_editing_a_constant_changes_the_tasks_that_read_it(source: Path):
    before = versions()
    edit(source, "process_raw_data", 'POSITIVE_LABEL = "M"', 'POSITIVE_LABEL = "B"')
    assert changed(before) == {"process_raw_data", "reporting"}


def test_docstrings_comments_layout_and_resources_change_nothing(source: Path):
    before = versions()
    edit(source, "train_model", '"""Return the best model', '"""Return the model')
    edit(
        source,
        "evaluate",
        "\ndef compute_metrics(",
        "\n# A comment.\ndef compute_metrics(",
    )
    edit(source, "reporting", "enable_deck=True,", "enable_deck=True,  # the report")
    edit(source, "settings", 'mem="1Gi"', 'mem="2Gi"')
    (source / "workflows" / "another.py").write_text("X = 1\n")
    assert changed(before) == set()


def test_the_salt_keeps_projects_apart():
    from flytekit.core.cache import VersionParameters

    from tasks.train_model import train_model_task

    params = VersionParameters(func=train_model_task.task_function)
    policy = code_version.CodeVersion()
    assert policy.get_version("one-project", params) != policy.get_version(
        "another-project", params
    )
    assert policy.get_version("one-project", params) == policy.get_version(
        "one-project", params
    )
