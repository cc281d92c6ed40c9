"""The per-file path: raw bytes in, a receipt and typed record batches out. Plain functions, no Prefect.

guard (size, hardened parse, encoding, DOCTYPE) → envelope schema → signature → unpack (envelope checks,
strict base64, inner parse) → per claim: the table's version read from the document, table schema (libxml2;
xmlschema explains failures), MA_LK consistency, typing and conformance → receipt. A file-level failure stops
the file; a claim-level failure rejects that claim and the others go on (``partially_accepted``).
Conformance findings (STD.*) are warnings of an accepted claim; with ``Context.strict`` (``bhyt-etl verify
--strict``) they are errors that reject it. :func:`process_file` never raises.

A stand-alone signed message (XML12's ``CHI_TIEU_GIAM_DINH_YKHOA``: medical-assessment records, tied to no
claim) takes the same guard and the same signature stage (its signer bound to the folder's facility, since the
message names none), then its table's schema and typing; it is one unit: any XSD.* problem (or, strict, STD.*
finding) rejects the file. Its rows carry their position in the message (``message_stt``) and are listed in
the receipt's ``records``.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
from lxml import etree

from pipelines.common.settings import Settings
from pipelines.decide.guard import check_size, hardened_parser, parse_document
from pipelines.decide.normalize import Lineage, VersionedRows, table_rows, to_batch_many, type_rows
from pipelines.decide.signature import (
    SignatureOutcome,
    SignaturePolicy,
    StandAlone,
    TrustStore,
    verify_envelope,
)
from pipelines.decide.unpack import Claim, unpack
from pipelines.decide.validate import validate_envelope, validate_table_order
from pipelines.standard import Registry, TableSpec, load_registry
from pipelines.standard.codes import Problem
from pipelines.standard.registry import MESSAGE_COLUMN

log = logging.getLogger(__name__)
# signxml logs every canonicalized document at DEBUG: the whole signed envelope, patients' tables included
# (base64). Its records stop at INFO whatever level the root logger is given (bhyt-etl --verbose, a debug
# session); set this logger's level explicitly after import to see them on test data.
logging.getLogger("signxml").setLevel(logging.INFO)


@dataclass
class Context:
    """What a worker process needs to process files; built once per process."""

    registry: Registry
    trust: TrustStore
    settings: Settings
    parser: etree.XMLParser = field(default_factory=hardened_parser)
    inner_parser: etree.XMLParser = field(default_factory=lambda: hardened_parser(remove_comments=True))
    #: conformance warnings (STD.*) reject their claim, as errors (``bhyt-etl verify --strict``)
    strict: bool = False

    @classmethod
    def create(cls, trust_dir: Path, settings: Settings | None = None, *, strict: bool = False) -> Context:
        return cls(
            registry=load_registry(),
            trust=TrustStore.load(Path(trust_dir)),
            settings=settings or Settings(),
            strict=strict,
        )

    @property
    def policy(self) -> SignaturePolicy:
        return SignaturePolicy(allow_sha1_before=self.settings.allow_sha1_before)


@dataclass
class FileResult:
    receipt: dict[str, Any]
    #: accepted claims' typed rows per LOAIHOSO, each with the table version it was read with
    rows: dict[str, VersionedRows] = field(default_factory=dict)
    lineage: Lineage | None = None  # set whenever rows are
    registry: Registry | None = field(default=None, repr=False)  # set whenever rows are

    @property
    def status(self) -> str:
        status: str = self.receipt["status"]
        return status

    @property
    def batches(self) -> dict[str, pa.RecordBatch]:
        """This file's rows as one record batch per table (the nightly run batches many files at once)."""
        if not self.rows or self.registry is None or self.lineage is None:
            return {}
        return {
            lh: to_batch_many(self.registry, lh, [(rows, self.lineage)]) for lh, rows in self.rows.items()
        }


def _signature_block(outcome: SignatureOutcome | None) -> dict[str, Any]:
    if outcome is None:
        return {"status": "not_checked", "signer_subject": None, "signer_sha256": None, "algorithm": None}
    return {
        "status": outcome.status,
        "signer_subject": outcome.signer_subject,
        "signer_sha256": outcome.signer_sha256,
        "algorithm": outcome.algorithm,
        "revocation": outcome.revocation,
    }


def _receipt(
    file_name: str,
    sha256: str,
    macskcb: str,
    received_at: datetime,
    status: str,
    signature: dict[str, Any],
    claims: list[dict[str, Any]],
    problems: list[Problem],
) -> dict[str, Any]:
    return {
        "file": file_name,
        "sha256": sha256,
        "macskcb": macskcb,
        "received_at": received_at.isoformat(),
        "status": status,
        "signature": signature,
        "claims": claims,
        "errors": [p.to_receipt() for p in problems],
    }


