"""The lake's operations tables: ``ops.files`` (one row per decision of a file that arrived: its upload, and
each time ``reprocess`` decided it again with a new outcome) and ``core.claim_versions``.

A run writes them as Parquet next to the claim tables, one file per batch of files (the worker writes its
batch's ``ops.files`` rows, the commit its claim versions); the warehouse reads them like any other lake
table. Receipts are summarised here, never copied: no receipt text, and so no patient data, reaches them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import pyarrow as pa

#: A file a run decided: (arrival_id, macskcb, file_name, size, sha256, received_at (ISO-8601), status,
#: receipt, run_id).
FileRow = tuple[int, str, str, int, str, str, str, dict[str, Any], str]
#: A claim version a run added: (macskcb, ma_lk, version, source_sha256, file_name, received_at, run_id).
VersionRow = tuple[str, str, int, str, str, str, str]

_FILES_COLUMNS: list[tuple[str, pa.DataType]] = [
    ("arrival_id", pa.int64()),
    ("sha256", pa.string()),
    ("macskcb", pa.string()),
    ("file_name", pa.string()),
    ("size_bytes", pa.int64()),
    ("received_at", pa.timestamp("us", tz="UTC")),
    ("status", pa.string()),
    ("error_codes", pa.list_(pa.string())),
    ("errors", pa.int32()),
    ("warnings", pa.int32()),
    ("signature_status", pa.string()),
    ("signer_sha256", pa.string()),
    ("claims_accepted", pa.int32()),
    ("claims_rejected", pa.int32()),
    ("duplicate_of_file", pa.string()),
    ("run_id", pa.string()),
    ("reprocess_of", pa.int64()),
]
FILES_SCHEMA = pa.schema(_FILES_COLUMNS)

_CLAIM_VERSIONS_COLUMNS: list[tuple[str, pa.DataType]] = [
    ("macskcb", pa.string()),
    ("ma_lk", pa.string()),
    ("version", pa.int32()),
    ("source_sha256", pa.string()),
    ("file_name", pa.string()),
    ("received_at", pa.timestamp("us", tz="UTC")),
    ("run_id", pa.string()),
]
CLAIM_VERSIONS_SCHEMA = pa.schema(_CLAIM_VERSIONS_COLUMNS)

_CONFORMANCE_COLUMNS: list[tuple[str, pa.DataType]] = [
    ("macskcb", pa.string()),
    ("ma_lk", pa.string()),
    ("source_sha256", pa.string()),
    ("received_at", pa.timestamp("us", tz="UTC")),
    ("code", pa.string()),
    ("severity", pa.string()),
    ("loaihoso", pa.string()),
    ("field", pa.string()),
    ("path", pa.string()),
    ("detail", pa.string()),
    ("run_id", pa.string()),
]
CONFORMANCE_SCHEMA = pa.schema(_CONFORMANCE_COLUMNS)


def conformance_table(rows: Iterable[FileRow]) -> pa.Table:
    """ops.conformance rows: the conformance findings (STD.*) of the accepted claims in files' receipts, one
    per (claim, code, field, table document) as the receipt counts them. Details name fields, rules and
    counts, never values (pipelines/decide/conform.py)."""
    cols: dict[str, list[Any]] = {f.name: [] for f in CONFORMANCE_SCHEMA}
    for _, macskcb, _, _, sha, received_at, _, receipt, run_id in rows:
        accepted = {c["ma_lk"] for c in receipt.get("claims", []) if c["status"] == "accepted"}
        for e in receipt.get("errors", []):
            if not e["code"].startswith("STD.") or e.get("ma_lk") not in accepted:
                continue
            path = e.get("path") or ""
            last = path.rsplit("/", 1)[-1]
            cols["macskcb"].append(macskcb)
            cols["ma_lk"].append(e["ma_lk"])
            cols["source_sha256"].append(sha)
            cols["received_at"].append(datetime.fromisoformat(received_at))
            cols["code"].append(e["code"])
            cols["severity"].append(e["severity"])
            cols["loaihoso"].append(e.get("loaihoso"))
            cols["field"].append(last if last.isupper() and "[" not in last and path.count("/") > 1 else None)
            cols["path"].append(path or None)
            cols["detail"].append(e.get("detail"))
            cols["run_id"].append(run_id)
    return pa.Table.from_pydict(cols, schema=CONFORMANCE_SCHEMA)


def files_table(rows: Iterable[FileRow], reprocess_of: Mapping[int, int] | None = None) -> pa.Table:
    """ops.files rows from files' receipts (summarised, never copied: no receipt text reaches the table).
    ``reprocess_of``: arrival id → the upload it decided again (``bhyt-etl reprocess``)."""
    cols: dict[str, list[Any]] = {f.name: [] for f in FILES_SCHEMA}
    for arrival_id, macskcb, file_name, size, sha, received_at, status, receipt, run_id in rows:
        errors = receipt.get("errors", [])
        claims = receipt.get("claims", [])
        cols["arrival_id"].append(arrival_id)
        cols["sha256"].append(sha)
        cols["macskcb"].append(macskcb)
        cols["file_name"].append(file_name)
        cols["size_bytes"].append(size)
        cols["received_at"].append(datetime.fromisoformat(received_at))
        cols["status"].append(status)
        cols["error_codes"].append(sorted({e["code"] for e in errors}))
        cols["errors"].append(sum(e["severity"] == "error" for e in errors))
        cols["warnings"].append(sum(e["severity"] == "warning" for e in errors))
        cols["signature_status"].append(receipt["signature"]["status"])
        cols["signer_sha256"].append(receipt["signature"].get("signer_sha256"))
        cols["claims_accepted"].append(sum(c["status"] == "accepted" for c in claims))
        cols["claims_rejected"].append(sum(c["status"] == "rejected" for c in claims))
        cols["duplicate_of_file"].append((receipt.get("duplicate_of") or {}).get("file"))
        cols["run_id"].append(run_id)
        cols["reprocess_of"].append((reprocess_of or {}).get(arrival_id))
    return pa.Table.from_pydict(cols, schema=FILES_SCHEMA)


def claim_versions_table(rows: Iterable[VersionRow]) -> pa.Table:
    cols: dict[str, list[Any]] = {f.name: [] for f in CLAIM_VERSIONS_SCHEMA}
    for macskcb, ma_lk, version, sha, file_name, received_at, run_id in rows:
        for name, value in zip(
            CLAIM_VERSIONS_SCHEMA.names,
            (macskcb, ma_lk, version, sha, file_name, datetime.fromisoformat(received_at), run_id),
            strict=True,
        ):
            cols[name].append(value)
    return pa.Table.from_pydict(cols, schema=CLAIM_VERSIONS_SCHEMA)
