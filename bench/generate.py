"""Generation speed: `flyte-pipeline new --defaults --skip-install` against cookiecutter rendering
the very same files (`npm run bench:generate`).

1. `flyte-pipeline new "Bench Churn Model" --defaults --skip-install` writes a project.
2. A cookiecutter template is made from it: the files our generator renders from `.ejs` become
   Jinja templates, each answer's value a `{{ cookiecutter.KEY }}` (Jinja-looking text escaped);
   the files it copies byte for byte are `_copy_without_render`, as they are for cookiecutter. One
   cookiecutter run must give back our project byte for byte (modes included), or the bench stops.
3. Pairs, in alternating order (ours first, then cookiecutter first, …), each into a fresh empty
   folder: the whole process's wall time and peak RSS (`wait4`'s ru_maxrss). One warm-up of each
   first (it fills the page cache and Node's compile cache), not counted.
4. `flyte-pipeline --help` and `--version`, the same way.

Cookiecutter comes from PyPI into the benchmark's own virtualenv ($TMPDIR/flyte-pipeline-bench/,
made on the first run). Targets (issue 13): ratio of medians <= 1.0, peak RSS <= 80 MiB,
--help and --version < 0.15 s. Exits 1 if one is missed. BENCH_PAIRS=15 sets the number of pairs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "dist" / "bin" / "flyte-pipeline.js"
TEMPLATES = ROOT / "templates" / "project"
CACHE = Path(tempfile.gettempdir()) / "flyte-pipeline-bench"
VENV = CACHE / "cookiecutter-venv"
NAME = "Bench Churn Model"
SLUG = "bench-churn-model"
# Stored without their dot in templates/ (generators/lib/render.ts, DOTTED).
DOTTED = {"gitignore", "dockerignore", "gitkeep", "github", "pre-commit-config.yaml"}
MIB = 1024 * 1024


def measure(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int]:
    """Runs a command to completion: (wall seconds, peak RSS in bytes) of that process alone."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"bench: {' '.join(command)} failed ({process.returncode}):\n{errors.decode(errors='replace')[-2000:]}")
    return seconds, usage.ru_maxrss * 1024  # Linux: kilobytes


