"""A generated night: a landing tree of signed claim files, its trust directory, and the manifest that says
what the pipeline must make of every file (``bhyt-etl generate``); and night two's resends.

The pieces: ``writer`` writes files, ``scenarios`` the linked episodes (referrals, appointments, people
across facilities, payment cases), ``defects`` the labelled broken files, ``eligibility`` the fund's card
list, ``resends`` night two.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.generate.assessments import write_assessment_messages
from pipelines.generate.defects import write_defects
from pipelines.generate.eligibility import build_eligibility, write_reference
from pipelines.generate.resends import generate_resends
from pipelines.generate.reviewer_catalogs import write_catalog_violations, write_reviewer_catalogs
from pipelines.generate.scenarios import Scenarios
from pipelines.generate.shapes import RealShapes
from pipelines.generate.writer import DEFAULT_PERIOD, LandingWriter, Manifest

__all__ = ["Manifest", "generate_landing", "generate_resends"]


def write_regular_night(writer: LandingWriter, claims: int) -> None:
    """``claims`` claims: first the scenarios (referrals, appointments, people to link, payment cases)
    as far as the number allows, then random episodes of the pool for the rest."""
    remaining = claims - Scenarios(writer).run(claims)
    while remaining > 0:
        fac = writer.rng.choice(writer.facilities)
        n = 1 if writer.rng.random() < 0.9 or remaining < 3 else writer.rng.randint(2, 3)
        writer.write_claims(fac, [writer.episode(fac) for _ in range(n)])
        remaining -= n


def generate_landing(
    landing: Path,
    trust: Path,
    *,
    facilities: int = 3,
    claims: int = 30,
    seed: int = 1,
    defects: bool = False,
    period: str = DEFAULT_PERIOD,
    reference: Path | None = None,
    plant_identifiers: bool = False,
    shapes: str = "standard",
    catalog_violations: bool = False,
) -> Manifest:
    """Write a landing tree and a trust directory; return (and write) the manifest.

    With ``reference``, also write ``<reference>/eligibility.csv`` (the fund's card look-up results for the
    generated people, a few entries deliberately wrong) and ``<reference>/README.md``. The manifest is the
    same with or without it (its ``eligibility_defects`` describe the list either way). With
    ``plant_identifiers``, names, phones, CCCD and card numbers are written into free text
    (:mod:`pipelines.generate.planted`); the claims and their money are the same.

    ``shapes="real"``: about half the regular files are written the ways real exporters write them (4-decimal
    amounts, certificate codes, the QĐ 130 XML13, XML12 in the envelope, ...: pipelines/generate/shapes.py);
    they are accepted with the conformance warnings their manifest entries expect. Each facility also sends
    one stand-alone signed XML12 message (``pipelines/generate/assessments.py``; manifest kind ``message``).

    With ``reference``, the reviewer's catalogues of the facilities go to ``<reference>/catalogs/`` too
    (``reviewer_catalogs``); ``catalog_violations`` adds claims that each break one catalogue rule (listed in
    the manifest).
    """
    if shapes not in ("standard", "real"):
        raise ValueError(f"shapes: standard or real, not {shapes!r}")
    if facilities < 1 or claims < 0:
        raise ValueError("need at least one facility and a non-negative number of claims")
    if defects and facilities < 2:
        raise ValueError(
            "--defects needs at least two facilities (binding and folder defects use a second one)"
        )
    landing.mkdir(parents=True, exist_ok=True)
    writer = LandingWriter(landing, trust, facilities, seed, period)
    writer.random_links = False
    writer.avoid_overlaps = True
    writer.plant_identifiers = plant_identifiers
    if shapes == "real":
        writer.real_shapes = RealShapes(writer.registry, seed)
    writer.pki.write_trust_dir(trust)
    writer._patient_pool(max(10, int(claims * 0.8)))
    write_regular_night(writer, claims)
    violations = write_catalog_violations(writer) if catalog_violations else []
    if defects:
        write_defects(writer)
    rows, eligibility_defects = build_eligibility(writer)
    if reference is not None:
        write_reference(reference, rows)
        write_reviewer_catalogs(writer, reference / "catalogs")
    if shapes == "real":  # last: the other files of the seed stay the same
        write_assessment_messages(writer)
    manifest = Manifest(
        seed=seed,
        period=period,
        facilities=[
            {"macskcb": f.macskcb, "name": f.name, "tax_code": f.tax_code} for f in writer.facilities
        ],
        files=writer.entries,
        people=writer.people_list(),
        links=writer.links,
        eligibility_defects=eligibility_defects,
        payment_cases=writer.payment_cases(),
        catalog_violations=violations,
    )
    manifest.write(landing / "manifest.json")
    return manifest
