"""`flyte-pipeline new` in a terminal: the interview as a person answers it (wrong answers
refused at the prompt with the rule, then corrected), `--defaults`, and Ctrl-C at each stage.

Before f958267 every one of these failed: the generator's `ask` getter ran as a yeoman task
when stdin was a terminal (`Cannot read properties of undefined (reading 'boolean')` after the
last question, `The "text" argument must be of type string` with --defaults), writing nothing.
"""

from __future__ import annotations

import os
import re
import stat
import time
from pathlib import Path

import pytest
from terminal import Terminal, files_under, generate, stored_answers, tool_env

# The line printed before anything is written: the slug, and the names made from it.
SLUG_LINE = "Churn Model!! -> folder ./churn-model/, Flyte project churn-model, ECR repository churn-model"
NO_STACK = re.compile(r"^\s+at .+:\d+", re.M)


def test_interview_refuses_wrong_answers_then_writes_the_project(tmp_path: Path) -> None:
    (tmp_path / "fraud").mkdir()
    (tmp_path / "fraud" / "notes.txt").write_text("someone's work")
    rows = [f"{1000 + i},{'north' if i % 3 else ''},{i * 1.5},{'yes' if i % 4 == 0 else 'no'}" for i in range(40)]
    (tmp_path / "churn.csv").write_text("\n".join(["customer_id,region,spend,churned", *rows]) + "\n")
    term = Terminal.bin(["new", "--skip-install"], tmp_path)
    term.answer("Project name", "Fraud")
    term.refused(r"fraud/ exists and is not empty", "Fraud", "???")
    term.refused(r"(letter|digit)", "???", "Churn Model!!")
    # The slug is shown as soon as the name is known, before the questions that default to it.
    term.expect(r"folder \./churn-model/")
    term.answer("Description", "Predicts which customers leave")
    term.answer("Training data", "nope.csv")
    term.refused(r"does not exist", "nope.csv", "churn.csv")
    term.answer("Target column", "")  # the last column: churned
    term.select("Problem type", down=3)  # regression, of a yes/no target: said, and asked again
    term.expect(r"> --problem-type regression needs a numeric target")
    term.select("Problem type", down=0)  # auto
    term.answer("Positive class", "Yes")
    term.refused(r"not a value of", "Yes", "")  # inferred: yes
    term.answer("Columns to leave out", "")  # the id-like column
    term.answer("Author", "Ada Lovelace")
    term.answer("Author email", "ada")
    term.refused(r"email", "ada", "ada@example.com")
    term.select("Python version", down=1)  # 3.11 -> 3.12
    term.answer("AWS account id", "42")
    account_rule = term.refused(r"12 digits", "42", "2109-8765-4321")  # as the console shows it
    term.answer("AWS region", "Ireland")
    region_rule = term.refused(r"it looks like eu-west-1 \(Ireland\)", "Ireland", "EU-WEST-1")
    term.answer("ECR repository name", "")  # the slug
    term.answer("Flyte project id", "")  # the slug
    term.select("Flyte domain", down=1)  # development -> staging
    term.answer("Flyte admin endpoint", "dns:///flyte.example.com:443")
    term.select("Dependency manager", down=1)  # pipenv -> uv
    term.select("Formatter and linter", down=0)  # black-flake8
    term.answer("Train on a GPU", "y")
    term.answer("GitHub Actions CI", "n")
    term.answer("pre-commit hooks", "")  # default: yes
    term.answer("Retraining schedule", "@daily")
    term.refused(r"--schedule needs the training data as an s3:// URI", "@daily", "")  # none
    term.answer("interruptible (spot) nodes", "y")
    term.expect("Done.")
    assert term.finish() == 0, term.text()

    text = term.text()
    assert "42" in account_rule and "Ireland" in region_rule
    # Shown before the first file is written: the names, and what was inferred from the data.
    assert text.index(SLUG_LINE) < text.index("create churn-model/")
    inferred = 'data: churn.csv, 40 rows: target "churned" binary (positive "yes": 25.0 %), 1 numeric, 1 categorical, 1 left out (customer_id: id-like), tasks request 1Gi'
    assert text.index(inferred) < text.index("create churn-model/")
    project = tmp_path / "churn-model"
    assert stored_answers(project) | {"generatorVersion": None} == {
        "generatorVersion": None,
        "projectName": "Churn Model!!",
        "description": "Predicts which customers leave",
        "data": "data/01_raw/churn.csv",
        "target": "churned",
        "problemType": "binary",
        "positiveClass": "yes",
        "leaveOut": "customer_id",
        "author": "Ada Lovelace",
        "email": "ada@example.com",
        "pythonVersion": "3.12",
        "awsAccountId": "210987654321",
        "awsRegion": "eu-west-1",
        "ecrRepository": "churn-model",
        "flyteProject": "churn-model",
        "flyteDomain": "staging",
        "flyteEndpoint": "dns:///flyte.example.com:443",
        "dependencyManager": "uv",
        "linter": "black-flake8",
        "gpu": True,
        "ci": False,
        "preCommit": True,
        "schedule": "",
        "interruptible": True,
        "memory": "1Gi",
    }
    written = files_under(project)
    assert {"Makefile", "run", "pyproject.toml", "src/workflows/full.py", ".pre-commit-config.yaml"} <= written.keys()
    assert ".github/workflows/ci.yml" not in written and "Pipfile" not in written
    assert os.stat(project / "run").st_mode & stat.S_IXUSR
    assert "uv sync" in text  # the end message names the install it skipped


