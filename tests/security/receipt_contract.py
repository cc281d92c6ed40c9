"""The receipt contract of ARCHITECTURE.md, checked the same way by every test of ``tests/security``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from pipelines.standard.codes import catalogue

STATUSES = {"accepted", "partially_accepted", "rejected", "duplicate"}
REQUIRED = {"file", "sha256", "macskcb", "received_at", "status", "signature", "claims", "errors"}
OPTIONAL = {"duplicate_of"}  # a duplicate names the file it repeats


def check_receipt(receipt: dict[str, Any], *, pii: Iterable[str] = ()) -> None:
    """Required keys and nothing unknown, one of the four statuses, every code in the catalogue with its own
    severity and messages, claims shaped as the contract says, valid JSON, and no patient identifier."""
    assert REQUIRED <= set(receipt) <= REQUIRED | OPTIONAL, sorted(receipt)
    assert receipt["status"] in STATUSES, receipt["status"]
    assert len(receipt["sha256"]) == 64 and int(receipt["sha256"], 16) >= 0
    assert {"status", "signer_subject", "signer_sha256", "algorithm"} <= set(receipt["signature"])
    for claim in receipt["claims"]:
        assert {"ma_lk", "status", "version"} <= set(claim)
        assert claim["status"] in ("accepted", "rejected")
    cat = catalogue()
    for err in receipt["errors"]:
        assert {"code", "severity", "message_vi", "message_en"} <= set(err), err
        entry = cat.get(err["code"])
        assert entry is not None, f"{err['code']} is not in the catalogue"
        assert (err["severity"], err["message_vi"], err["message_en"]) == (
            entry.severity,
            entry.message_vi,
            entry.message_en,
        )
    if receipt["status"] == "rejected":
        assert any(cat[e["code"]].severity == "error" for e in receipt["errors"]), receipt["errors"]
        assert all(c["status"] == "rejected" for c in receipt["claims"])
    text = json.dumps(receipt, ensure_ascii=False)
    leaked = sorted(v for v in pii if v and v in text)
    assert not leaked, f"patient data in a receipt: {len(leaked)} value(s)"


def codes(receipt: dict[str, Any]) -> list[str]:
    return [e["code"] for e in receipt["errors"]]
