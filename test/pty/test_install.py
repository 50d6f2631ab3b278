"""How people get the command: `yo flyte-pipeline` from the packed tarball as a user who is not
root, the bin on a Node that is too old, and the README's own command after its set-up command.
Before f958267, `yo flyte-pipeline` in a terminal failed like `flyte-pipeline new` did."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from terminal import BIN, ROOT, InstalledUser, Terminal, files_under, stored_answers

SYSTEM_NODE = "/usr/bin/node"


def _node_version(node: str) -> tuple[int, int]:
    major, minor, _ = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout.strip().lstrip("v").split(".")
    return int(major), int(minor)


@pytest.mark.skipif(not os.path.exists(SYSTEM_NODE) or _node_version(SYSTEM_NODE) >= (22, 18), reason="needs the machine's old Node")
def test_an_old_node_gets_one_line_naming_the_version_and_how_to_get_it(tmp_path: Path) -> None:
    term = Terminal(SYSTEM_NODE, [str(BIN), "new", "Churn Model"], tmp_path)
    assert term.finish() == 1
    lines = [line for line in term.text().splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert ">= 22.18" in lines[0] and "nvm install 22" in lines[0], lines[0]
    assert f"this is Node.js {'.'.join(map(str, _node_version(SYSTEM_NODE)))}" in lines[0]
    assert list(tmp_path.iterdir()) == []


# The questions after the name, in order (shared/questions.ts).
QUESTIONS_AFTER_NAME = ["Description", "Training data", "Target column", "Problem type", "Positive class", "Columns to leave out", "Author", "Author email", "Python version", "AWS account id", "AWS region",
                        "ECR repository name", "Flyte project id", "Flyte domain", "Flyte admin endpoint",
                        "Dependency manager", "Formatter and linter", "Train on a GPU", "GitHub Actions CI", "pre-commit hooks",
                        "Retraining schedule", "interruptible (spot) nodes"]



def test_yo_flyte_pipeline_as_a_user_from_the_packed_tarball(installed_user: InstalledUser, users_folder: Path) -> None:
    work = users_folder
    command = installed_user.command("yo", "flyte-pipeline", "Churn Model!!", "--skip-install")
    term = Terminal(command[0], command[1:], work)
    for question in QUESTIONS_AFTER_NAME:  # Enter at each: the defaults
        term.answer(question, "")
    term.expect("Done\\.")
    assert term.finish() == 0, term.text()
    assert "Churn Model!! -> folder ./churn-model/" in term.text()
    project = work / "churn-model"
    assert stored_answers(project)["ecrRepository"] == "churn-model"
    assert {"Makefile", "Pipfile", "run", "src/workflows/full.py"} <= files_under(project).keys()
    assert (project / "Makefile").stat().st_uid == installed_user.uid


def test_ctrl_c_under_yo_is_one_line_and_writes_nothing(installed_user: InstalledUser, users_folder: Path) -> None:
    command = installed_user.command("yo", "flyte-pipeline", "--skip-install")
    term = Terminal(command[0], command[1:], users_folder)
    term.answer("Project name", "Churn Model")
    term.child.expect_exact("Description")
    term.interrupt()
    assert term.finish() == 130, term.text()
    after = term.text()[term.text().rindex("Description"):]
    assert [line for line in after.splitlines()[1:] if line.strip()] == ["Cancelled: nothing was written."], after
    assert list(users_folder.iterdir()) == []


def _readme_block(heading: str) -> list[str]:
    """The lines of the first ```bash block under a README heading."""
    section = (ROOT / "README.md").read_text().split(f"\n## {heading}\n", 1)[1]
    return section.split("```bash\n", 1)[1].split("```", 1)[0].splitlines()


# A fresh machine's PATH: no .ci/.tools on it, so `node` is the machine's own (20 here).
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def test_the_readme_command_works_from_any_folder_after_the_readme_set_up(tmp_path: Path) -> None:
    """After `bash .ci/setup` (which `.ci/run` runs first), the README's main command, typed exactly
    as written, in a folder outside the clone, with the machine's own PATH and Node."""
    assert any(line.startswith("bash .ci/setup") for line in _readme_block("Set up and test (fresh machine)"))
    command = _readme_block("Generate a project")[0]
    assert command.startswith('flyte-pipeline new "Churn Model"'), command
    launcher = shutil.which("flyte-pipeline", path=f"{SYSTEM_PATH}:{Path.home() / '.local' / 'bin'}")
    assert launcher and str(ROOT) in Path(launcher).read_text(), "no flyte-pipeline launcher for this clone on PATH: run bash .ci/setup"
    # The install it runs is a STAND-IN that records its call: installs are tested for real in jest's e2e suite.
    stand_in = tmp_path / "stand-in-bin"
    stand_in.mkdir()
    (stand_in / "pipenv").write_text('#!/bin/sh\necho "$PWD $*" >> "$PIPENV_CALLS"\n')
    (stand_in / "pipenv").chmod(0o755)
    elsewhere = tmp_path / "somewhere" / "else"
    elsewhere.mkdir(parents=True)
    calls = tmp_path / "pipenv-calls"
    env = {"HOME": str(Path.home()), "PATH": f"{stand_in}:{SYSTEM_PATH}:{Path.home() / '.local' / 'bin'}",
           "TERM": "xterm-256color", "LANG": "C.UTF-8", "PIPENV_CALLS": str(calls)}
    term = Terminal("bash", ["-c", command], elsewhere, env=env)
    for question in QUESTIONS_AFTER_NAME:
        term.answer(question, "")
    term.expect("Done\\.")
    assert term.finish() == 0, term.text()
    project = elsewhere / "churn-model"
    assert {"Makefile", "Pipfile", "run"} <= files_under(project).keys()
    assert calls.read_text() == f"{project} install --dev\n"
