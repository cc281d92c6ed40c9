"""`--shapes real`: files written as real exporters write them are accepted, with exactly the conformance
warnings their manifest entries expect, and the standard files of a seed do not change."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipelines.decide.process import Context, process_file
from pipelines.generate.landing import generate_landing


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    root = tmp_path_factory.mktemp("real")
    manifest = generate_landing(root / "landing", root / "trust", facilities=3, claims=60, seed=5,
                                shapes="real")
    return root, manifest


def test_real_shapes_are_accepted_with_the_expected_conformance_warnings(real):
    root, manifest = real
    ctx = Context.create(root / "trust")
    seen: set[str] = set()
    xml12 = 0
    messages: list[str] = []
    for entry in manifest.files:
        raw = (root / "landing" / entry.path).read_bytes()
        result = process_file(raw, file_name=entry.path, folder_macskcb=entry.macskcb,
                              received_at=datetime.now(UTC), ctx=ctx)
        assert result.status == entry.expected_status == "accepted", (entry.path, result.receipt["errors"])
        std = {e["code"] for e in result.receipt["errors"] if e["code"].startswith("STD.")}
        assert std == set(entry.expected_codes), entry.path
        assert all(e["severity"] == "warning" for e in result.receipt["errors"])
        seen |= std
        if entry.kind == "message":  # XML12 in its own signed message: its records, stored
            assert result.receipt["claims"] == []
            assert len(result.rows["XML12"]) == len(result.receipt["records"]) > 0
            messages.append(entry.macskcb)
        else:
            xml12 += "XML12" in result.rows
    assert len(seen) >= 3, seen  # several shapes in one night
    assert xml12 > 0  # XML12 inside GIAMDINHHS, stored
    assert sorted(messages) == sorted(f["macskcb"] for f in manifest.facilities)  # one message per facility


def test_standard_files_of_a_seed_do_not_depend_on_real_shapes(real, tmp_path):
    root, manifest = real
    plain = generate_landing(tmp_path / "landing", tmp_path / "trust", facilities=3, claims=60, seed=5)
    same = [e for e in manifest.files if not e.expected_codes and e.kind != "message"]
    by_path = {e.path: e for e in plain.files}
    assert same and all(e.path in by_path for e in same)
    claim_files = [e for e in manifest.files if e.kind != "message"]  # the messages are written last
    assert manifest.files[: len(claim_files)] == claim_files
    assert [e.claims for e in plain.files] == [e.claims for e in claim_files]
