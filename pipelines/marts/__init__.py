"""Marts: what reviewers and accountants read, built on the warehouse's core objects.

``review``    claims review (giám định): rules as SQL files, findings, the queue, hit rates, repeats
``payment``   the payment views behind the settlement forms (7980a, C79a/C80a, 19/20/21)
``patients``  one pseudonymous key per person, timelines, referrals, appointments, card eligibility
``report``    a payment view written as a CSV or Excel file (``bhyt-etl report``)
``forms``     the printed layouts of the payment forms, read from ``marts/forms/*.toml``; amounts in words
``formwriter`` a form as filed, and the 7980a list as exchanged, laid out on a sheet
``examples``  the example queries analysts can paste (``pipelines/sql/examples``)

:func:`build_marts` builds them all on the full warehouse; :func:`derived_builders` are the ones built again
on the analytics copy (the review results are copied, not recomputed: the rules need real identifiers).

May import: ``pipelines.warehouse`` (SQL files, relations, identity), ``pipelines.standard``,
``pipelines.common``. Never ``decide`` or ``landing``: a mart reads the warehouse, never a file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from pipelines.marts import patients, payment, review

#: tables of the full warehouse the analytics copy takes as they are (no identity in them)
COPIED_TABLES = list(patients.COPIED_TABLES)


def build_marts(
    con: duckdb.DuckDBPyConnection,
    *,
    lake: Path,
    committed_runs: list[str],
    findings: list[Path],
    key: str,
    reference: Path | None,
) -> tuple[dict[str, Any], list[tuple[str, str, int, int]]]:
    """Every mart on the full warehouse, in order. Returns the counts for the run report and the lake files
    written (the review findings of runs not checked before), for the caller to list in the ledger."""
    eligibility = patients.load_eligibility(con, reference)  # before the review: BIZ.CARD.* read it
    review_info, new_parts = review.build_findings(con, lake, committed_runs, findings)
    patient_info = patients.build_patients(con, key)
    for build in derived_builders():
        build(con)
    return {"review": review_info, "patients": patient_info, "eligibility": eligibility}, new_parts


def derived_builders() -> list[Callable[[duckdb.DuckDBPyConnection], Any]]:
    """What is built on top of the core objects, in order, the same way in the full warehouse and in the
    analytics copy (payment reports, patient timelines)."""
    return [payment.create_payment_objects, patients.create_patient_objects]