def test_a_taken_folder_named_on_the_command_line_is_refused_before_the_first_question(tmp_path: Path) -> None:
    (tmp_path / "fraud-detector").mkdir()
    (tmp_path / "fraud-detector" / "notes.txt").write_text("someone's work")
    before = files_under(tmp_path)
    term = Terminal.bin(["new", "Fraud Detector", "--skip-install"], tmp_path)
    assert term.finish(timeout=20) == 1, term.text()
    lines = [line for line in term.text().splitlines() if line.strip()]
    assert lines == [
        "error: ./fraud-detector/ exists and is not empty",
        "  fix: choose another project name, remove that folder, or pass --force to write into it",
    ], lines
    assert "Description" not in term.text()  # nothing asked
    assert files_under(tmp_path) == before


def test_defaults_in_a_terminal(tmp_path: Path) -> None:
    term = Terminal.bin(["new", "Churn Model!!", "--defaults", "--skip-install"], tmp_path)
    assert term.finish() == 0, term.text()
    text = term.text()
    assert text.index(SLUG_LINE) < text.index("create churn-model/")
    assert "cd churn-model" in text
    assert stored_answers(tmp_path / "churn-model")["flyteProject"] == "churn-model"
    assert (tmp_path / "churn-model" / "src" / "workflows" / "full.py").is_file()


@pytest.mark.parametrize("question", ["Project name", "AWS region"])
def test_ctrl_c_in_the_interview_writes_nothing(tmp_path: Path, question: str) -> None:
    term = Terminal.bin(["new", "--skip-install"], tmp_path)
    data = [("Training data", ""), ("Target column", ""), ("Problem type", ""), ("Positive class", ""), ("Columns to leave out", "")]
    for asked, typed in [("Project name", "Churn Model"), ("Description", ""), *data, ("Author", ""), ("Author email", "")]:
        if asked == question:
            break
        term.answer(asked, typed)
    if question == "AWS region":
        term.select("Python version", down=0)
        term.answer("AWS account id", "")
    term.child.expect_exact(question)
    term.interrupt()
    assert term.finish() == 130, term.text()
    after = term.text()[term.text().rindex(question):]
    # One short line after the prompt, no stack trace, nothing on disk.
    assert [line for line in after.splitlines()[1:] if line.strip()] == ["Cancelled: nothing was written."], after
    assert not NO_STACK.search(term.text())
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def slow_pipenv(tmp_path: Path) -> dict[str, str]:
    """A STAND-IN pipenv that says it started and then takes its time, as a real install does."""
    folder = tmp_path / "stand-in-bin"
    folder.mkdir()
    pipenv = folder / "pipenv"
    pipenv.write_text('#!/bin/sh\necho "stand-in pipenv: installing"\nexec sleep 60\n')
    pipenv.chmod(0o755)
    env = tool_env()
    env["PATH"] = f"{folder}{os.pathsep}{env['PATH']}"
    return env


def test_ctrl_c_during_the_install_says_the_folder_is_written_and_how_to_finish(tmp_path: Path, slow_pipenv: dict[str, str]) -> None:
    work = tmp_path / "work"
    work.mkdir()
    term = Terminal.bin(["new", "Churn Model!!", "--defaults"], work, env=slow_pipenv)
    term.expect("stand-in pipenv: installing")
    term.interrupt()
    assert term.finish() == 130, term.text()
    last = [line for line in term.text().splitlines() if line.strip()][-1]
    assert last == (
        "Interrupted during the install: ./churn-model/ is written, but its Python environment is not complete; "
        "finish it with: cd churn-model && pipenv install --dev"
    )
    assert {"Makefile", "Pipfile", ".yo-rc.json"} <= files_under(work / "churn-model").keys()


def test_ctrl_c_while_writing_states_what_is_on_disk(tmp_path: Path, slow_pipenv: dict[str, str]) -> None:
    """Ctrl-C right after the slug line lands just before the files are written or while or after,
    depending on the machine's speed. Whichever it is, the one line must say what is on disk."""
    (tmp_path / "reference").mkdir()
    reference = files_under(generate(tmp_path / "reference", "Churn Model!!"))
    outcomes = []
    for attempt, delay in enumerate([0.0, 0.03, 0.06]):
        work = tmp_path / f"attempt-{attempt}"
        work.mkdir()
        term = Terminal.bin(["new", "Churn Model!!", "--defaults"], work, env=slow_pipenv)
        term.expect(re.escape(SLUG_LINE))
        time.sleep(delay)
        term.interrupt()
        assert term.finish() == 130, term.text()
        line = [line for line in term.text().splitlines() if line.strip()][-1]
        project = work / "churn-model"
        on_disk = files_under(project) if project.exists() else {}
        whole = all(on_disk.get(path) == contents for path, contents in reference.items())
        if line == "Interrupted: nothing was written (./churn-model/ was not created).":
            assert not project.exists()
        elif line.startswith("Interrupted while writing: ./churn-model/ is incomplete, not usable; delete it"):
            assert project.exists() and not whole
        elif re.match(r"Interrupted( during the install)?: \./churn-model/ is written", line):
            assert whole
        else:
            pytest.fail(f"unexpected report: {line!r}\n{term.text()}")
        outcomes.append(line)
    print("Ctrl-C after the slug line, at +0, +30, +60 ms:", *outcomes, sep="\n  ")
