"""Flyte workflows: one per pipeline step, each runnable alone; `full` composes them."""
