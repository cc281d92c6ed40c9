"""What the review, patient and payment tests share: the clean generated nights.

A clean night is 3 facilities and 160 claims of clean generated data (every scenario of the generator fits)
ingested by the real pipeline, with the reference folder the generator writes beside the landing tree (the
card eligibility list, the reviewer's catalogues). The landing tree and trust directory are the same with or
without that folder (checked: identical files), so one night serves the review tests (seeds 3 and 5), the
patient tests (seed 5, with its eligibility list) and the payment tests (seed 5, an edited copy).
"""

from __future__ import annotations

from typing import Any

#: the seeds of the clean nights; the patient and payment tests use the second
CLEAN_SEEDS = (3, 5)
CLEAN_CLAIMS = 160


def clean_night(seed: int) -> dict[str, Any]:
    """The arguments of a clean night for ``nights.ingested`` (support/nights.py)."""
    return {"facilities": 3, "claims": CLEAN_CLAIMS, "seed": seed, "defects": False, "reference": True}
