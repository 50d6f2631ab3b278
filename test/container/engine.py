"""The container engine the test/container suites drive: `.ci/container-up` brings up dockerd, a registry
on 127.0.0.1 and the base images the generated Dockerfile starts FROM (made offline); `docker()` runs
the docker CLI. Tests import it as `from engine import docker, UV_IMAGE, PYTHON_IMAGE` and get the
registry address from the `container_engine` fixture (conftest.py)."""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTAINER_UP = ROOT / ".ci" / "container-up"
STATE = ROOT / ".ci" / ".tools" / "container"

# The names .ci/container-up builds: the ones the generated Dockerfile uses.
PYTHON_IMAGE = "python:3.11-slim-bookworm"
UV_VERSION = re.search(
    r"^const UV_VERSION = '([^']+)';", (ROOT / "generators" / "lib" / "context.ts").read_text(), re.M
).group(
    1
)  # type: ignore[union-attr]
UV_IMAGE = f"ghcr.io/astral-sh/uv:{UV_VERSION}"

# Docker's own client on this machine kind has no buildx plugin: `docker build` is the classic builder,
# which takes FROM images from the local store (BuildKit would ask their registries, unreachable here).
# Said once, so every build of the suite (docker() and `make build` alike) runs the same builder.
ENV_OVERRIDES = {"DOCKER_BUILDKIT": "0"}


class EngineError(Exception):
    """The engine could not be brought up, or a docker command failed; the message says which and why."""


def up(echo: Callable[[str], None] = print) -> tuple[str, float]:
    """Run .ci/container-up (idempotent: seconds once it has run), echo its progress, return the
    registry address (host:port) and the seconds it took."""
    start = time.monotonic()
    lines: list[str] = []
    with subprocess.Popen(
        ["bash", str(CONTAINER_UP)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            line = line.rstrip("\n")
            lines.append(line)
            echo(f"container-up: {line}" if not line.startswith("container-up:") else line)
    if proc.returncode != 0:
        cause = [x for x in lines if x.startswith("container-up:") or x.strip().startswith("fix:")]
        raise EngineError("\n".join(cause) or f".ci/container-up exited {proc.returncode}: {lines[-1:]}")
    return lines[-1].strip(), time.monotonic() - start


def registry() -> str:
    """The registry address the last `.ci/container-up` recorded."""
    return (STATE / "registry").read_text().strip()


def docker(
    *args: str,
    check: bool = True,
    timeout: float = 1200,
    cwd: str | Path | None = None,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """`docker ARGS`, output captured as text. With check, a failure raises EngineError carrying the
    command, its exit code and the end of its output (a build's last steps say what broke)."""
    env = {**os.environ, **ENV_OVERRIDES}
    proc = subprocess.run(
        ["docker", *args], cwd=cwd, env=env, input=input, capture_output=True, text=True, timeout=timeout
    )
    if check and proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
        raise EngineError(f"docker {' '.join(args)} exited {proc.returncode}:\n{tail}")
    return proc
