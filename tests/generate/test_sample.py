"""The committed sample (data/sample) is what the generator makes, and it checks out as labelled."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pipelines.common.paths import data_dir
from pipelines.decide.process import Context, process_file
from pipelines.generate.landing import Manifest, generate_landing

SAMPLE = data_dir() / "sample"


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_sample_is_reproduced_by_the_generator(tmp_path):
    generate_landing(
        tmp_path / "landing",
        tmp_path / "trust",
        facilities=3,
        claims=30,
        seed=1,
        defects=True,
        reference=tmp_path / "reference",
    )
    assert files(tmp_path / "landing") == files(SAMPLE / "landing"), "regenerate data/sample (see its README)"
    assert files(tmp_path / "trust") == files(SAMPLE / "trust")
    assert files(tmp_path / "reference") == files(SAMPLE / "reference")


def test_every_sample_file_gets_the_outcome_its_label_says():
    manifest = Manifest.read(SAMPLE / "landing" / "manifest.json")
    ctx = Context.create(SAMPLE / "trust")
    seen: set[str] = set()
    for entry in sorted(manifest.files, key=lambda e: e.path):
        result = process_file(
            (SAMPLE / "landing" / entry.path).read_bytes(),
            file_name=Path(entry.path).name,
            folder_macskcb=entry.macskcb,
            received_at=datetime(2026, 11, 20, tzinfo=UTC),
            ctx=ctx,
        )
        status = "duplicate" if result.receipt["sha256"] in seen else result.status
        seen.add(result.receipt["sha256"])
        codes = {e["code"] for e in result.receipt["errors"]}
        assert status == entry.expected_status, entry.path
        assert set(entry.expected_codes) <= codes, (entry.path, codes)
        if entry.claims and status in ("accepted", "partially_accepted"):
            assert [(c["ma_lk"], c["status"]) for c in result.receipt["claims"]] == [
                (c.ma_lk, c.status) for c in entry.claims
            ]
