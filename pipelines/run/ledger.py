"""The ledger: what the lake holds, in one SQLite file (``<lake>/ledger.sqlite``), changed in transactions.

A run commits batch after batch: each batch's files become real in ONE transaction
(:meth:`Ledger.commit_batch`: the arrivals with their decisions, the new contents, the claim versions and
the lake files), after its Parquet files are in place. Nothing is written to the ledger before that, so a
crash at any moment leaves either a committed batch or nothing: what was staged for an uncommitted batch is
cleared at the next start, and its files are still in the inboxes. A run is ``committed`` from its first
batch on.

Tables (grain in brackets):

``runs`` [run]                       run_id, times, state (running | committed | failed), summary
``arrivals`` [file that arrived]     macskcb, file_name, size, mtime, sha256, received_at, state
                                     (committed → answered), the run that decided it, its status, and
                                     where its receipt is (a line of ``receipts/<run>/<batch>.jsonl``)
``contents`` [distinct SHA-256]      the first committed arrival of each content: later ones are duplicates
``claim_versions`` [claim version]   (macskcb, ma_lk, version) with the file it came from
``parts`` [lake file]                every published lake file, its table and row count
``meta`` [key]                       small facts of the lake (the fingerprint of the last warehouse built)
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.run.lake import file_sha256

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    state TEXT NOT NULL CHECK (state IN ('running', 'committed', 'failed')),
    landing TEXT,
    summary TEXT
);
CREATE TABLE IF NOT EXISTS arrivals (
    arrival_id INTEGER PRIMARY KEY,
    macskcb TEXT NOT NULL,
    file_name TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime REAL NOT NULL,
    sha256 TEXT NOT NULL,
    received_at TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('received', 'committed', 'answered')),  -- received: legacy only
    run_id TEXT,
    status TEXT,
    receipt TEXT,                                                               -- legacy ledgers only
    receipt_name TEXT,
    moved_to TEXT,
    receipt_path TEXT,
    receipt_line INTEGER,
    reprocess_of INTEGER                                                        -- a decision made again
);
CREATE INDEX IF NOT EXISTS arrivals_state ON arrivals (state);
CREATE INDEX IF NOT EXISTS arrivals_name ON arrivals (macskcb, file_name);
CREATE INDEX IF NOT EXISTS arrivals_reprocess ON arrivals (reprocess_of) WHERE reprocess_of IS NOT NULL;
CREATE TABLE IF NOT EXISTS contents (
    sha256 TEXT PRIMARY KEY,
    arrival_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS claim_versions (
    macskcb TEXT NOT NULL,
    ma_lk TEXT NOT NULL,
    version INTEGER NOT NULL,
    source_sha256 TEXT NOT NULL,
    arrival_id INTEGER NOT NULL,
    run_id TEXT NOT NULL,
    PRIMARY KEY (macskcb, ma_lk, version)
);
CREATE INDEX IF NOT EXISTS claim_versions_arrival ON claim_versions (arrival_id);
CREATE TABLE IF NOT EXISTS parts (
    path TEXT PRIMARY KEY,
    run_id TEXT NOT NULL,
    table_name TEXT NOT NULL,
    rows INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    sha256 TEXT                                                                 -- NULL: ledgers before it
);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""
#: columns added after the first release, for ledgers created before them
_ADDED_COLUMNS = (
    ("arrivals", "receipt_path", "TEXT"),
    ("arrivals", "receipt_line", "INTEGER"),
    ("arrivals", "reprocess_of", "INTEGER"),
    ("parts", "sha256", "TEXT"),
)

#: A committed, undelivered arrival: (arrival_id, macskcb, file_name, size, mtime, sha256, status,
#: receipt JSON (legacy ledgers), receipt_path, receipt_line).
AnswerRow = tuple[int, str, str, int, float, str, str, str | None, str | None, int | None]
#: An earlier answered arrival of the same name: (arrival_id, receipt JSON (legacy), receipt_path, line).
EarlierRow = tuple[int, str | None, str | None, int | None]
#: A published lake file: (path relative to the lake, table, rows, bytes) and, from this release on, its
#: SHA-256 (what ``check`` compares the file with)
Part = tuple[str, str, int, int] | tuple[str, str, int, int, str | None]
#: At most this many values in one ``IN (...)`` list (SQLite's default limit is far above; pages keep
#: statements short)
_PAGE = 500


@dataclass(frozen=True)
class Original:
    """The first committed arrival of a content: what a duplicate's receipt points to."""

    arrival_id: int
    file: str
    received_at: str
    status: str

    def as_receipt(self) -> dict[str, Any]:
        return {"file": self.file, "received_at": self.received_at, "status": self.status}


