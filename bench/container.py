"""Container benchmark (`npm run bench:container`): the remote loop with a real engine, on a project
generated with --defaults (pipenv). Measures the image size, a cold `make build` (dependencies
from PyPI), `make push` to the local registry, `make package`, each task of full run as a pod
(test/container/flyte_pod.py), the rebuild after a code-only change (must build nothing), and the
whole test/container suite (skip it with --no-suite). Needs root: .ci/container-up starts dockerd.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "test" / "container"))

from engine import docker, up  # noqa: E402
from generated import SAMPLE, Project, insert_into_function, user_env  # noqa: E402


def timed(action):
    started = time.monotonic()
    result = action()
    return result, time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-suite", action="store_true", help="skip timing the whole test/container suite")
    arguments = parser.parse_args()

    registry, engine_seconds = up(echo=lambda line: None)
    print(f"engine up in {engine_seconds:.1f} s, registry {registry}")
    workspace = Path(tempfile.mkdtemp(prefix="fp-bench-container-"))
    print("generating and installing a project (pipenv install --dev)...", flush=True)
    project, install_seconds = timed(lambda: Project.generate(workspace))
    image = project.variable("IMAGE", REGISTRY=registry)
    docker("rmi", "--force", image, check=False)
    rows: list[tuple[str, str]] = [("generate + install (pipenv)", f"{install_seconds:.1f} s")]

    # Cold: the command `make build` runs, without the builder's layer cache (another project's
    # image with the same lock file would otherwise serve the dependency layer).
    cold = ["build", "--no-cache", "--platform", "linux/amd64", "--tag", image, "."]
    _, seconds = timed(lambda: docker(*cold, cwd=project.path, timeout=1800))
    size = int(docker("image", "inspect", "--format", "{{.Size}}", image).stdout)
    rows += [("docker build, cold (no layer cache)", f"{seconds:.1f} s"), ("image size", f"{size / 1e6:.0f} MB")]
    build = project.make("build", REGISTRY=registry)
    assert "build: skipped" in build.stdout, build.stdout
    _, seconds = timed(lambda: project.make("push", REGISTRY=registry))
    rows.append(("make push (local registry)", f"{seconds:.1f} s"))
    _, seconds = timed(lambda: project.make("package", REGISTRY=registry))
    rows.append(("make package", f"{seconds:.1f} s"))

    store = workspace / "store"
    run = project.pods(store, raw_data=SAMPLE)
    for task in run["tasks"]:
        name = task["task"].rsplit(".", 1)[-1]
        if "index" in task:  # one pod per element of an ArrayNode (the candidate search)
            name = f"{name.removesuffix('-arraynode')}[{task['index']}]"
        rows.append((f"pod {name}", f"{task['seconds']:.1f} s"))
    rows.append(("all pods of full", f"{run['seconds']:.1f} s"))

    # A code-only change to the last task's function.
    image_id = docker("image", "inspect", "--format", "{{.Id}}", image).stdout.strip()
    last = run["tasks"][-1]["task"]
    module, function = last.rsplit(".", 1)
    insert_into_function(project.path / "src" / (module.replace(".", "/") + ".py"), function, 'print("changed")')
    rebuild, seconds = timed(lambda: project.make("build", REGISTRY=registry))
    rebuilt = "docker build" in rebuild.stdout or docker("image", "inspect", "--format", "{{.Id}}", image).stdout.strip() != image_id
    builds = int(rebuilt)
    rows.append(("make build after a code-only change", f"{seconds:.2f} s, {builds} builds"))
    project.make("package", REGISTRY=registry)
    again = project.pods(store, execution="changed", raw_data=SAMPLE)
    ran = [task for task in again["tasks"] if not task["cached"]]
    rows.append(("pods after it (cache as Flyte's)", f"{again['seconds']:.1f} s, {len(ran)} of {len(again['tasks'])} tasks ran"))

    if not arguments.no_suite:
        print("timing the whole test/container suite...", flush=True)
        suite, seconds = timed(
            lambda: subprocess.run(
                [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "test/container"],
                cwd=ROOT,
                env=user_env(),
                capture_output=True,
                text=True,
            )
        )
        summary = (suite.stdout.strip().splitlines() or ["(no output)"])[-1]
        rows.append(("test/container suite", f"{seconds:.0f} s ({summary.strip('= ')})"))

    docker("rmi", "--force", image, check=False)
    width = max(len(name) for name, _ in rows)
    print()
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
    return 0 if builds == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
