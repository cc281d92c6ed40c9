"""Odd file names and odd inbox entries through a whole night (`tests/built_warehouse.ingest`).

One facility's inbox gets every odd thing at once: names with ``..``, spaces, Vietnamese letters in NFC and
in NFD (two different files), a newline, shell characters, a name at the length limit and one over it, a
name that is not UTF-8, in-flight uploads (``.part``, ``.tmp``, ``.filepart``, dot-files), a zero-byte file,
symbolic links (to a file outside the landing tree, to a folder, dangling, to another facility's upload),
sub-folders (one named ``*.xml``), a named pipe, an ``outbox`` planted as a symbolic link to a folder outside,
and a file swapped for a symbolic link between intake and answer.

The contract: every regular file with an answerable name gets exactly one ``outbox/<name>.receipt.json``
and leaves the inbox for archive/ or rejected/; everything else is left exactly where it is, never read,
never followed, never moved; nothing is written outside the facility's folder; the night completes.
"""

from __future__ import annotations

import json
import logging
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from receipt_contract import check_receipt
from support.built_warehouse import ingest

from pipelines.generate.landing import generate_landing
from pipelines.landing.inbox import MAX_NAME_BYTES
from pipelines.run import worker
from pipelines.run.worker import Delivered, Delivery, Where

VIETNAMESE = "hồ sơ tháng 10.xml"
ANSWERED = [
    "a..b.xml",
    "and...more..dots...xml",
    "with space.xml",
    " leading and trailing space .xml",
    unicodedata.normalize("NFC", VIETNAMESE),
    unicodedata.normalize("NFD", VIETNAMESE),
    "new\nline.xml",
    "-rf ; $(echo pwned) & `id`.xml",
    "back\\slash.xml",
    "noext",
    "UPPER.XML",
    "x.xml.receipt.json",
    "n" * (MAX_NAME_BYTES - 4) + ".xml",  # exactly at the limit
]
IN_FLIGHT = ["upload.xml.part", "upload.xml.tmp", "upload.xml.filepart", "..hidden.xml", ".partial.xml"]
TOO_LONG = "t" * (MAX_NAME_BYTES - 3) + ".xml"  # one byte over the limit (room for answering is kept)
WAY_TOO_LONG = "w" * 246 + ".xml"  # 250 bytes: a legal name whose receipt name (263 bytes) cannot exist
NOT_UTF8 = os.fsdecode(b"h\xf4 s\xf5.xml")  # Latin-1 bytes from an old client
SWAPPED = "swapped-after-intake.xml"


@dataclass
class Result:
    root: Path
    fac: str
    other: str
    good: bytes
    regular: dict[str, bytes]  # the files that must be answered, name -> bytes
    left: set[str]  # what must still be in the inbox afterwards
    outside_before: dict[str, tuple[bytes, float]]
    landing_before: set[str]
    summary: dict
    errors_logged: list[str]

    @property
    def folder(self) -> Path:
        return self.root / "landing" / self.fac


def _snapshot(folder: Path) -> dict[str, tuple[bytes, float]]:
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in filenames + dirnames:
            p = Path(dirpath) / name
            st = p.lstat()
            out[str(p.relative_to(folder))] = (p.read_bytes() if p.is_file() else b"", st.st_mtime)
    return out