@dataclass(frozen=True)
class PartDetail:
    """A committed lake file as the ledger records it."""

    path: str
    run_id: str
    table: str
    rows: int
    bytes: int
    sha256: str | None  # None: published before the ledger recorded checksums


@dataclass(frozen=True)
class Decision:
    """The current decision of an upload (``Ledger.current_decisions``)."""

    upload: int  # the upload's arrival id
    arrival_id: int  # the decision's: the upload's own, or the latest reprocess of it
    macskcb: str
    file_name: str
    size: int
    mtime: float
    sha256: str
    received_at: str
    status: str
    state: str
    receipt_json: str | None
    receipt_path: str | None
    receipt_line: int | None
    first_receipt: str | None  # the name the upload's receipt was delivered under


@dataclass(frozen=True)
class BatchArrival:
    """An arrival as a batch committed it (``rebuild``)."""

    arrival_id: int
    macskcb: str
    file_name: str
    size: int
    mtime: float
    sha256: str
    received_at: str
    status: str
    receipt_line: int
    reprocess_of: int | None


@dataclass(frozen=True)
class AmendedRow:
    """A committed decision of ``reprocess`` whose amended receipt is to be delivered."""

    arrival_id: int
    upload: int
    macskcb: str
    file_name: str
    sha256: str
    status: str
    receipt_path: str
    receipt_line: int
    first_receipt: str | None
    number: int  # 2 for the first decision made again, 3 for the next, ...
    original_at: str | None  # where the original is: archive/<name> or rejected/<name>


def _part_row(run_id: str, part: Part) -> tuple[str, str, str, int, int, str | None]:
    sha = part[4] if len(part) > 4 else None
    return (part[0], run_id, part[1], part[2], part[3], sha)


@dataclass(frozen=True)
class CommittedFile:
    """One file of a batch as the commit records it."""

    arrival_id: int
    macskcb: str
    file_name: str
    size: int
    mtime: float
    sha256: str
    received_at: str
    status: str
    receipt_path: str
    receipt_line: int
    #: it counts as the first arrival of its content (not a duplicate, not an internal failure to retry)
    new_content: bool


def _pages(values: Sequence[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), _PAGE):
        yield list(values[start : start + _PAGE])


def _contents_of(db: sqlite3.Connection, shas: Sequence[str]) -> dict[str, Original]:
    out: dict[str, Original] = {}
    for page in _pages(shas):
        marks = ",".join("?" * len(page))
        cur = db.execute(
            "SELECT c.sha256, a.arrival_id, a.file_name, a.received_at, a.status FROM contents c "
            f"JOIN arrivals a USING (arrival_id) WHERE c.sha256 IN ({marks})",
            page,
        )
        for sha, aid, name, received_at, status in cur:
            out[sha] = Original(aid, name, received_at, status)
    return out


