"""Session fixtures of the terminal suite: an AWS emulator for `init`, and `flyte-pipeline` packed
with `npm pack` and installed, with `yo`, for a user who is not root (yo refuses root)."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from repo_paths import NODE, let_other_users_reach_the_clone
from terminal import ROOT, TOOLS, USER, InstalledUser, Moto, tool_env


@pytest.fixture(scope="session")
def moto() -> Iterator[Moto]:
    """moto_server on a free loopback port, as test/helpers/moto.ts starts it for the jest suites."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)], env=tool_env(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1):
                break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("moto_server did not start: is moto[server] installed (bash .ci/setup)?", pytrace=False)
            time.sleep(0.2)
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "eu-west-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL_ECR": endpoint,
    }
    yield Moto(endpoint, env)
    server.terminate()
    server.wait(timeout=10)


# What `npm pack` needs to build the package (its prepack compiles with tsc); nothing else.
PACK_SOURCES = ["package.json", "package-lock.json", "tsconfig.json", "bin", "shared", "generators", "scripts", "templates", "test", "bench"]


@pytest.fixture(scope="session")
def packed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`npm pack` of a copy of the sources without dist/: its prepack must build what it ships."""
    checkout = tmp_path_factory.mktemp("checkout")
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "--", *PACK_SOURCES],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout.split("\n")
    for relative in filter(None, listed):
        source = ROOT / relative
        if source.is_file():
            (checkout / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, checkout / relative)
    (checkout / "node_modules").symlink_to(ROOT / "node_modules")
    destination = tmp_path_factory.mktemp("tarball")
    result = subprocess.run(["npm", "pack", "--pack-destination", str(destination)], cwd=checkout,
                            env=tool_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    (tarball,) = destination.glob("generator-flyte-pipeline-*.tgz")
    destination.chmod(0o755)
    tarball.chmod(0o644)
    return tarball


@pytest.fixture(scope="session")
def installed_user(packed: Path) -> InstalledUser:
    """A user who is not root, with yo (from npm) and the packed tarball installed globally in
    ~/.npm-global, and .ci/setup's Node 22 on PATH. The user and yo stay between sessions (quick
    re-runs); the tarball is installed afresh each session."""
    if os.geteuid() != 0:
        pytest.skip("needs root to create the user the yo test runs as")
    try:
        pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", USER], check=True)
    let_other_users_reach_the_clone()
    home = Path(pwd.getpwnam(USER).pw_dir)
    prefix = home / ".npm-global"
    # .ci/setup's Node 22 (with its npm), or the machine's own when that is recent enough.
    node_bin = TOOLS / "node22" / "node_modules" / ".bin"
    if not node_bin.exists():
        node_bin = Path(shutil.which(NODE, path=tool_env()["PATH"]) or NODE).parent
    user = InstalledUser(USER, pwd.getpwnam(USER).pw_uid, home, prefix, os.pathsep.join([str(prefix / "bin"), str(node_bin), "/usr/bin", "/bin"]))
    # The user cannot read pytest's temporary folders (mode 700): the tarball goes in their home.
    tarball = home / packed.name
    shutil.copy(packed, tarball)
    shutil.chown(tarball, USER)
    packages = [str(tarball)] + ([] if (prefix / "bin" / "yo").exists() else ["yo@7"])
    result = subprocess.run(user.command("npm", "install", "--global", "--prefix", str(prefix), "--no-audit", "--no-fund",
                                         "--loglevel=error", *packages), cwd=home, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return user


@pytest.fixture
def users_folder(installed_user: InstalledUser) -> Iterator[Path]:
    """An empty folder the installed user owns (pytest's own temporary folders are root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="fp-user-"))
    shutil.chown(folder, installed_user.name)
    yield folder
    shutil.rmtree(folder)
