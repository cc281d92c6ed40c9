"""Flows: the Prefect layer. ``nightly`` wraps each step of :func:`pipelines.run.night.run_night` in a task
and publishes the run report as artifacts. Nothing here decides anything.

May import: ``pipelines.run`` and below.
"""
