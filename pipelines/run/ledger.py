"""The ledger: what the lake holds, in one SQLite file (``<lake>/ledger.sqlite``), changed in transactions.

Every run writes its decisions as it goes and makes them real in one transaction (:meth:`Ledger.commit_run`).
Anything a run wrote before that transaction belongs to an uncommitted run and is undone by
:meth:`Ledger.recover` at the start of the next run, so a crash at any moment is repaired by running again.

Tables (grain in brackets):

``runs`` [run]                       run_id, times, state (running | committed | failed), counts
``arrivals`` [file that arrived]     macskcb, file_name, size, mtime, sha256, received_at, state
                                     (received → committed → answered), the run that decided it, receipt
``contents`` [distinct SHA-256]      the first committed arrival of each content: later ones are duplicates
``claim_versions`` [claim version]   (macskcb, ma_lk, version) with the file it came from
``parts`` [Parquet file]             every published lake file, its table, partition and row count
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.warehouse.ops import RunArrivalRow, VersionRow

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
    state TEXT NOT NULL CHECK (state IN ('received', 'committed', 'answered')),
    run_id TEXT,
    status TEXT,
    receipt TEXT,
    receipt_name TEXT,
    moved_to TEXT
);
CREATE INDEX IF NOT EXISTS arrivals_state ON arrivals (state);
CREATE INDEX IF NOT EXISTS arrivals_name ON arrivals (macskcb, file_name);
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
CREATE TABLE IF NOT EXISTS parts (
    path TEXT PRIMARY KEY,
    run_id TEXT NOT NULL,
    table_name TEXT NOT NULL,
    rows INTEGER NOT NULL,
    bytes INTEGER NOT NULL
);
"""


#: A committed, undelivered arrival: (arrival_id, macskcb, file_name, size, mtime, sha256, status, receipt).
AnswerRow = tuple[int, str, str, int, float, str, str, str]


@dataclass(frozen=True)
class Arrival:
    arrival_id: int
    macskcb: str
    file_name: str
    size: int
    mtime: float
    sha256: str
    received_at: str


