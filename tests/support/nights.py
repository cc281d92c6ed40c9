"""Generated nights made once per test session and copied by the tests that use them.

Generating a landing tree costs seconds (signing keys, signatures, XSD checks) and ingesting it seconds more
(the warehouse, the marts, the analytics copy). Modules whose seed and size do not matter ask for the same
night, by the same arguments: the first xdist worker to ask makes it in a folder all the session's workers
see, and every later ask, on any worker, takes it as made (a worker asking while another makes it waits).

    def test_x(nights, tmp_path):
        root = copy_of(nights.ingested(**COMMON_NIGHT), tmp_path / "root")

``nights.generated(...)`` and ``nights.ingested(...)`` return a *pristine* root that nobody writes: a test
that changes anything (a lake file, the ledger, a warehouse, an inbox) works on :func:`copy_of` it. Reading
the pristine root (``read_only=True`` connections, receipts) needs no copy.

The copy is a whole copy (files and their modes; symbolic links as links): the lake is small, and a Parquet
file shared by a hard link would be damaged for every later reader by a test that truncates its copy.
Note that the warehouse's views name their lake files by absolute path, as the product writes them: a copied
``warehouse.duckdb`` reads the pristine lake until a night or a rebuild builds it again over the copy's.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.common.paths import data_dir
from pipelines.generate.landing import generate_landing
from support.built_warehouse import ingest
from support.sharing import file_lock

#: the arguments of ``generate_landing`` that made the committed sample (data/sample/README.md);
#: tests/generate/test_sample.py checks that they still make it byte for byte, so a night asked for with
#: them is copied from data/sample instead of generated again
SAMPLE: dict[str, Any] = {"facilities": 3, "claims": 30, "seed": 1, "defects": True}
#: the generated night that modules share when their seed and size do not matter: the sample's 3 facilities
#: and 30 claims with every defect (accepted, partly accepted, rejected and duplicate files), ingested in
#: batches of 6 (several batches' worth of lake parts); tests/conftest.py puts its modules in the work unit
#: ``common-night``
COMMON_NIGHT: dict[str, Any] = {**SAMPLE, "batch_size": 6}


def _key(kwargs: dict[str, Any]) -> tuple:
    return tuple(sorted(kwargs.items()))


def _name(kind: str, key: tuple) -> str:
    """A folder name for a night, the same in every process that asks for it by the same arguments."""
    return f"{kind}-{hashlib.sha256(repr(key).encode()).hexdigest()[:16]}"


class Nights:
    """The nights of a test session, each made the first time any worker asks for it (``nights`` fixture).

    ``base`` is a folder every xdist worker of the session sees (the parent of their base temporary
    folders): the first worker to ask for a night makes it there under a lock, a worker that asks meanwhile
    waits for it, and later ones take it as it is. A night is only marked made (``<name>.done``) once
    finished, so a worker that died while making one leaves it to be made again. Within a process the
    answers are also kept in memory."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self._generated: dict[tuple, Path] = {}
        self._ingested: dict[tuple, Path] = {}
        self._summaries: dict[Path, dict] = {}

    def _made(self, kind: str, key: tuple, make: Callable[[Path], object]) -> tuple[Path, Any]:
        """The root of the night ``key`` (made by ``make(root)`` if no process has made it yet) and what
        ``make`` returned when it was made (kept as JSON beside the root)."""
        root = self.base / _name(kind, key)
        done = root.with_name(root.name + ".done")
        with file_lock(root.with_name(root.name + ".lock")):
            if not done.exists():
                shutil.rmtree(root, ignore_errors=True)  # what a worker that died while making it left
                made = make(root)
                done.write_text(json.dumps(made, default=str), encoding="utf-8")
        return root, json.loads(done.read_text(encoding="utf-8"))

    def generated(self, *, reference: bool = False, **generate: Any) -> Path:
        """A root holding ``landing/`` and ``trust/`` (and ``reference/`` with ``reference=True``) as
        ``generate_landing(**generate)`` writes them."""
        key = _key({**generate, "reference": reference})
        if key not in self._generated:

            def make(root: Path) -> None:
                if generate == SAMPLE:  # what generate_landing(**SAMPLE) writes, committed
                    for folder in ("landing", "trust", *(["reference"] if reference else [])):
                        shutil.copytree(data_dir() / "sample" / folder, root / folder)
                else:
                    generate_landing(
                        root / "landing",
                        root / "trust",
                        reference=root / "reference" if reference else None,
                        **generate,
                    )

            self._generated[key], _ = self._made("generated", key, make)
        return self._generated[key]

    def ingested(self, *, batch_size: int = 64, **generate: Any) -> Path:
        """A root holding the generated night after one nightly run over it (``landing/`` answered,
        ``lake/``, ``warehouse.duckdb``, ``warehouse-analytics.duckdb``), the worker in this process."""
        key = _key({**generate, "batch_size": batch_size})
        if key not in self._ingested:

            def make(root: Path) -> dict:
                copy_of(self.generated(**generate), root)
                return ingest(root, batch_size=batch_size)

            root, summary = self._made("ingested", key, make)
            self._summaries[root] = summary
            self._ingested[key] = root
        return self._ingested[key]

    def summary(self, ingested: Path) -> dict:
        """The run summary of the night that made an :meth:`ingested` root (``run_night``'s answer, as
        JSON gives it back)."""
        return self._summaries[ingested]


