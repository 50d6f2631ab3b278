"""Flyte workflows: one per pipeline step, each runnable alone; `full` composes them.

No file input has a default: `pyflyte package` would write it into the launch plan as a
path of the machine that packaged it. Instead, each module's LOCAL_INPUTS names the file
under data/ that a local run reads for each file input not passed, e.g. for train_model
{"train": TRAIN, "test": TEST}, what generate_model_input wrote; scripts/run_local.py
(what ./run runs) adds them. On Flyte, pass every file input (an s3:// URI)."""