class Ledger:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=60)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

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
        """Undo what uncommitted runs left: their versions, parts and decisions. Returns what was undone."""
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
            undone["decisions"] = db.execute(
                "UPDATE arrivals SET run_id = NULL, status = NULL, receipt = NULL "
                "WHERE state = 'received' AND run_id IS NOT NULL"
            ).rowcount
        return undone

    # -- arrivals ----------------------------------------------------------------------------------------
    def waiting(self) -> dict[tuple[str, str, int, float], int]:
        """Arrivals taken in but not yet decided, by (macskcb, name, size, mtime): a rerun reuses them."""
        cur = self.db.execute(
            "SELECT macskcb, file_name, size, mtime, arrival_id FROM arrivals WHERE state = 'received'"
        )
        return {(m, n, s, t): a for m, n, s, t, a in cur}

    def add_arrivals(self, rows: Iterable[tuple[str, str, int, float, str, str]]) -> None:
        """(macskcb, file_name, size, mtime, sha256, received_at) of files now in the raw zone."""
        with self._tx() as db:
            db.executemany(
                "INSERT INTO arrivals (macskcb, file_name, size, mtime, sha256, received_at, state) "
                "VALUES (?, ?, ?, ?, ?, ?, 'received')",
                rows,
            )

    def undecided(self) -> list[Arrival]:
        """Arrivals to decide, in upload order (so a correction uploaded later becomes the later version)."""
        cur = self.db.execute(
            "SELECT arrival_id, macskcb, file_name, size, mtime, sha256, received_at FROM arrivals "
            "WHERE state = 'received' ORDER BY mtime, macskcb, file_name, arrival_id"
        )
        return [Arrival(*row) for row in cur]

    def first_arrival_of(self, sha256: str) -> dict[str, Any] | None:
        cur = self.db.execute(
            "SELECT a.arrival_id, a.file_name, a.received_at, a.status FROM contents c "
            "JOIN arrivals a USING (arrival_id) WHERE c.sha256 = ?",
            (sha256,),
        )
        row = cur.fetchone()
        return (
            None
            if row is None
            else dict(zip(("arrival_id", "file", "received_at", "status"), row, strict=True))
        )

    def record_decisions(self, run_id: str, decisions: Iterable[tuple[int, str, dict[str, Any]]]) -> None:
        """(arrival_id, status, receipt) decided by this run; they become real when the run commits."""
        with self._tx() as db:
            db.executemany(
                "UPDATE arrivals SET run_id = ?, status = ?, receipt = ? WHERE arrival_id = ?",
                (
                    (run_id, status, json.dumps(receipt, ensure_ascii=False), aid)
                    for aid, status, receipt in decisions
                ),
            )

    def to_answer(self, page: int = 500) -> Iterator[AnswerRow]:
        """Committed arrivals whose receipt is undelivered: (id, macskcb, name, size, mtime, sha256, status,
        receipt),
        read a page at a time (a national night has half a million receipts: never all in memory)."""
        last = -1
        while True:
            rows = self.db.execute(
                "SELECT arrival_id, macskcb, file_name, size, mtime, sha256, status, receipt FROM arrivals "
                "WHERE state = 'committed' AND arrival_id > ? ORDER BY arrival_id LIMIT ?",
                (last, page),
            ).fetchall()
            if not rows:
                return
            yield from rows
            last = rows[-1][0]

    def earlier_answered(self, macskcb: str, file_name: str, arrival_id: int) -> list[tuple[int, str]]:
        """Earlier answered arrivals of the same name whose receipt sits under the contract name."""
        cur = self.db.execute(
            "SELECT arrival_id, receipt FROM arrivals WHERE macskcb = ? AND file_name = ? AND arrival_id < ? "
            "AND state = 'answered' AND receipt_name = ?",
            (macskcb, file_name, arrival_id, f"{file_name}.receipt.json"),
        )
        return list(cur)

    def mark_receipt_renamed(self, arrival_id: int, receipt_name: str) -> None:
        self.db.execute(
            "UPDATE arrivals SET receipt_name = ? WHERE arrival_id = ?", (receipt_name, arrival_id)
        )

    def mark_answered_many(self, rows: Iterable[tuple[int, str, str | None]]) -> None:
        """(arrival_id, receipt name, where the original went) of delivered receipts, in one transaction."""
        with self._tx() as db:
            db.executemany(
                "UPDATE arrivals SET state = 'answered', receipt_name = ?, moved_to = ? WHERE arrival_id = ?",
                ((name, moved, aid) for aid, name, moved in rows),
            )

    # -- versions ----------------------------------------------------------------------------------------
    def latest_versions(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
        out = {}
        for macskcb, ma_lk in keys:
            (v,) = self.db.execute(
                "SELECT COALESCE(MAX(version), 0) FROM claim_versions WHERE macskcb = ? AND ma_lk = ?",
                (macskcb, ma_lk),
            ).fetchone()
            out[(macskcb, ma_lk)] = v
        return out

    def add_versions(self, rows: Iterable[tuple[str, str, int, str, int, str]]) -> None:
        """(macskcb, ma_lk, version, source_sha256, arrival_id, run_id); real once the run commits."""
        with self._tx() as db:
            db.executemany("INSERT INTO claim_versions VALUES (?, ?, ?, ?, ?, ?)", rows)

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

    def add_parts(self, run_id: str, parts: Iterable[tuple[str, str, int, int]]) -> None:
        """Files a committed run adds after its commit (review findings): (path, table, rows, bytes)."""
        with self._tx() as db:
            db.executemany(
                "INSERT OR REPLACE INTO parts (path, run_id, table_name, rows, bytes) VALUES (?, ?, ?, ?, ?)",
                ((path, run_id, table, rows, size) for path, table, rows, size in parts),
            )

    def commit_run(self, run_id: str, parts: Iterable[tuple[str, str, int, int]]) -> int:
        """The moment the run becomes real: parts, decisions, versions and contents, in one transaction."""
        with self._tx() as db:
            db.executemany(
                "INSERT INTO parts (path, run_id, table_name, rows, bytes) VALUES (?, ?, ?, ?, ?)",
                ((path, run_id, table, rows, size) for path, table, rows, size in parts),
            )
            db.execute(
                "INSERT OR IGNORE INTO contents (sha256, arrival_id) "
                "SELECT sha256, MIN(arrival_id) FROM arrivals "
                "WHERE run_id = ? AND state = 'received' AND status <> 'duplicate' "
                "AND NOT (status = 'rejected' AND receipt LIKE '%\"SYS.INTERNAL\"%') GROUP BY sha256",
                (run_id,),
            )
            n = db.execute(
                "UPDATE arrivals SET state = 'committed' WHERE run_id = ? AND state = 'received'", (run_id,)
            ).rowcount
            db.execute("UPDATE runs SET state = 'committed' WHERE run_id = ?", (run_id,))
        return n

    def arrivals_of_run(self, run_id: str) -> Iterator[RunArrivalRow]:
        return self.db.execute(
            "SELECT arrival_id, macskcb, file_name, size, sha256, received_at, status, receipt FROM arrivals "
            "WHERE run_id = ? ORDER BY arrival_id",
            (run_id,),
        )

    def versions_of_run(self, run_id: str) -> Iterator[VersionRow]:
        return self.db.execute(
            "SELECT v.macskcb, v.ma_lk, v.version, v.source_sha256, a.file_name, a.received_at, v.run_id "
            "FROM claim_versions v JOIN arrivals a USING (arrival_id) WHERE v.run_id = ? "
            "ORDER BY v.macskcb, v.ma_lk, v.version",
            (run_id,),
        )


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")
