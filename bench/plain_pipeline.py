"""The pipeline's steps as a plain script: pandas and scikit-learn in one process, no Flyte.
`npm run bench:scale` (bench/scale.py) measures `./run src/ full` against it.

It composes the generated project's own functions in the order src/workflows/full.py runs
them, each table kept in memory from one step to the next instead of written and read again,
and writes the files the pipeline writes (03_primary ... 08_reporting) under OUT, so that its
outputs can be compared with the pipeline's. Keep it in step with the pipeline: a step added
to or changed in full.py is added or changed here.

    cd PROJECT && .venv/bin/python bench/plain_pipeline.py OUT

The project's task modules import flytekit (their @task wrappers): this script imports it too,
and uses none of it.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path.cwd() / "src"))

from dataset import DATASET  # noqa: E402
from tasks import layers  # noqa: E402
from tasks.content_hash import sha256  # noqa: E402
from tasks.evaluate import compared, evaluation  # noqa: E402
from tasks.generate_model_input import split_data  # noqa: E402
from tasks.generate_model_output import load_model, predictions_table  # noqa: E402
from tasks.problem import resolve  # noqa: E402
from tasks.process_raw_data import clean_raw_data, read_raw_data  # noqa: E402
from tasks.reporting import html_page, model_card, render_report  # noqa: E402
from tasks.train_model import Fitted, best, candidate_settings, fit_setting  # noqa: E402
from tasks.train_model import leaderboard  # noqa: E402


def main(out: Path) -> int:
    def write(name: str, writer: Callable[[Path], Any]) -> Path:
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        writer(path)
        return path

    def write_table(frame: Any, name: str) -> Path:
        return write(name, lambda path: frame.to_parquet(path, index=False))

    # process_raw_data
    primary = clean_raw_data(read_raw_data(DATASET.raw_data))
    primary.attrs["raw_data"] = {
        "file": Path(DATASET.raw_data).name,
        "sha256": sha256(Path(DATASET.raw_data)),
        "rows": len(primary) + sum(primary.attrs["rows_dropped"].values()),
    }
    write_table(primary, layers.PRIMARY)

    # generate_model_input
    splits = split_data(
        primary, DATASET.test_size, DATASET.validation_size, DATASET.seed
    )
    del primary
    for frame, name in zip(splits, (layers.TRAIN, layers.TEST, layers.VALIDATION)):
        write_table(frame, name)

    # train_model: every setting, then the best
    import joblib

    fitted = []
    labels = splits.train[DATASET.not_features]
    for number, setting in enumerate(candidate_settings(resolve(labels))):
        model, scores = fit_setting(setting, splits.train, splits.test)
        name = f"{layers.CANDIDATES_DIR}/{setting.model}-{number}.joblib"
        file = write(name, lambda path: joblib.dump(model, path))
        del model
        fitted.append(
            Fitted(setting.model, setting.params, setting.metric, **scores, file=file)
        )
    chosen = best(fitted)
    board = {"metric": chosen.metric, "candidates": leaderboard(fitted, chosen)}
    model_file = write(layers.MODEL, lambda path: shutil.copyfile(chosen.file, path))
    write(layers.LEADERBOARD, lambda path: path.write_text(json.dumps(board, indent=2)))

    # generate_model_output: through the serialised model, as a service would load it
    model = load_model(str(model_file))
    predictions = predictions_table(
        model, splits.validation, resolve(splits.validation)
    )
    predictions_file = write_table(predictions, layers.PREDICTIONS)

    # evaluate (no run history: the pipeline's runs are measured cold)
    measured = evaluation(predictions, splits.train, board, sha256(predictions_file))
    text = json.dumps(measured, indent=2, default=str) + "\n"
    write(layers.MEASURED, lambda path: path.write_text(text, encoding="utf-8"))
    metrics = compared(measured, None)
    text = json.dumps(metrics, indent=2, default=str) + "\n"
    write(layers.METRICS, lambda path: path.write_text(text, encoding="utf-8"))

    # reporting
    report = render_report(
        metrics, predictions, model, splits._asdict(), DATASET.seed
    )
    page = html_page(report)
    write(layers.REPORT, lambda path: path.write_text(page, encoding="utf-8"))
    card = model_card(metrics)
    write(layers.MODEL_CARD, lambda path: path.write_text(card, encoding="utf-8"))

    # check_gates
    failed = [gate["name"] for gate in metrics["gates"] if not gate["passed"]]
    if failed:
        print(f"gate failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]).resolve()))