def copy_of(pristine: Path, dest: Path) -> Path:
    """A copy of a pristine root that the caller may change; returns ``dest``."""
    shutil.copytree(pristine, dest, symlinks=True)
    return dest


#: the sample night's facility registered that never sends a file (tests/run/test_activity.py)
SILENT = ("79999", "Trạm y tế chưa gửi")
#: the sample night's upload over the cap, its folder, and the cap (tests/run/test_oversized_upload.py)
HUGE_UPLOAD, HUGE_FACILITY, CAP_MB = "huge_upload.xml", "79101", 1.0


@dataclass(frozen=True)
class SampleNight:
    """The committed sample's first night (``sample_night`` fixture of tests/run/conftest.py)."""

    root: Path  # landing/, trust/, later/ (night two's files), lake/, warehouse.duckdb
    summary: dict  # the night's run summary
    huge_sha256: str  # of the upload over the cap, as sent
    huge_size: int


def sample_night_one(root: Path) -> SampleNight:
    """``data/sample`` as a first night, ingested at ``root``: what test_backup, test_activity and
    test_oversized_upload each used to ingest a variant of the sample for, in one night:

    - every second inbox file of each facility held back in ``later/<facility>/`` for night two (backup);
    - one more facility registered in ``facilities.csv`` that never sends (activity);
    - a 3 MB upload to 79101 against a cap of 1 MB (oversized upload; the sample's files are far below it).
    """
    sample = data_dir() / "sample"
    shutil.copytree(sample / "landing", root / "landing")
    shutil.copytree(sample / "trust", root / "trust")
    for inbox in sorted((root / "landing").glob("*/inbox")):
        for i, path in enumerate(sorted(inbox.iterdir())):
            if i % 2:
                target = root / "later" / inbox.parent.name / path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(path, target)
    with open(root / "trust" / "facilities.csv", "a", encoding="utf-8") as fh:
        fh.write(f"{SILENT[0]},{SILENT[1]},9999999999,\n")
    huge = root / "landing" / HUGE_FACILITY / "inbox" / HUGE_UPLOAD
    huge.write_bytes(b"<GIAMDINHHS>" + b"A" * (3 * 1024 * 1024) + b"</GIAMDINHHS>")
    sha, size = hashlib.sha256(huge.read_bytes()).hexdigest(), huge.stat().st_size
    others = [p for p in (root / "landing").glob("*/inbox/*") if p != huge]
    assert others and all(p.stat().st_size < CAP_MB * 1024 * 1024 for p in others)
    summary = ingest(root, max_file_mb=CAP_MB)
    return SampleNight(root, summary, sha, size)
