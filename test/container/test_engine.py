"""The engine the container suite stands on does what a real one does: RUN steps reach PyPI (pip and the
uv image's uv), `--network none` cuts a container off, images round-trip through the local registry,
and the base image behaves like the official python image the generated Dockerfile names."""

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from engine import PYTHON_IMAGE, UV_IMAGE, UV_VERSION, docker

TAG = uuid.uuid4().hex[:12]


@pytest.fixture(scope="module")
def probe(container_engine: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An image built the way the generated Dockerfile builds: FROM the base, uv copied from its
    image, packages installed from PyPI by pip and by uv in RUN steps (--no-cache: they really run)."""
    context = tmp_path_factory.mktemp("probe")
    (context / "Dockerfile").write_text(
        f"FROM {UV_IMAGE} AS uv\n"
        f"FROM {PYTHON_IMAGE}\n"
        "COPY --from=uv /uv /usr/local/bin/uv\n"
        "RUN pip install --no-cache-dir six==1.17.0\n"
        "RUN uv pip install --system --no-cache iniconfig==2.1.0\n"
    )
    image = f"ci-engine-probe:{TAG}"
    docker("build", "--no-cache", "--force-rm", "--tag", image, str(context), timeout=600)
    yield image
    docker("rmi", "--force", image, check=False)


def python_in(image: str, code: str, *run_args: str) -> str:
    return docker("run", "--rm", *run_args, image, "python", "-c", code).stdout.strip()


def test_pip_in_a_run_step_installs_from_pypi(probe: str) -> None:
    out = python_in(probe, "import six; print(six.__version__, six.__file__)", "--network", "none")
    assert out == "1.17.0 /usr/local/lib/python3.11/dist-packages/six.py"


def test_uv_copied_from_the_uv_image_installs_into_the_system_python(probe: str) -> None:
    out = python_in(probe, "import iniconfig; print(iniconfig.__file__)", "--network", "none")
    assert out == "/usr/local/lib/python3.11/dist-packages/iniconfig/__init__.py"


def test_network_none_cuts_the_container_off(container_engine: str) -> None:
    reach = (
        "import socket\n"
        "try:\n"
        "    socket.create_connection(('pypi.org', 443), timeout=5)\n"
        "    print('reached')\n"
        "except OSError:\n"
        "    print('isolated')\n"
    )
    assert python_in(PYTHON_IMAGE, reach, "--network", "none") == "isolated"
    assert python_in(PYTHON_IMAGE, reach) == "reached"


def test_an_image_round_trips_through_the_local_registry(container_engine: str, tmp_path: Path) -> None:
    # A layer of its own (random content), so the pull has to fetch it: nothing local shares it.
    (tmp_path / "payload").write_text(TAG)
    (tmp_path / "Dockerfile").write_text("FROM scratch\nCOPY payload /payload\n")
    image = f"{container_engine}/ci-engine-roundtrip:{TAG}"
    docker("build", "--force-rm", "--tag", image, str(tmp_path))
    docker("push", image)
    docker("rmi", image)
    docker("pull", image)
    box = docker("create", image, "none").stdout.strip()
    try:
        docker("cp", f"{box}:/payload", str(tmp_path / "pulled"))
    finally:
        docker("rm", box, check=False)
        docker("rmi", image, check=False)
    assert (tmp_path / "pulled").read_text() == TAG


def test_the_uv_image_provides_uv_and_uvx(container_engine: str) -> None:
    assert docker("run", "--rm", UV_IMAGE, "--version").stdout.startswith(f"uv {UV_VERSION} ")
    uvx = docker("run", "--rm", "--entrypoint", "/uvx", UV_IMAGE, "--version").stdout
    assert uvx.startswith(f"uvx {UV_VERSION} ")


def test_the_base_image_works_like_the_official_one(container_engine: str) -> None:
    script = (
        "python --version && pip --version"
        " && python -m venv /tmp/venv && /tmp/venv/bin/pip --version >/dev/null"
        " && useradd --create-home --uid 10001 flyte && su flyte -s /bin/sh -c 'python -c \"print(1)\"'"
    )
    out = docker("run", "--rm", PYTHON_IMAGE, "sh", "-c", script).stdout
    assert out.startswith("Python 3.11.")
    assert "/usr/local/lib/python3.11/dist-packages/pip" in out
    assert out.rstrip().endswith("1")


def test_the_base_image_names_no_host_of_this_machine(container_engine: str) -> None:
    apt = Path("/etc/apt")
    hosts = {
        host
        for source in [*apt.glob("sources.list"), *apt.glob("sources.list.d/*")]
        for host in re.findall(r"https?://([^/\s]+)", source.read_text())
    }
    inside = docker(
        "run",
        "--rm",
        PYTHON_IMAGE,
        "sh",
        "-c",
        "cat /etc/apt/sources.list /etc/apt/sources.list.d/* /etc/pip.conf 2>/dev/null; true",
    ).stdout
    assert hosts and not [host for host in hosts if host in inside]
