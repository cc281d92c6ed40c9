"""Flows: the Prefect layer. ``nightly`` wraps each step of :func:`pipelines.run.night.run_night` in a task
and publishes the run report as artifacts; ``reprocess`` does the same for
:func:`pipelines.run.reprocess.run_reprocess` (a deployment run by hand). Nothing here decides anything.

May import: ``pipelines.run`` and below.
"""
