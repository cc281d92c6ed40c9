"""Night two: a byte copy (duplicate), a corrected claim and a withdrawal (both accepted), deterministic."""

from __future__ import annotations

import hashlib
import shutil
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from claimfiles import claims_in, envelope_facts
from standard_checks import check_claim, factors

from pipelines.decide.process import Context, process_file
from pipelines.generate.landing import Manifest, generate_landing, generate_resends

SEED = 4


@pytest.fixture(scope="module")
def nights(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, Path, Manifest, Manifest, dict[str, bytes]]:
    root = tmp_path_factory.mktemp("nights")
    landing, trust = root / "landing", root / "trust"
    night1 = generate_landing(landing, trust, facilities=3, claims=40, seed=SEED)
    # night one as generated (all in the inbox), for the determinism test to copy instead of generating again
    shutil.copytree(landing, root / "pristine" / "landing")
    shutil.copytree(trust, root / "pristine" / "trust")
    before = {p.name: p.read_bytes() for p in landing.rglob("*.xml")}
    for i, entry in enumerate(sorted(night1.files, key=lambda e: e.path)):  # the pipeline has archived some
        if i % 2:
            src = landing / entry.path
            (src.parent.parent / "archive").mkdir(exist_ok=True)
            shutil.move(src, src.parent.parent / "archive" / src.name)
    night2 = generate_resends(landing, trust, seed=SEED, manifest=night1)
    return landing, trust, night1, night2, before


def test_night_two_files_and_manifest(nights):
    landing, _, night1, night2, before = nights
    assert [(e.kind, e.expected_status) for e in night2.files] == [
        ("resend", "duplicate"),
        ("resend", "accepted"),
        ("resend", "accepted"),
    ]
    assert Manifest.read(landing / "manifest-night2.json") == night2
    night1_paths = {e.path for e in night1.files}
    for entry in night2.files:
        assert entry.resend_of in night1_paths and entry.path not in night1_paths
        assert (landing / entry.path).exists() and entry.path.split("/")[1] == "inbox"
    dup = night2.files[0]
    assert (landing / dup.path).read_bytes() == before[Path(dup.resend_of).name]


def test_the_pipeline_gives_each_night_two_file_its_status(nights):
    landing, trust, night1, night2, before = nights
    ctx = Context.create(trust)
    seen = {hashlib.sha256(b).hexdigest() for b in before.values()}  # night one, already received
    for entry in night2.files:
        result = process_file(
            (landing / entry.path).read_bytes(),
            file_name=Path(entry.path).name,
            folder_macskcb=entry.macskcb,
            received_at=datetime(2026, 11, 21, tzinfo=UTC),
            ctx=ctx,
        )
        status = "duplicate" if result.receipt["sha256"] in seen else result.status
        assert status == entry.expected_status, (entry.path, result.receipt["errors"])
        if status == "accepted":
            assert [c["ma_lk"] for c in result.receipt["claims"]] == [c.ma_lk for c in entry.claims]


def test_the_corrected_claim_changes_one_quantity_and_every_formula_still_holds(nights):
    landing, _, _, night2, before = nights
    corrected = night2.files[1]
    old_bytes = before[Path(corrected.resend_of).name]
    new_bytes = (landing / corrected.path).read_bytes()
    (old,), (new,) = claims_in(old_bytes), claims_in(new_bytes)
    assert envelope_facts(new_bytes)[1] > envelope_facts(old_bytes)[1]  # a later NGAYLAP
    assert new["XML1"][0]["MA_LK"] == old["XML1"][0]["MA_LK"] == corrected.claims[0].ma_lk
    check_claim(new, factors())
    changed = [(a, b) for a, b in zip(old["XML2"], new["XML2"], strict=True) if a != b]
    assert len(changed) == 1
    a, b = changed[0]
    assert Decimal(b["SO_LUONG"]) > Decimal(a["SO_LUONG"])
    assert Decimal(new["XML1"][0]["T_TONGCHI_BV"]) > Decimal(old["XML1"][0]["T_TONGCHI_BV"])
    assert {t: r for t, r in old.items() if t not in ("XML1", "XML2")} == {
        t: r for t, r in new.items() if t not in ("XML1", "XML2")
    }


def test_the_withdrawal_is_the_same_claim_with_code_8(nights):
    landing, _, _, night2, before = nights
    entry = night2.files[2]
    (old,) = claims_in(before[Path(entry.resend_of).name])
    (new,) = claims_in((landing / entry.path).read_bytes())
    assert new["XML1"][0]["MA_DOITUONG_KCB"] == "8"
    assert {k: v for k, v in new["XML1"][0].items() if k != "MA_DOITUONG_KCB"} == {
        k: v for k, v in old["XML1"][0].items() if k != "MA_DOITUONG_KCB"
    }
    assert new["XML2"] == old["XML2"] and new["XML3"] == old["XML3"]
    assert night2.payment_cases == [
        {
            "macskcb": entry.macskcb,
            "ma_lk": entry.claims[0].ma_lk,
            "kinds": ["withdrawn"],
            "ma_doituong_kcb": "8",
            "muc_huong": new["XML2"][0]["MUC_HUONG"],
        }
    ]


def test_night_two_is_deterministic_wherever_night_one_lies(nights, tmp_path):
    landing, _, night1, night2, _ = nights
    root = shutil.copytree(landing.parent / "pristine", tmp_path / "again")  # night one, all in the inbox
    again = generate_resends(root / "landing", root / "trust", seed=SEED, manifest=night1)
    assert again == night2
    for entry in night2.files:
        assert (root / "landing" / entry.path).read_bytes() == (landing / entry.path).read_bytes()


def test_night_two_refuses_a_trust_directory_of_another_seed(nights, tmp_path):
    landing, _, night1, _, _ = nights
    generate_landing(tmp_path / "l", tmp_path / "t", facilities=3, claims=3, seed=SEED + 1)
    with pytest.raises(ValueError, match="was not made with seed"):
        generate_resends(landing, tmp_path / "t", seed=SEED, manifest=night1)
