"""Settings: defaults, then a TOML file, then ``BHYT_*`` environment variables, then command-line flags.

``BHYT_MAX_FILE_MB=128`` sets ``max_file_mb``; the TOML file (``--config FILE`` or ``BHYT_CONFIG``) holds the
same names at top level. Flags win over everything.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from pipelines.common.errors import ConfigurationError


@dataclass(frozen=True)
class Settings:
    max_file_mb: float = 64.0  # raw file size cap (SEC.TOO_LARGE)
    max_payload_mb: float = 32.0  # decoded size cap of one NOIDUNGFILE (ENV.PAYLOAD_TOO_LARGE)
    max_hoso_per_file: int = 5000
    allow_sha1_before: datetime | None = None  # legacy SHA-1 accepted for files received before this instant
    trust: Path | None = None
    landing: str | None = None
    lake: Path | None = None
    warehouse: Path | None = None
    workers: int = 0  # worker processes for the decide step; 0: one per core
    batch_size: int = 5000  # most files per batch (decided by one worker, committed at once; one task each)
    answer_commit_every: int = 200  # receipts delivered, then recorded as delivered, this many at a time
    executor: str = "local"  # where files are decided: local (this machine's processes) or dask
    dask_address: str | None = None  # the Dask scheduler, for executor dask: tcp://host:8786
    settle_seconds: float = 2.0  # an inbox file whose size or mtime changes within this window is left alone
    sftp_known_hosts: Path | None = None  # for sftp:// landing roots; default ~/.ssh/known_hosts
    #: the copy without identities; default <warehouse>-analytics.duckdb
    analytics_warehouse: Path | None = None
    #: folder with the fund's card eligibility list (eligibility.csv) that the BIZ.CARD rules read
    reference: Path | None = None
    #: key of the keyed hash (analytics copy, patient_key); default: one generated and kept in the lake
    pseudonym_key: str | None = None
    sftp_key: Path | None = None  # private key for sftp:// landing roots; default: agent and ~/.ssh keys
    #: the run report lists facilities that sent no file for more than this many days (ops.facility_activity)
    silent_days: int = 7
    #: ... and those whose share of rejected files over the last 7 days is this many percentage points above
    #: the 28 days before, with at least ``rejection_jump_min_files`` files in the 7 days
    rejection_jump_points: float = 20.0
    rejection_jump_min_files: int = 5

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def resolved_workers(self) -> int:
        return self.workers if self.workers > 0 else (os.cpu_count() or 1)

    @property
    def max_payload_bytes(self) -> int:
        return int(self.max_payload_mb * 1024 * 1024)


def _coerce(name: str, value: Any) -> Any:
    kinds = {f.name: f.type for f in fields(Settings)}
    kind = str(kinds[name])
    if value is None or value == "":
        return None
    try:
        if "Path" in kind:
            return Path(value)
        if "datetime" in kind:
            return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        if kind == "float":
            return float(value)
        if kind == "int":
            return int(value)
    except ValueError as exc:
        raise ConfigurationError(
            f"setting {name}: cannot read {value!r} ({exc}); fix BHYT_{name.upper()} or the TOML key {name}"
        ) from exc
    return value


def load_settings(config: Path | None = None, **flags: Any) -> Settings:
    """Resolve the settings; unknown TOML keys are an error (a typo must not pass silently)."""
    values: dict[str, Any] = {}
    names = {f.name for f in fields(Settings)}
    config = config or (Path(os.environ["BHYT_CONFIG"]) if os.environ.get("BHYT_CONFIG") else None)
    if config:
        try:
            data = tomllib.loads(Path(config).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigurationError(f"cannot read the settings file {config}: {exc}") from exc
        unknown = set(data) - names
        if unknown:
            raise ConfigurationError(f"unknown settings in {config}: {', '.join(sorted(unknown))}")
        values.update({k: _coerce(k, v) for k, v in data.items()})
    for name in names:
        env = os.environ.get(f"BHYT_{name.upper()}")
        if env is not None:
            values[name] = _coerce(name, env)
    values.update({k: _coerce(k, v) for k, v in flags.items() if v is not None})
    return replace(Settings(), **values)
