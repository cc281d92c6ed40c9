"""Prefect flows: they compose the stage modules and own nothing else."""