class LedgerReader:
    """A read-only view of the ledger for worker processes: which contents are already committed."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=60)

    def contents_of(self, shas: Sequence[str]) -> dict[str, Original]:
        return _contents_of(self.db, shas)

    def close(self) -> None:
        self.db.close()


class Ledger:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.exists():  # owner and group only; SQLite gives its -wal and -shm files this mode too
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640))
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=60)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        for table, column, kind in _ADDED_COLUMNS:  # before the schema's indexes: they may name them
            known = {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}
            if known and column not in known:
                self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
        self.db.executescript(SCHEMA)

    @classmethod
    def read_only(cls, path: Path) -> Ledger:
        """The ledger opened for reading only (``check``, ``backup``): no migration, nothing written."""
        ledger = cls.__new__(cls)
        ledger.path = Path(path)
        ledger.db = sqlite3.connect(f"{ledger.path.resolve().as_uri()}?mode=ro", uri=True, timeout=60)
        return ledger

    def close(self) -> None:
        self.db.close()

    def _has_column(self, table: str, column: str) -> bool:
        return column in {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}

    # -- transactions ------------------------------------------------------------------------------------
    def _tx(self) -> _Transaction:
        return _Transaction(self.db)

    # -- runs --------------------------------------------------------------------------------------------
    def start_run(self, run_id: str, started_at: str, landing: str) -> None:
        self.db.execute(
            "INSERT INTO runs (run_id, started_at, state, landing) VALUES (?, ?, 'running', ?)",
            (run_id, started_at, landing),
        )

    def finish_run(self, run_id: str, finished_at: str, summary: dict[str, Any], state: str) -> None:
        self.db.execute(
            "UPDATE runs SET finished_at = ?, summary = ?, state = CASE WHEN state = 'committed' "
            "THEN 'committed' ELSE ? END WHERE run_id = ?",
            (finished_at, json.dumps(summary), state, run_id),
        )

    def runs(self) -> list[dict[str, Any]]:
        cur = self.db.execute("SELECT * FROM runs ORDER BY started_at")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur]

    def recover(self) -> dict[str, int]:
        """Close runs that died before committing anything, and undo what runs of the earlier design (which
        wrote decisions before one commit per run) left uncommitted. Returns what was undone."""
        with self._tx() as db:
            dead = [r for (r,) in db.execute("SELECT run_id FROM runs WHERE state = 'running'")]
            undone = {"runs": len(dead), "versions": 0, "parts": 0, "decisions": 0}
            for run_id in dead:
                undone["versions"] += db.execute(
                    "DELETE FROM claim_versions WHERE run_id = ?", (run_id,)
                ).rowcount
                undone["parts"] += db.execute("DELETE FROM parts WHERE run_id = ?", (run_id,)).rowcount
                db.execute(
                    "UPDATE runs SET state = 'failed', finished_at = COALESCE(finished_at, started_at) "
                    "WHERE run_id = ?",
                    (run_id,),
                )
            # arrivals the earlier design took in but never committed: their originals are still in the inbox
            undone["decisions"] = db.execute("DELETE FROM arrivals WHERE state = 'received'").rowcount
        return undone

    # -- arrivals ----------------------------------------------------------------------------------------
    def next_arrival_id(self) -> int:
        row = self.db.execute("SELECT COALESCE(MAX(arrival_id), 0) + 1 FROM arrivals").fetchone()
        return int(row[0])

    def contents_of(self, shas: Sequence[str]) -> dict[str, Original]:
        """The first committed arrival of each of these contents that the lake already holds."""
        return _contents_of(self.db, shas)

    def first_arrival_of(self, sha256: str) -> Original | None:
        return self.contents_of([sha256]).get(sha256)

    def to_answer(self, page: int = _PAGE) -> Iterator[AnswerRow]:
        """Committed arrivals whose receipt is undelivered, in arrival order, read a page at a time (a
        national night has half a million receipts: never all in memory). Decisions made again by
        ``reprocess`` are not among them: their amended receipts are its to deliver (:meth:`amended`)."""
        last = -1
        while True:
            rows = self.db.execute(
                "SELECT arrival_id, macskcb, file_name, size, mtime, sha256, status, receipt, receipt_path, "
                "receipt_line FROM arrivals WHERE state = 'committed' AND arrival_id > ? "
                "AND reprocess_of IS NULL ORDER BY arrival_id LIMIT ?",
                (last, page),
            ).fetchall()
            if not rows:
                return
            yield from rows
            last = rows[-1][0]

    def earlier_answered(self, macskcb: str, file_name: str, arrival_id: int) -> list[EarlierRow]:
        """Earlier answered arrivals of the same name whose receipt sits under the contract name."""
        cur = self.db.execute(
            "SELECT arrival_id, receipt, receipt_path, receipt_line FROM arrivals WHERE macskcb = ? "
            "AND file_name = ? AND arrival_id < ? AND state = 'answered' AND receipt_name = ?",
            (macskcb, file_name, arrival_id, f"{file_name}.receipt.json"),
        )
        return list(cur)

    def mark_answered_many(self, rows: Iterable[tuple[int, str, str | None]]) -> None:
        """(arrival_id, receipt name, where the original went) of delivered receipts, in one transaction."""
        with self._tx() as db:
            db.executemany(
                "UPDATE arrivals SET state = 'answered', receipt_name = ?, moved_to = ? WHERE arrival_id = ?",
                ((name, moved, aid) for aid, name, moved in rows),
            )

    def mark_receipts_renamed(self, rows: Iterable[tuple[int, str]]) -> None:
        """(arrival_id, new receipt name) of earlier receipts kept under a name of their own."""
        with self._tx() as db:
            db.executemany(
                "UPDATE arrivals SET receipt_name = ? WHERE arrival_id = ?", ((n, a) for a, n in rows)
            )

    # -- decisions made again (reprocess) ---------------------------------------------------------------
    def current_decisions(
        self,
        statuses: Sequence[str],
        *,
        since: str | None = None,
        until: str | None = None,
        facility: str | None = None,
    ) -> list[Decision]:
        """The current decision of every upload (its own, or the latest ``reprocess`` made of it) whose
        status is one of ``statuses`` and whose receipt is delivered, in upload order; ``since``/``until``
        (``YYYY-MM-DD``, inclusive, UTC) bound the day the upload was received. Duplicates are not uploads
        of their own: their bytes are decided with the upload that first brought them."""
        marks = ",".join("?" * len(statuses))
        # a decision is current when no later reprocess decided its upload again (index on reprocess_of)
        sql = (
            "SELECT COALESCE(a.reprocess_of, a.arrival_id), a.arrival_id, u.macskcb, u.file_name, u.size, "
            "u.mtime, u.sha256, u.received_at, a.status, a.state, a.receipt, a.receipt_path, a.receipt_line, "
            "u.receipt_name FROM arrivals a "
            "JOIN arrivals u ON u.arrival_id = COALESCE(a.reprocess_of, a.arrival_id) "
            f"WHERE a.status IN ({marks}) AND a.state <> 'received' AND NOT EXISTS (SELECT 1 FROM arrivals r "
            "WHERE r.reprocess_of = COALESCE(a.reprocess_of, a.arrival_id) AND r.arrival_id > a.arrival_id)"
        )
        args: list[Any] = list(statuses)
        if since:
            sql += " AND substr(u.received_at, 1, 10) >= ?"
            args.append(since)
        if until:
            sql += " AND substr(u.received_at, 1, 10) <= ?"
            args.append(until)
        if facility:
            sql += " AND u.macskcb = ?"
            args.append(facility)
        return [Decision(*row) for row in self.db.execute(sql + " ORDER BY 1", args)]

    def accepted_from(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict[str, int]]:
        """(macskcb, sha256) → MA_LK → version of the claims already accepted from these bytes."""
        wanted = list(dict.fromkeys(keys))
        out: dict[tuple[str, str], dict[str, int]] = {k: {} for k in wanted}
        for page in _pages(wanted):
            marks = ",".join("(?, ?)" for _ in page)
            cur = self.db.execute(
                "SELECT macskcb, source_sha256, ma_lk, version FROM claim_versions "
                f"WHERE (macskcb, source_sha256) IN (VALUES {marks})",
                [v for key in page for v in key],
            )
            for macskcb, sha, ma_lk, version in cur:
                out[(macskcb, sha)][ma_lk] = int(version)
        return out

    def amended_to_answer(self) -> list[AmendedRow]:
        """Committed decisions of ``reprocess`` whose amended receipt is undelivered, in arrival order, with
        what delivering it needs: the upload's first receipt name, this decision's number (the upload's own
        is 1) and where the original is now."""
        rows = self.db.execute(
            "SELECT a.arrival_id, a.reprocess_of, a.macskcb, a.file_name, a.sha256, a.status, "
            "a.receipt_path, a.receipt_line, u.receipt_name, "
            "(SELECT count(*) FROM arrivals r WHERE r.reprocess_of = a.reprocess_of "
            " AND r.arrival_id <= a.arrival_id) + 1, "
            "(SELECT m.moved_to FROM arrivals m WHERE (m.arrival_id = a.reprocess_of OR m.reprocess_of = "
            " a.reprocess_of) AND m.moved_to IS NOT NULL AND m.arrival_id < a.arrival_id "
            " ORDER BY m.arrival_id DESC LIMIT 1) "
            "FROM arrivals a JOIN arrivals u ON u.arrival_id = a.reprocess_of "
            "WHERE a.state = 'committed' AND a.reprocess_of IS NOT NULL ORDER BY a.arrival_id"
        ).fetchall()
        return [AmendedRow(*row) for row in rows]

    # -- versions ----------------------------------------------------------------------------------------
    def latest_versions(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """The latest committed version of each (macskcb, ma_lk), 0 for a claim never seen."""
        wanted = list(dict.fromkeys(keys))
        out = dict.fromkeys(wanted, 0)
        for page in _pages(wanted):
            marks = ",".join("(?, ?)" for _ in page)
            cur = self.db.execute(
                "SELECT macskcb, ma_lk, MAX(version) FROM claim_versions "
                f"WHERE (macskcb, ma_lk) IN (VALUES {marks}) GROUP BY macskcb, ma_lk",
                [v for key in page for v in key],
            )
            for macskcb, ma_lk, version in cur:
                out[(macskcb, ma_lk)] = int(version)
        return out

    def versions_of(self, arrival_ids: Sequence[int]) -> dict[int, dict[str, int]]:
        """MA_LK → version of the claims each of these arrivals added (for their receipts)."""
        out: dict[int, dict[str, int]] = {}
        for page in _pages(arrival_ids):
            marks = ",".join("?" * len(page))
            cur = self.db.execute(
                f"SELECT arrival_id, ma_lk, version FROM claim_versions WHERE arrival_id IN ({marks})",
                page,
            )
            for aid, ma_lk, version in cur:
                out.setdefault(int(aid), {})[ma_lk] = int(version)
        return out

    # -- parts and commit --------------------------------------------------------------------------------
    def parts(self, table_name: str | None = None) -> list[tuple[str, str, int]]:
        """Committed lake files: (path relative to the lake, table, rows)."""
        sql = (
            "SELECT p.path, p.table_name, p.rows FROM parts p JOIN runs r USING (run_id) "
            "WHERE r.state = 'committed'"
        )
        args: tuple[str, ...] = ()
        if table_name:
            sql += " AND p.table_name = ?"
            args = (table_name,)
        return list(self.db.execute(sql + " ORDER BY p.path", args))

    def all_part_paths(self) -> set[str]:
        return {p for (p,) in self.db.execute("SELECT path FROM parts")}

    def add_parts(self, run_id: str, parts: Iterable[Part]) -> None:
        """Files a committed run adds after its batches (review findings): (path, table, rows, bytes[,
        sha256]); a checksum not given is taken from the file in the lake."""
        lake = self.path.parent
        rows = [
            p if len(p) > 4 else (*p, file_sha256(lake / p[0]) if (lake / p[0]).is_file() else None)
            for p in parts
        ]
        with self._tx() as db:
            db.executemany(
                "INSERT OR REPLACE INTO parts (path, run_id, table_name, rows, bytes, sha256) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (_part_row(run_id, p) for p in rows),
            )

    def part_details(self) -> list[PartDetail]:
        """Every committed lake file with what the ledger knows of it, for ``check`` and ``rebuild``."""
        checksum = "p.sha256" if self._has_column("parts", "sha256") else "NULL"  # a ledger not yet migrated
        cur = self.db.execute(
            f"SELECT p.path, p.run_id, p.table_name, p.rows, p.bytes, {checksum} FROM parts p "
            "JOIN runs r USING (run_id) WHERE r.state = 'committed' ORDER BY p.path"
        )
        return [PartDetail(*row) for row in cur]

    def received_contents(self) -> set[str]:
        """Every SHA-256 the ledger committed an arrival of (each has its file in the raw zone)."""
        cur = self.db.execute("SELECT DISTINCT sha256 FROM arrivals WHERE state IN ('committed', 'answered')")
        return {sha for (sha,) in cur}

    def drop_part(self, path: str) -> None:
        """Forget a derived lake file (review findings) so that the next build makes it again."""
        with self._tx() as db:
            db.execute("DELETE FROM parts WHERE path = ?", (path,))

    def batch_arrivals(self, run_id: str, receipts_path: str) -> list[BatchArrival]:
        """The arrivals a batch committed (its receipts file names the batch), in the batch's order."""
        cur = self.db.execute(
            "SELECT arrival_id, macskcb, file_name, size, mtime, sha256, received_at, status, receipt_line, "
            "reprocess_of FROM arrivals WHERE run_id = ? AND receipt_path = ? ORDER BY receipt_line",
            (run_id, receipts_path),
        )
        return [BatchArrival(*row) for row in cur]

    def replace_part(self, path: str, rows: int, size: int, sha256: str) -> None:
        """A lake file rewritten by ``rebuild`` or ``review --recheck``: its new rows, size and checksum."""
        with self._tx() as db:
            db.execute(
                "UPDATE parts SET rows = ?, bytes = ?, sha256 = ? WHERE path = ?", (rows, size, sha256, path)
            )

    def commit_batch(
        self,
        run_id: str,
        files: Sequence[CommittedFile],
        versions: Iterable[tuple[str, str, int, str, int]],
        parts: Iterable[Part],
        *,
        reprocess_of: Mapping[int, int] | None = None,
    ) -> None:
        """The moment a batch becomes real, in one transaction: its files with their decisions, the
        contents they bring, their claim versions ``(macskcb, ma_lk, version, source_sha256, arrival_id)``
        and the lake files ``(path, table, rows, bytes[, sha256])`` already in their place; the run is
        committed from then on.

        ``reprocess_of`` (``reprocess``): new arrival id → the upload whose bytes it decided again; the
        content then points at the new decision (a later upload of the same bytes is a duplicate of it)."""
        parts = list(parts)
        with self._tx() as db:
            db.executemany(
                "INSERT INTO arrivals (arrival_id, macskcb, file_name, size, mtime, sha256, received_at, "
                "state, run_id, status, receipt_path, receipt_line) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'committed', ?, ?, ?, ?)",
                (
                    (
                        f.arrival_id,
                        f.macskcb,
                        f.file_name,
                        f.size,
                        f.mtime,
                        f.sha256,
                        f.received_at,
                        run_id,
                        f.status,
                        f.receipt_path,
                        f.receipt_line,
                    )
                    for f in files
                ),
            )
            db.executemany(
                "INSERT OR IGNORE INTO contents (sha256, arrival_id) VALUES (?, ?)",
                ((f.sha256, f.arrival_id) for f in files if f.new_content),
            )
            db.executemany(
                "INSERT INTO claim_versions (macskcb, ma_lk, version, source_sha256, arrival_id, run_id) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                ((*v, run_id) for v in versions),
            )
            db.executemany(
                "INSERT INTO parts (path, run_id, table_name, rows, bytes, sha256) VALUES (?, ?, ?, ?, ?, ?)",
                (_part_row(run_id, p) for p in parts),
            )
            if reprocess_of:
                db.executemany(
                    "UPDATE arrivals SET reprocess_of = ? WHERE arrival_id = ?",
                    ((upload, aid) for aid, upload in reprocess_of.items()),
                )
                shas = {f.arrival_id: f.sha256 for f in files}
                db.executemany(
                    "UPDATE contents SET arrival_id = ? WHERE sha256 = ?",
                    ((aid, shas[aid]) for aid in reprocess_of),
                )
            db.execute("UPDATE runs SET state = 'committed' WHERE run_id = ?", (run_id,))

    # -- meta --------------------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")
