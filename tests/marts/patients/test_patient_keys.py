"""One pseudonymous key per person: linked through CCCD or the BHXH number inside the card number, across
facilities and card renewals; never through name and birth date; the same key night after night."""

from __future__ import annotations

import hashlib
import random

import duckdb
import numpy as np
import pytest
from patients_support import KEY, key_of, withdrawn

from pipelines.marts.patients import build_patients, components
from pipelines.warehouse.identity import keyed_hash_sql


def claims_of(person: dict, skip: set) -> list[dict]:
    return [c for c in person["claims"] if (c["macskcb"], c["ma_lk"]) not in skip]


def xml1(con: duckdb.DuckDBPyConnection, claim: dict, *cols: str) -> tuple:
    return con.execute(
        f"SELECT {', '.join(cols)} FROM core.xml1 WHERE macskcb = ? AND ma_lk = ?",
        [claim["macskcb"], claim["ma_lk"]],
    ).fetchone()


def test_one_person_one_key_and_different_people_different_keys(built):
    con = built.connect()
    skip = withdrawn(con)
    keys_of_person = {}
    for person in built.manifest["people"]:
        keys = {key_of(con, c) for c in claims_of(person, skip)}
        if not keys:
            continue
        assert len(keys) == 1 and None not in keys, person
        keys_of_person[person["person_id"]] = keys.pop()
    assert len(set(keys_of_person.values())) == len(keys_of_person), "two people share a key"
    (patients, timeline, claims) = con.execute(
        "SELECT (SELECT count(*) FROM core.patients), (SELECT count(*) FROM core.patient_timeline), "
        "(SELECT count(*) FROM core.xml1 WHERE coalesce(ma_doituong_kcb, '') <> '8')"
    ).fetchone()
    assert patients == len(keys_of_person) and timeline == claims
    con.close()


def test_linked_across_two_facilities_through_cccd(built):
    con = built.connect()
    skip = withdrawn(con)
    seen = 0
    for person in built.manifest["people"]:
        claims = claims_of(person, skip)
        if person["no_cccd"] or len({c["macskcb"] for c in claims}) < 2:
            continue
        cccds = {xml1(con, c, "so_cccd")[0] for c in claims}
        assert len(cccds) == 1 and None not in cccds
        keys = {key_of(con, c) for c in claims}
        assert len(keys) == 1
        key = keys.pop()
        assert key == "C" + hashlib.sha256(f"{KEY}\x1f{cccds.pop()}".encode()).hexdigest()
        facilities = con.execute(
            "SELECT facilities FROM core.patients WHERE patient_key = ?", [key]
        ).fetchone()
        assert facilities[0] == len({c["macskcb"] for c in claims})
        seen += 1
    assert seen >= 2


def test_linked_through_the_bhxh_number_alone(built):
    con = built.connect()
    skip = withdrawn(con)
    people = [p for p in built.manifest["people"] if p["no_cccd"] and not p["renewed_card"]]
    assert people, "the generator's no-CCCD scenario is missing"
    for person in people:
        claims = claims_of(person, skip)
        assert len({c["macskcb"] for c in claims}) == 2
        rows = [xml1(con, c, "so_cccd", "ma_the_bhyt") for c in claims]
        assert all(r[0] is None for r in rows)
        bhxh = {r[1][-10:] for r in rows}
        assert len(bhxh) == 1
        keys = {key_of(con, c) for c in claims}
        assert keys == {"B" + hashlib.sha256(f"{KEY}\x1f{bhxh.pop()}".encode()).hexdigest()}


def test_renewed_card_is_still_the_same_person(built):
    con = built.connect()
    people = [p for p in built.manifest["people"] if p["renewed_card"]]
    assert {p["no_cccd"] for p in people} == {True, False}, "both renewal scenarios should be there"
    for person in people:
        cards = [xml1(con, c, "ma_the_bhyt")[0] for c in person["claims"]]
        assert len(set(cards)) == 2 and len({c[-10:] for c in cards}) == 1  # other card, same BHXH number
        keys = {key_of(con, c) for c in person["claims"]}
        assert len(keys) == 1
        assert keys.pop()[0] == ("B" if person["no_cccd"] else "C")


