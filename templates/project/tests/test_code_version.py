"""A task's cache version follows its code and the project code it uses, only."""

from pathlib import Path

import pytest
from flytekit.core.cache import VersionParameters

from tasks import code_version
from tasks.train_model import fit_candidate_task

# A small project of three tasks: one uses a helper, two imports the helpers module.
SOURCES = {
    "tasks/__init__.py": "",
    "tasks/helpers.py": '''"""Helpers."""

SCALE = 2


def double(x):
    """Twice x."""
    return x * SCALE


def other(x):
    return x
''',
    "tasks/one.py": '''from flytekit import Resources

from tasks.helpers import double
from tasks.settings import pipeline_task


@pipeline_task(requests=Resources(cpu="1"))
def one_task(x: int) -> int:
    """One step."""
    return double(x) + 1
''',
    "tasks/two.py": """from tasks import helpers
from tasks.settings import pipeline_task


@pipeline_task
def two_task(x: int) -> int:
    return helpers.other(x)
""",
    "tasks/three.py": """from tasks.settings import pipeline_task


@pipeline_task
def three_task(x: int) -> int:
    return x
""",
}


@pytest.fixture
def source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small project's src/, which code_version reads instead of the real one."""
    for name, text in SOURCES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.setattr(code_version, "SOURCE_ROOT", tmp_path)
    return tmp_path


def versions() -> dict[str, str]:
    for cached in (code_version.definition, code_version.definitions):
        cached.cache_clear()
    code_version.module_tree.cache_clear()
    return {
        task: "".join(
            sorted(code_version.code_used_by(f"tasks.{task}", f"{task}_task"))
        )
        for task in ("one", "two", "three")
    }


def edit(source: Path, name: str, old: str, new: str) -> None:
    path = source / "tasks" / name
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))


def changed_by(source: Path, *edits: tuple[str, str, str]) -> set[str]:
    before = versions()
    for name, old, new in edits:
        edit(source, name, old, new)
    after = versions()
    return {task for task in before if after[task] != before[task]}


def test_editing_a_task_changes_its_version_only(source: Path):
    assert changed_by(source, ("one.py", "double(x) + 1", "double(x) + 2")) == {"one"}


def test_editing_a_helper_changes_the_tasks_that_use_it(source: Path):
    edit_double = ("helpers.py", "return x * SCALE", "return x * SCALE * 1")
    # two imports the whole helpers module, so any change in it counts for two.
    assert changed_by(source, edit_double) == {"one", "two"}
    assert changed_by(source, ("helpers.py", "SCALE = 2", "SCALE = 3")) == {
        "one",
        "two",
    }


def test_docstrings_comments_layout_resources_and_new_files_change_nothing(source):
    assert (
        changed_by(
            source,
            ("one.py", '"""One step."""', '"""The first step."""  # a comment'),
            ("helpers.py", "def double(x):", "def double(\n    x,\n):"),
            ("one.py", 'Resources(cpu="1")', 'Resources(cpu="4", mem="8Gi")'),
            ("three.py", "return x", "return (x)"),
        )
        == set()
    )
    (source / "tasks" / "four.py").write_text("X = 1\n")
    assert changed_by(source) == set()


def test_every_task_of_this_project_has_a_version_from_its_code():
    params = VersionParameters(func=fit_candidate_task.task_function)
    policy = code_version.CodeVersion()
    version = policy.get_version("a-project", params)
    assert version == policy.get_version("a-project", params)
    # The project's name salts it: two projects never share a cache entry.
    assert version != policy.get_version("another-project", params)
    code = code_version.code_used_by("tasks.train_model", "fit_candidate_task")
    # What it calls, in its module and others: the fit and the features' preparation.
    for reached in ("tasks.train_model.fit_setting=", "tasks.features.preprocessor="):
        assert any(part.startswith(reached) for part in code), reached
    # The declarations it reads are code too: editing the candidates misses the cache.
    settings = code_version.code_used_by("tasks.train_model", "candidate_settings_task")
    assert any(part.startswith("candidates.CANDIDATES=") for part in settings)


def test_hashes_are_kept_until_a_source_file_changes(source, tmp_path, monkeypatch):
    monkeypatch.setattr(code_version, "MEMO_DIR", tmp_path / "memo")

    def one_task():  # stands for tasks/one.py's one_task, known by its names
        pass

    def unread(module: str):
        raise AssertionError(f"read {module}")

    one_task.__module__, one_task.__qualname__ = "tasks.one", "one_task"
    first = code_version.code_hash(one_task, "a-project")
    assert first != code_version.code_hash(one_task, "another-project")
    # A later run, sources unchanged: the kept hash, without reading the sources.
    versions()
    read = code_version.definitions
    monkeypatch.setattr(code_version, "definitions", unread)
    assert code_version.code_hash(one_task, "a-project") == first
    # A source file changed, even one the task does not use: read again.
    edit(source, "three.py", "return x", "return x + 0")
    with pytest.raises(AssertionError, match="read tasks.one"):
        code_version.code_hash(one_task, "a-project")
    monkeypatch.setattr(code_version, "definitions", read)
    assert code_version.code_hash(one_task, "a-project") == first
    edit(source, "one.py", "double(x) + 1", "double(x) + 2")
    versions()
    assert code_version.code_hash(one_task, "a-project") != first
