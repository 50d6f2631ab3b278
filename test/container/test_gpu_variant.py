"""The GPU variant (--gpu) as far as this machine can take it. Its image starts FROM an NVIDIA CUDA
base that cannot be pulled here (no Docker Hub, no GPU), so it is not built: what is proven is that
its Dockerfile lints clean, prepares the same code folder for the same user as the CPU image, and
that its package asks Flyte for the GPU where training happens: the candidate search's ArrayNode task,
so each fit pod asks for gpu=1 (requested and limited) on a T4, and no other task of full does.
"""

from __future__ import annotations

import pytest
from generated import Project, run


@pytest.fixture(scope="module")
def gpu_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    # uv installs in seconds; the dependency manager changes nothing GPU-related.
    return Project.generate(tmp_path_factory.mktemp("gpu"), "--gpu", "--dependency-manager", "uv")


@pytest.fixture(scope="module")
def gpu_package(gpu_project: Project) -> dict:
    gpu_project.make("package")
    return gpu_project.inspect()


def test_the_cuda_dockerfile_lints_clean_and_prepares_the_code_dir(gpu_project: Project) -> None:
    lint = run(["hadolint", "Dockerfile"], cwd=gpu_project.path, env=gpu_project.env, timeout=60, check=False)
    assert (lint.returncode, lint.stdout + lint.stderr) == (0, "")
    dockerfile = (gpu_project.path / "Dockerfile").read_text()
    assert "\nFROM nvidia/cuda:" in dockerfile
    code_dir = gpu_project.variable("CODE_DIR")
    assert code_dir == "/home/flyte/app"
    assert f"install --directory --owner 10001 --group 10001 {code_dir}" in dockerfile
    assert dockerfile.rstrip().endswith(f"WORKDIR {code_dir}\nUSER 10001:10001")
    assert "PYTHONPATH" not in dockerfile


def test_the_package_asks_for_one_t4_for_training_only(gpu_project: Project, gpu_package: dict) -> None:
    full = gpu_package["workflows"]["workflows.full.full"]
    [search] = full["array_nodes"]
    gpu_tasks = [name for name in full["tasks"] if "gpu" in gpu_package["tasks"][name]["requests"] or "gpu" in gpu_package["tasks"][name]["limits"]]
    assert gpu_tasks == [search["task"]], "only the fits, one pod per candidate setting, ask for a GPU"
    fit = gpu_package["tasks"][search["task"]]
    assert fit["requests"]["gpu"] == "1" and fit["limits"]["gpu"] == "1"
    assert fit["accelerator"] == "nvidia-tesla-t4"
    code_dir = gpu_project.variable("CODE_DIR")
    for task in gpu_package["tasks"].values():
        assert task["args"][task["args"].index("--dest-dir") + 1] == code_dir
        assert task["image"] == gpu_project.variable("IMAGE")