def test_namesakes_are_not_linked(built):
    con = built.connect()
    pairs = {(p["person_id"], p["namesake_of"]) for p in built.manifest["people"] if p["namesake_of"]}
    assert pairs
    by_id = {p["person_id"]: p for p in built.manifest["people"]}
    for a, b in pairs:
        ca, cb = by_id[a]["claims"][0], by_id[b]["claims"][0]
        assert xml1(con, ca, "ho_ten", "ngay_sinh", "gioi_tinh") == xml1(
            con, cb, "ho_ten", "ngay_sinh", "gioi_tinh"
        )
        assert key_of(con, ca) != key_of(con, cb)


def test_the_key_is_the_same_on_a_later_night(built, tmp_path):
    """Rebuilding on the same claims plus more (and in another order) keeps every existing person's key."""
    con = built.connect()
    before = dict(
        con.execute("SELECT macskcb || '/' || ma_lk, patient_key FROM core.patient_timeline").fetchall()
    )
    con.close()
    scratch = duckdb.connect()
    scratch.execute(f"ATTACH '{built.warehouse}' AS wh (READ_ONLY)")
    scratch.execute("CREATE SCHEMA core")
    # a later night: the same claims, received in another order, plus a new claim of a known person that
    # carries only his BHXH number
    scratch.execute("CREATE TABLE core.xml1 AS SELECT * FROM wh.core.xml1 ORDER BY md5(ma_lk) DESC")
    scratch.execute(
        "INSERT INTO core.xml1 SELECT * REPLACE ('99999' AS macskcb, ma_lk || 'N' AS ma_lk, NULL AS so_cccd) "
        "FROM core.xml1 WHERE so_cccd IS NOT NULL ORDER BY ma_lk LIMIT 1"
    )
    build_patients(scratch, KEY)
    after = dict(
        scratch.execute("SELECT macskcb || '/' || ma_lk, patient_key FROM core.patient_timeline").fetchall()
    )
    assert {k: after[k] for k in before} == before
    (new_key,) = scratch.execute(
        "SELECT patient_key FROM core.patient_timeline WHERE macskcb = '99999'"
    ).fetchone()
    assert new_key.startswith("C") and list(after.values()).count(new_key) >= 2
    # another key, other pseudonyms (nothing links across keys)
    build_patients(scratch, KEY + "-other")
    other = dict(
        scratch.execute("SELECT macskcb || '/' || ma_lk, patient_key FROM core.patient_timeline").fetchall()
    )
    assert not set(other.values()) & set(after.values())


