"""The `flyte-pipeline` command as npm installs it from the packed tarball, for a user who is not
root: it runs from its bundle (dist/bin/bundle, issue 13), whose chunks must find nothing of the
sources or of a dev install; dependencies are laid out by npm, not as in this clone."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from terminal import ROOT, InstalledUser, files_under, generate, stored_answers



def _run(user: InstalledUser, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(user.command("flyte-pipeline", *args), cwd=cwd, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)


def test_the_installed_bin_answers_version_and_help(installed_user: InstalledUser, users_folder: Path) -> None:
    version = _run(installed_user, users_folder, "--version")
    assert (version.returncode, version.stdout.strip(), version.stderr) == (0, json.loads((ROOT / "package.json").read_text())["version"], "")
    help_text = _run(installed_user, users_folder, "init", "--help")
    assert help_text.returncode == 0 and "--expire-untagged-days" in help_text.stdout, help_text.stderr


def test_the_installed_bin_generates_what_the_clone_generates(installed_user: InstalledUser, users_folder: Path, tmp_path: Path) -> None:
    result = _run(installed_user, users_folder, "new", "Churn Model", "--defaults", "--skip-install", "--author", "A", "--email", "a@example.com")
    assert result.returncode == 0, result.stdout + result.stderr
    # Nothing but yeoman's own lines: no error, no warning from Node (e.g. about its compile cache).
    assert not re.search(r"^(error|warning|\(node)", result.stderr, re.M | re.I), result.stderr
    installed = users_folder / "churn-model"
    assert stored_answers(installed)["ecrRepository"] == "churn-model"
    cloned = generate(tmp_path, "Churn Model", "--author", "A", "--email", "a@example.com")
    assert files_under(installed) == files_under(cloned)
    assert (installed / "run").stat().st_mode & 0o111