def _paths(folder: Path) -> set[str]:
    return {str((Path(d) / n).relative_to(folder)) for d, ds, fs in os.walk(folder) for n in ds + fs}


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> Result:
    root = tmp_path_factory.mktemp("names")
    manifest = generate_landing(root / "landing", root / "trust", facilities=2, claims=4, seed=11)
    fac, other = (f["macskcb"] for f in manifest.facilities[:2])
    inbox = root / "landing" / fac / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    other_inbox = root / "landing" / other / "inbox"
    other_file = next(p for p in sorted(other_inbox.iterdir()) if p.is_file())
    good = next(p for p in sorted(inbox.iterdir()) if p.is_file()).read_bytes()
    regular = {p.name: p.read_bytes() for p in inbox.iterdir()}

    # distinct bytes per file (blank lines after the root are outside what is signed): each is decided
    names = [*ANSWERED, SWAPPED, "empty.xml"]
    for i, name in enumerate(names, 1):
        data = b"" if name == "empty.xml" else good + b"\n" * i
        (inbox / name).write_bytes(data)
        regular[name] = data
    left = set()
    for name in [*IN_FLIGHT, TOO_LONG, WAY_TOO_LONG]:
        (inbox / name).write_bytes(good)
        left.add(name)
    try:
        (inbox / NOT_UTF8).write_bytes(good)
        left.add(NOT_UTF8)
    except (OSError, UnicodeEncodeError):
        pass  # a file system that refuses such names cannot receive them either

    outside = root / "outside"
    (outside / "dir").mkdir(parents=True)
    (outside / "secret.xml").write_bytes(good)
    (outside / "dir" / "inner.xml").write_bytes(good)
    (outside / "swap-target.xml").write_bytes(b"<not-to-be-touched/>")
    planted = root / "planted-outbox"
    planted.mkdir()
    links = {"link.xml": outside / "secret.xml", "linkdir.xml": outside / "dir",
             "dangling.xml": outside / "missing.xml", "cross-facility.xml": other_file}
    for name, target in links.items():
        os.symlink(target, inbox / name)
        left.add(name)
    for sub in ("sub", "trap.xml"):
        (inbox / sub).mkdir()
        (inbox / sub / "inner.xml").write_bytes(good)
        left.add(sub)
    os.mkfifo(inbox / "pipe.xml")  # reading it would block the night forever
    left.add("pipe.xml")
    os.symlink(planted, root / "landing" / fac / "outbox")
    left.add(SWAPPED)  # swapped for a symbolic link before the answer: never moved

    outside_before = {**_snapshot(outside), **{f"planted/{k}": v for k, v in _snapshot(planted).items()}}
    landing_before = _paths(root / "landing")

    original_deliver = worker.deliver_batch

    def deliver_after_swapping(items: list[Delivery], where: Where | None = None) -> Delivered:
        # the upload was read and decided; before its receipt is delivered, it becomes a link
        if (inbox / SWAPPED).is_file() and not (inbox / SWAPPED).is_symlink():
            (inbox / SWAPPED).unlink()
            os.symlink(outside / "swap-target.xml", inbox / SWAPPED)
        return original_deliver(items, where)

    handler = _Collect()
    logging.getLogger().addHandler(handler)
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(worker, "deliver_batch", deliver_after_swapping)
            summary = ingest(root)
    finally:
        logging.getLogger().removeHandler(handler)
    outside_after = {**_snapshot(outside), **{f"planted/{k}": v for k, v in _snapshot(planted).items()}}
    assert outside_after == outside_before
    return Result(root, fac, other, good, regular, left, outside_before, landing_before, summary,
                  [r.getMessage() for r in handler.records if r.levelno >= logging.ERROR])


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_every_regular_file_gets_exactly_one_receipt_under_its_own_name(night: Result) -> None:
    outbox = night.folder / "outbox"
    assert outbox.is_dir() and not outbox.is_symlink()
    expected = {f"{name}.receipt.json" for name in night.regular}
    assert set(os.listdir(outbox)) == expected  # nothing else: no temporary file left, no extra receipt
    for name in night.regular:
        receipt = json.loads((outbox / f"{name}.receipt.json").read_text(encoding="utf-8"))
        check_receipt(receipt)
        assert receipt["file"] == name and receipt["macskcb"] == night.fac
    empty = json.loads((outbox / "empty.xml.receipt.json").read_text(encoding="utf-8"))
    assert empty["status"] == "rejected" and [e["code"] for e in empty["errors"]] == ["XML.EMPTY"]
    odd = json.loads((outbox / f"{VIETNAMESE}.receipt.json").read_text(encoding="utf-8"))
    assert odd["status"] == "accepted", odd["errors"]


def test_nfc_and_nfd_spellings_are_two_files_with_two_receipts(night: Result) -> None:
    nfc, nfd = unicodedata.normalize("NFC", VIETNAMESE), unicodedata.normalize("NFD", VIETNAMESE)
    assert nfc != nfd
    outbox = os.listdir(night.folder / "outbox")
    assert f"{nfc}.receipt.json" in outbox and f"{nfd}.receipt.json" in outbox