# -- the linking rule on hand-made claims -----------------------------------------------------------------
def tiny(rows: list[tuple]) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse whose core.xml1 holds ``rows`` (macskcb, ma_lk, so_cccd, card[, code])."""
    con = duckdb.connect()
    con.execute("CREATE SCHEMA core")
    con.execute(
        "CREATE TABLE core.xml1 (macskcb VARCHAR, ma_lk VARCHAR, so_cccd VARCHAR, ma_the_bhyt VARCHAR, "
        "ma_doituong_kcb VARCHAR, ngay_vao TIMESTAMP, ngay_ra TIMESTAMP, ma_loai_kcb VARCHAR, "
        "ma_benh_chinh VARCHAR, t_tongchi_bv DECIMAL(18, 2), t_bhtt DECIMAL(18, 2))"
    )
    for i, row in enumerate(rows):
        mac, lk, cccd, card, *code = row
        con.execute(
            "INSERT INTO core.xml1 VALUES (?, ?, ?, ?, ?, TIMESTAMP '2026-10-01' + to_days(?), "
            "TIMESTAMP '2026-10-01' + to_days(?), '01', 'I10', 100, 80)",
            [mac, lk, cccd, card, code[0] if code else "1.1", i, i],
        )
    return con


def keys(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    build_patients(con, KEY)
    return dict(con.execute("SELECT ma_lk, patient_key FROM core.patient_timeline").fetchall())


def kh(value: str) -> str:
    return hashlib.sha256(f"{KEY}\x1f{value}".encode()).hexdigest()


def test_both_routes_lead_to_one_key_the_smallest_cccd():
    con = tiny(
        [
            ("79101", "a", "079090000222", "DN4790000000011"),  # CCCD and card
            ("01102", "b", None, "HT3010000000011"),  # the same BHXH number on another card, no CCCD
            ("48103", "c", "079090000111", "DN4790000000011;DN4790000000022"),  # another CCCD, two cards
            ("48103", "d", None, "DN4790000000022"),  # reached only through c's second card
            ("48103", "e", None, "GD4790000000033"),  # someone else, no CCCD
            ("79101", "f", "", "  "),  # nothing to link with
            ("79101", "g", "079090000111", "DN4790000000011", "8"),  # a withdrawal: not a visit
        ]
    )
    k = keys(con)
    assert k["a"] == k["b"] == k["c"] == k["d"] == "C" + kh("079090000111")
    assert k["e"] == "B" + kh("0000000033")
    assert k["f"] == "X" + kh("79101/f") and "g" not in k
    # exactly the analytics copy's keyed hash (pipelines.warehouse.analytics.keyed_hash_sql)
    (same,) = con.execute(
        f"SELECT {keyed_hash_sql(chr(39) + '079090000111' + chr(39))}", {"key": KEY}
    ).fetchone()
    assert k["a"] == "C" + same
    sql = "SELECT facilities, episodes FROM core.patients WHERE patient_key = ?"
    assert con.execute(sql, [k["a"]]).fetchone() == (3, 4)


def test_names_and_birth_dates_and_placeholders_do_not_link():
    placeholder = "012345678901"
    con = tiny(
        [
            (f"7910{i}", f"p{i}", placeholder, f"DN47900000001{i:02d}") for i in range(5)
        ]  # one CCCD typed for 5
        + [
            ("79101", "z1", "000000000000", "DN4790000000201"),
            ("79101", "z2", "000000000000", "DN4790000000202"),
        ]
        + [
            ("79101", "y1", None, "DN4790000000000"),
            ("01102", "y2", None, "HT3010000000000"),
        ]  # all-zero BHXH
        + [("79101", "s1", "ABC", "XX"), ("01102", "s2", "ABC", "XX")]  # not identifiers at all
    )
    con.execute("ALTER TABLE core.xml1 ADD COLUMN ho_ten VARCHAR DEFAULT 'Nguyễn Văn An'")
    k = keys(con)
    assert len({k[f"p{i}"] for i in range(5)}) == 5
    assert all(k[f"p{i}"].startswith("B") for i in range(5))
    assert k["z1"] != k["z2"] and k["y1"] != k["y2"] and k["s1"] != k["s2"]
    assert k["s1"].startswith("X")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_components_agree_with_union_find(seed):
    rng = random.Random(seed)
    n = 2000
    edges = [(rng.randrange(n), rng.randrange(n)) for _ in range(1500)] + [
        (i, i + 1) for i in range(500, 900)
    ]
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    u = np.array([a for a, _ in edges])
    v = np.array([b for _, b in edges])
    roots = components(u, v, n)
    groups: dict[int, list[int]] = {}
    for x in range(n):
        groups.setdefault(find(x), []).append(x)
    for members in groups.values():
        assert {int(roots[m]) for m in members} == {min(members)}
    assert components(np.array([], dtype=np.int64), np.array([], dtype=np.int64), 3).tolist() == [0, 1, 2]


def test_an_empty_warehouse_gives_empty_tables(tmp_path):
    con = tiny([])
    info = build_patients(con, KEY)
    assert info["patients"] == 0 and info["claims"] == 0
    assert con.execute("SELECT count(*) FROM core.patients").fetchone() == (0,)
    with pytest.raises(Exception, match="pseudonym key"):
        build_patients(con, "")


def test_the_key_is_not_stored(built):
    assert KEY.encode() not in built.warehouse.read_bytes()
