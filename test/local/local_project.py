"""A generated project of the local-loop suite, and how the tests drive it: `./run` as a user
types it, and what a run leaves behind (the layer files, the metrics, the local cache)."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from repo_paths import BIN, NODE, tool_env  # noqa: F401 (BIN, NODE: test/local/conftest.py imports them from here)

LAYERS = {
    "primary": "data/03_primary/primary.parquet",
    "train": "data/05_model_input/train.parquet",
    "test": "data/05_model_input/test.parquet",
    "validation": "data/05_model_input/validation.parquet",
    "model": "data/06_models/model.joblib",
    "predictions": "data/07_model_output/predictions.parquet",
    "metrics": "data/08_reporting/metrics.json",
    "report": "data/08_reporting/report.html",
}


@dataclass
class Project:
    path: Path
    env: dict[str, str]

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """`./run ARGS` (the options, `src/`, the workflow, its inputs), as a user types it."""
        result = subprocess.run(["./run", *args], cwd=self.path, env=self.env, capture_output=True, text=True, timeout=600)
        if check and result.returncode != 0:
            raise AssertionError(f"./run {' '.join(args)}: exit {result.returncode}\n{result.stdout}\n{result.stderr}")
        return result

    def full(self, *inputs: str) -> subprocess.CompletedProcess[str]:
        return self.run("src/", "full", *inputs)

    def metrics(self) -> dict:
        return json.loads((self.path / LAYERS["metrics"]).read_text())

    def stamps(self) -> dict[str, int]:
        """When each layer file was last written (ns): unchanged across a run that hit the cache."""
        return {name: (self.path / path).stat().st_mtime_ns for name, path in LAYERS.items()}

    def cache_keys(self) -> set[str]:
        """The keys of the local cache: `<task>-<version>-<inputs hash>`."""
        code = "import sys, diskcache; print('\\n'.join(diskcache.Cache(sys.argv[1]).iterkeys()))"
        cache = Path(self.env["HOME"]) / ".flyte" / "local-cache"
        result = subprocess.run([str(self.path / ".venv" / "bin" / "python"), "-c", code, str(cache)], capture_output=True, text=True, check=True)
        return set(result.stdout.split())


def user_env() -> dict[str, str]:
    """A user's shell: .ci/setup's tools on PATH, no outer virtualenv, the venv inside the
    project, Flyte's local cache on."""
    env = {key: value for key, value in tool_env().items() if key != "VIRTUAL_ENV"}
    env.update(PIPENV_VENV_IN_PROJECT="1", PIPENV_YES="1", PIPENV_NOSPIN="1", FLYTE_LOCAL_CACHE_ENABLED="true")
    env.pop("FLYTE_LOCAL_CACHE_OVERWRITE", None)
    return env