def cookiecutter_bin() -> Path:
    """cookiecutter from PyPI, in this benchmark's own virtualenv."""
    binary = VENV / "bin" / "cookiecutter"
    if not binary.exists():
        print(f"installing cookiecutter into {VENV}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "cookiecutter"], check=True)
    return binary


def target_path(template_path: str) -> str:
    parts = [part[:-4] if part.endswith(".ejs") else part for part in template_path.split("/")]
    return "/".join(f".{part}" if part in DOTTED else part for part in parts)


def rendered_by_ejs() -> set[str]:
    """The project paths our generator renders (from `.ejs`); it copies the rest byte for byte."""
    return {target_path(str(path.relative_to(TEMPLATES))) for path in TEMPLATES.rglob("*.ejs")}


def jinja_literal(text: str) -> str:
    """Text that Jinja gives back as is."""
    if not re.search(r"\{[{%#]|[}%#]\}", text):
        return text
    return "".join(
        "{{ '" + piece + "' }}" if piece in ("{{", "{%", "{#") else piece
        for piece in re.split(r"(\{\{|\{%|\{#)", text)
    )


def jinja_template(text: str, answers: dict[str, str]) -> str:
    """The file as a Jinja template: each answer's value a variable, everything else literal."""
    values = sorted((value for value in answers.values() if len(value) >= 3), key=len, reverse=True)
    if not values:
        return jinja_literal(text)
    by_value = {value: key for key, value in answers.items() if value in values}
    pieces = re.split("(" + "|".join(re.escape(value) for value in values) + ")", text)
    return "".join(
        "{{ cookiecutter." + by_value[piece] + " }}" if piece in by_value else jinja_literal(piece) for piece in pieces
    )


def make_template(project: Path, template: Path) -> None:
    stored = json.loads((project / ".yo-rc.json").read_text())["generator-flyte-pipeline"]
    answers = {key: value for key, value in stored.items() if isinstance(value, str)}
    answers["project_slug"] = SLUG
    rendered = rendered_by_ejs() | {".yo-rc.json"}
    root = template / "{{ cookiecutter.project_slug }}"
    copied: list[str] = []
    for source in sorted(path for path in project.rglob("*") if path.is_file()):
        relative = source.relative_to(project).as_posix()
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if relative in rendered:
            target.write_text(jinja_template(source.read_text(), answers))
        else:
            target.write_bytes(source.read_bytes())
            copied.append(relative)
        shutil.copymode(source, target)
    (template / "cookiecutter.json").write_text(json.dumps({**answers, "_copy_without_render": copied}, indent=2))


def tree(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        path.relative_to(folder).as_posix(): (path.read_bytes(), path.stat().st_mode & 0o777)
        for path in folder.rglob("*")
        if path.is_file()
    }


def median_line(label: str, runs: list[tuple[float, int]]) -> str:
    seconds = [run[0] for run in runs]
    peak = max(run[1] for run in runs)
    return f"| {label} | {statistics.median(seconds):.3f} | {min(seconds):.3f}-{max(seconds):.3f} | {peak / MIB:.0f} |"


def main() -> None:
    if not BIN.exists():
        sys.exit("bench: dist/bin/flyte-pipeline.js is missing: run `npm run build` first")
    pairs = int(os.environ.get("BENCH_PAIRS", "15"))
    node = shutil.which("node") or "node"
    cookiecutter = cookiecutter_bin()
    work = Path(tempfile.mkdtemp(prefix="bench-generate-"))
    # A private HOME for both: no ~/.flyte defaults, cookiecutter's replay files kept out of the real one.
    home = work / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home)}
    ours = [node, str(BIN), "new", NAME, "--defaults", "--skip-install"]

    first = work / "first"
    first.mkdir()
    measure(ours, first, env)
    template = work / "template"
    make_template(first / SLUG, template)
    theirs = [str(cookiecutter), "--no-input", str(template), "--output-dir"]

    check = work / "check"
    check.mkdir()
    measure([*theirs, str(check)], check, env)
    if tree(check / SLUG) != tree(first / SLUG):
        sys.exit(f"bench: cookiecutter's project differs from ours: compare {check / SLUG} with {first / SLUG}")

    runs: dict[str, list[tuple[float, int]]] = {"ours": [], "cookiecutter": []}
    for index in range(pairs + 1):
        order = ["ours", "cookiecutter"] if index % 2 == 0 else ["cookiecutter", "ours"]
        for who in order:
            out = work / f"{who}-{index}"
            out.mkdir()
            result = measure(ours if who == "ours" else [*theirs, str(out)], out, env)
            if index > 0:  # the first pair warms up
                runs[who].append(result)
            shutil.rmtree(out)
    light = {}
    for flag in ("--help", "--version"):
        measure([node, str(BIN), flag], work, env)
        light[flag] = [measure([node, str(BIN), flag], work, env) for _ in range(pairs)]

    ratio = statistics.median(r[0] for r in runs["ours"]) / statistics.median(r[0] for r in runs["cookiecutter"])
    version = subprocess.run([str(cookiecutter), "--version"], capture_output=True, text=True).stdout.split(" from ")[0]
    files = len(tree(first / SLUG))
    print(f"\n{files} files, {pairs} alternated pairs, Node {subprocess.run([node, '--version'], capture_output=True, text=True).stdout.strip()}, {version}\n")
    print("| command | median s | range s | peak RSS MiB |")
    print("|---|---|---|---|")
    print(median_line("flyte-pipeline new --defaults --skip-install", runs["ours"]))
    print(median_line("cookiecutter --no-input (same files)", runs["cookiecutter"]))
    for flag, flag_runs in light.items():
        print(median_line(f"flyte-pipeline {flag}", flag_runs))
    peak = max(run[1] for run in runs["ours"]) / MIB
    slowest_light = max(statistics.median(r[0] for r in flag_runs) for flag_runs in light.values())
    verdicts = [
        (f"time ratio (medians) {ratio:.2f}x cookiecutter", ratio <= 1.0, "<= 1.0x"),
        (f"peak RSS {peak:.0f} MiB", peak <= 80, "<= 80 MiB"),
        (f"--help/--version median {slowest_light:.3f} s", slowest_light < 0.15, "< 0.15 s"),
    ]
    print()
    for text, ok, goal in verdicts:
        print(f"{'ok    ' if ok else 'MISSED'} {text} (target {goal})")
    shutil.rmtree(work)
    sys.exit(0 if all(ok for _, ok, _ in verdicts) else 1)


if __name__ == "__main__":
    main()
