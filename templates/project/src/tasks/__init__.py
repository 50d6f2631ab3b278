"""Flyte tasks: one module per pipeline step, thin @task wrappers on pure functions."""