def _claim_tables(
    claim: Claim, ctx: Context, ngaylap: date
) -> tuple[dict[str, VersionedRows], list[Problem], list[Problem]]:
    """Validate and type every table of one claim: the problems that reject the claim, and the conformance
    warnings (STD.*) of its values."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    typed: dict[str, VersionedRows] = {}
    registry = ctx.registry
    for table in claim.tables:
        if table.problem:
            table.problem.ma_lk = claim.ma_lk
            problems.append(table.problem)
            continue
        assert table.root is not None, "an inner table without a problem was parsed"
        spec = registry.for_document(table.loaihoso, table.root, ngaylap)
        found, in_order = validate_table_order(table.root, spec, ma_lk=claim.ma_lk)
        if found:
            problems.extend(found)
            continue
        rows = table_rows(table.root, spec)
        keyed = spec.has("MA_LK") and spec.field("MA_LK").required
        for i, row in enumerate(rows, 1):
            if not keyed and not row.get("MA_LK", "").strip():  # XML12 in GIAMDINHHS: its HOSO's key
                row["MA_LK"] = claim.ma_lk or ""
            if row.get("MA_LK", "").strip() != (claim.ma_lk or ""):
                problems.append(
                    Problem(
                        f"XSD.{spec.loaihoso}",
                        detail="MA_LK differs from the claim's XML1",
                        loaihoso=spec.loaihoso,
                        ma_lk=claim.ma_lk,
                        path=f"/{spec.root_tag}"
                        + ("" if spec.is_flat else f"/{spec.list_tag}/{spec.row_tag}[{i}]")
                        + "/MA_LK",
                    )
                )
                break
        shape = spec.shape is not None
        if shape and spec.shape != registry.for_file(spec.loaihoso, ngaylap).shape:
            warnings.append(
                Problem(
                    "STD.SHAPE",
                    detail=f"{spec.loaihoso} written in the {spec.shape} shape; on NGAYLAP "
                    f"{ngaylap:%Y%m%d} the standard's is {registry.for_file(spec.loaihoso, ngaylap).shape}",
                    loaihoso=spec.loaihoso,
                    ma_lk=claim.ma_lk,
                    path=f"/{spec.root_tag}",
                )
            )
        values, found = type_rows(
            rows, spec, ma_lk=claim.ma_lk, warnings=warnings, shape=shape, in_order=in_order
        )
        problems.extend(found)
        typed.setdefault(spec.loaihoso, []).extend((v, spec.version) for v in values)
    if ctx.strict:
        for w in warnings:
            w.strict = True
    return typed, problems, warnings


DS_SIGNATURE = "{http://www.w3.org/2000/09/xmldsig#}Signature"


def _signature_slots(root: etree._Element) -> Problem | None:
    """Signature slots are the signature stage's business, not the schema's: no CHUKYDONVI is unsigned,
    a second CHUKYDONVI or an extra Signature anywhere in the document, or a CHUKYDONVI that is not a child
    of the root, is a structure problem (as the signature stage's own pre-check says)."""
    slots = list(root.iter("CHUKYDONVI"))
    signatures = list(root.iter(DS_SIGNATURE))
    if not slots and not signatures:
        return Problem("SIG.UNSIGNED", detail="no CHUKYDONVI element")
    if len(slots) > 1 or len(signatures) > 1:
        return Problem(
            "SIG.STRUCTURE",
            detail=f"{len(slots)} CHUKYDONVI and {len(signatures)} Signature elements; "
            "exactly one of each is allowed",
        )
    if slots and slots[0].getparent() is not root:
        return Problem("SIG.STRUCTURE", detail=f"CHUKYDONVI is not a child of the root {root.tag!s}")
    return None


def duplicate_receipt(
    file_name: str, sha256: str, macskcb: str, received_at: str, original: dict[str, Any]
) -> dict[str, Any]:
    """The receipt of bytes received before: no new data; ``duplicate_of`` says which file they repeat."""
    return {
        "file": file_name,
        "sha256": sha256,
        "macskcb": macskcb,
        "received_at": received_at,
        "status": "duplicate",
        "signature": _signature_block(None),
        "claims": [],
        "errors": [],
        "duplicate_of": {k: original.get(k) for k in ("file", "received_at", "status")},
    }


def process_file(
    raw: bytes,
    *,
    file_name: str,
    folder_macskcb: str,
    received_at: datetime,
    ctx: Context,
    sha256: str | None = None,
) -> FileResult:
    """Everything ingest decides about one file.

    Never raises: an internal failure gives a SYS.INTERNAL receipt. ``sha256``: the file's, when ``raw`` is
    only its beginning (an upload over the size cap is not read whole).
    """
    sha256 = sha256 or hashlib.sha256(raw).hexdigest()
    try:
        return _process(raw, sha256, file_name, folder_macskcb, received_at, ctx)
    except Exception as exc:  # noqa: BLE001 - the boundary: every file ends with a receipt
        log.exception("internal error on file sha256=%s facility=%s", sha256[:12], folder_macskcb)
        problem = Problem("SYS.INTERNAL", detail=type(exc).__name__)
        return FileResult(
            _receipt(
                file_name,
                sha256,
                folder_macskcb,
                received_at,
                "rejected",
                _signature_block(None),
                [],
                [problem],
            )
        )


def _process(
    raw: bytes, sha256: str, file_name: str, folder: str, received_at: datetime, ctx: Context
) -> FileResult:
    def reject(problems: list[Problem], outcome: SignatureOutcome | None = None) -> FileResult:
        return FileResult(
            _receipt(
                file_name, sha256, folder, received_at, "rejected", _signature_block(outcome), [], problems
            )
        )

    problem = check_size(raw, ctx.settings.max_file_bytes)
    if problem:
        return reject([problem])
    root, problem = parse_document(raw, ctx.parser)
    if problem:
        return reject([problem])
    assert root is not None, "parse_document returns a root or a problem"
    slots = _signature_slots(root)
    if slots:
        return reject([slots])
    message = ctx.registry.message_spec(str(root.tag))
    if message is not None:
        return _message(raw, message, sha256, file_name, folder, received_at, ctx)
    envelope_problems = validate_envelope(root, ctx.registry)
    if envelope_problems:
        return reject(envelope_problems)
    outcome = verify_envelope(raw, ctx.trust, received_at=received_at, policy=ctx.policy)
    warnings: list[Problem] = []
    if outcome.code:
        return reject([Problem(outcome.code, detail=outcome.detail)], outcome)
    if outcome.status == "valid_legacy_sha1":
        warnings.append(Problem("SIG.LEGACY_SHA1", detail=outcome.detail))
    assert outcome.signed_root is not None, "an accepted signature hands on the signed tree"
    envelope, problems = unpack(
        outcome.signed_root,
        folder_macskcb=folder,
        parser=ctx.inner_parser,
        max_payload_bytes=ctx.settings.max_payload_bytes,
        max_hoso=ctx.settings.max_hoso_per_file,
    )
    if problems:
        return reject(problems, outcome)
    assert envelope is not None, "unpack returns an envelope or its problems"
    warnings.extend(envelope.warnings)
    claims_out: list[dict[str, Any]] = []
    accepted: dict[str, VersionedRows] = {}
    claim_problems: list[Problem] = []
    for claim in envelope.claims:
        typed, problems, conformance = _claim_tables(claim, ctx, envelope.ngaylap)
        if problems or (ctx.strict and conformance):
            claim_problems.extend(problems + conformance)
            claims_out.append({"ma_lk": claim.ma_lk, "status": "rejected", "version": None})
            continue
        claim_problems.extend(conformance)
        claims_out.append({"ma_lk": claim.ma_lk, "status": "accepted", "version": 1})
        for loaihoso, rows in typed.items():
            accepted.setdefault(loaihoso, []).extend(rows)
    n_ok = sum(c["status"] == "accepted" for c in claims_out)
    status = "accepted" if n_ok == len(claims_out) else ("partially_accepted" if n_ok else "rejected")
    receipt = _receipt(
        file_name,
        sha256,
        folder,
        received_at,
        status,
        _signature_block(outcome),
        claims_out,
        claim_problems + warnings,
    )
    return FileResult(receipt, accepted, Lineage(sha256, folder, received_at), ctx.registry)


def _message(
    raw: bytes,
    spec: TableSpec,
    sha256: str,
    file_name: str,
    folder: str,
    received_at: datetime,
    ctx: Context,
) -> FileResult:
    """A stand-alone signed message (XML12's own): signature as for an envelope, then the table's schema and
    typing over the signed data only; one unit, accepted or rejected whole."""

    def reject(problems: list[Problem], outcome: SignatureOutcome | None = None) -> FileResult:
        return FileResult(
            _receipt(
                file_name, sha256, folder, received_at, "rejected", _signature_block(outcome), [], problems
            )
        )

    outcome = verify_envelope(
        raw,
        ctx.trust,
        received_at=received_at,
        policy=ctx.policy,
        message=StandAlone(spec.root_tag, folder),
    )
    if outcome.code:
        return reject([Problem(outcome.code, detail=outcome.detail)], outcome)
    warnings: list[Problem] = []
    if outcome.status == "valid_legacy_sha1":
        warnings.append(Problem("SIG.LEGACY_SHA1", detail=outcome.detail))
    assert outcome.signed_root is not None, "an accepted signature hands on the signed tree"
    signed = outcome.signed_root
    problems, in_order = validate_table_order(signed, spec)
    if problems:
        return reject(problems, outcome)
    rows = table_rows(signed, spec)
    conformance: list[Problem] = []
    values, problems = type_rows(rows, spec, ma_lk=None, warnings=conformance, in_order=in_order)
    if ctx.strict:
        for w in conformance:
            w.strict = True
    if problems or (ctx.strict and conformance):
        return reject(problems + conformance + warnings, outcome)
    records = []
    for i, typed in enumerate(values, 1):
        typed[MESSAGE_COLUMN] = str(i)
        records.append({MESSAGE_COLUMN: i, "status": "accepted"})
    receipt = _receipt(
        file_name,
        sha256,
        folder,
        received_at,
        "accepted",
        _signature_block(outcome),
        [],
        conformance + warnings,
    )
    receipt["message"] = spec.loaihoso
    receipt["records"] = records
    return FileResult(
        receipt,
        {spec.loaihoso: [(v, spec.version) for v in values]},
        Lineage(sha256, folder, received_at),
        ctx.registry,
    )