def test_answered_originals_left_the_inbox_and_everything_else_stayed(night: Result) -> None:
    inbox = night.folder / "inbox"
    assert set(os.listdir(inbox)) == night.left
    moved = set(os.listdir(night.folder / "archive")) | set(os.listdir(night.folder / "rejected"))
    assert moved == set(night.regular) - {SWAPPED}
    for name, data in night.regular.items():
        if name == SWAPPED:
            continue
        where = night.folder / ("rejected" if name == "empty.xml" else "archive") / name
        assert where.read_bytes() == data, name
    for name in IN_FLIGHT + [TOO_LONG, WAY_TOO_LONG, "sub", "trap.xml", "pipe.xml"]:
        assert os.path.lexists(inbox / name), name


def test_symbolic_links_are_never_followed_read_or_moved(night: Result) -> None:
    """Links in the inbox stay links, untouched; their targets (outside the tree, or another facility's
    upload) keep their bytes and mtime (checked in the fixture) and never get a receipt here."""
    inbox = night.folder / "inbox"
    for name in ("link.xml", "linkdir.xml", "dangling.xml", "cross-facility.xml"):
        assert (inbox / name).is_symlink(), name
        assert not (night.folder / "outbox" / f"{name}.receipt.json").exists()
    # the other facility's file was answered once, in its own folder, under its own name
    other = night.root / "landing" / night.other
    target = Path(os.readlink(inbox / "cross-facility.xml"))
    assert (other / "outbox" / f"{target.name}.receipt.json").exists()


def test_a_file_swapped_for_a_link_before_the_answer_gets_its_receipt_and_is_not_moved(night: Result) -> None:
    """The bytes received are answered; the link now in its place is not followed nor moved (its target, a
    file outside the tree, is unchanged: fixture)."""
    assert (night.folder / "inbox" / SWAPPED).is_symlink()
    receipt = json.loads((night.folder / "outbox" / f"{SWAPPED}.receipt.json").read_text(encoding="utf-8"))
    assert receipt["status"] == "accepted"
    assert not os.path.lexists(night.folder / "archive" / SWAPPED)


def test_planted_outbox_link_is_replaced_not_written_through(night: Result) -> None:
    """``outbox`` was a link to a folder outside the tree: receipts went to a real ``outbox/`` and the outside
    folder is still empty (fixture compares it before and after)."""
    assert not os.listdir(night.root / "planted-outbox")
    assert (night.folder / "outbox").is_dir() and not (night.folder / "outbox").is_symlink()


def test_nothing_is_written_outside_the_facility_folders(night: Result) -> None:
    after = _paths(night.root / "landing")
    new = after - night.landing_before
    for path in new:
        parts = Path(path).parts
        assert parts[0] in (night.fac, night.other) and parts[1] in ("outbox", "archive", "rejected"), path
    assert {p.name for p in night.root.iterdir()} <= {"landing", "trust", "lake", "outside", "planted-outbox",
                                                     "warehouse.duckdb", "warehouse-analytics.duckdb",
                                                     "warehouse-analytics.parts"}


def test_names_that_cannot_be_answered_are_left_and_reported(night: Result) -> None:
    """Over-long and non-UTF-8 names: no receipt could carry them (the file system caps a name at 255 bytes;
    the ledger and the receipt are UTF-8), so they stay in the inbox, unread, with an ERROR in the log that
    does not repeat the name; before the fix they stopped the whole night (ENAMETOOLONG in the answer step,
    UnicodeEncodeError in the ledger) for every facility, and again on every later night."""
    other_receipts = len(os.listdir(night.root / "landing" / night.other / "outbox"))
    assert night.summary["files"]["received"] == len(night.regular) + other_receipts
    assert any(night.fac in m and "left alone" in m for m in night.errors_logged), night.errors_logged
    assert not any(TOO_LONG in m or WAY_TOO_LONG in m for m in night.errors_logged)
