"""How many examples a Hypothesis property runs, by profile (profiles registered in tests/conftest.py).

A module states the count its property runs in the full suite and CI, and passes it through
:func:`examples`::

    FUZZ = settings(max_examples=examples(1000), deadline=2000, derandomize=True, database=None)

Under the ``ci`` profile (``python3 run.py test``, and any run with ``CI`` set) that is the count itself;
under ``dev`` (``python3 run.py test --fast``, plain ``pytest`` on a developer's machine) it is at most the
``dev`` profile's ``max_examples``, so that a quick loop still runs every property on a few inputs.
"""

from __future__ import annotations

from hypothesis import settings


def examples(full: int) -> int:
    """``full`` under the ``ci`` profile, at most the current profile's ``max_examples`` under any other."""
    if settings.get_current_profile_name() == "ci":
        return full
    return min(full, settings.default.max_examples)
