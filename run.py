#!/usr/bin/env python3
"""Bootstrap on a fresh machine with only Python 3.11+: `python3 run.py demo` or `python3 run.py test`.

Creates ./.venv, installs the project (and its test extras) into it when pyproject.toml changed since the
last install, then runs the demo (`bhyt-etl demo`) or the tests: ruff, the import layers, mypy, then
pytest on every core (pytest-xdist).

    python3 run.py test                         the full suite, as CI runs it (Hypothesis profile ci)
    python3 run.py test --fast                  all but the end-to-end and fuzz tests (profile dev)
    python3 run.py test --fast tests/decide -k sig     more arguments go to pytest
    python3 run.py test tests/flows -n 0        one process (no xdist)

The loops, the marks and the measured times: docs/development.md. Standard library only, so it works before
anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed-from"


def ensure_env() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs before anything is installed
        sys.exit(f"Python 3.11 or newer is needed (this is {sys.version.split()[0]})")
    if not (BIN / "python").exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != digest:
        print(
            "installing bhyt-etl and its dependencies into .venv (first run takes a few minutes) ...",
            flush=True,
        )
        pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
        subprocess.run([*pip, "install", "--upgrade", "pip"], check=True)
        subprocess.run([*pip, "install", "-e", f"{ROOT}[test]"], check=True)
        STAMP.write_text(digest)


#: pytest-xdist: tests/conftest.py makes each scope a work unit (a module, a folder, the end-to-end tests in
#: two) and orders them, longest first
DIST = ["--dist", "loadscope", "--no-loadscope-reorder"]
WORKERS = ["-n", "auto"]  # one worker per core
FAST = ["-m", "not e2e and not fuzz", "--hypothesis-profile=dev"]
FULL = ["--hypothesis-profile=ci"]


def pytest_args(argv: list[str]) -> list[str]:
    """``run.py test`` arguments to pytest's: ``--fast`` picks the fast loop; the rest pass through (the
    caller's ``-n``/``--numprocesses`` replaces one worker per core; ``-n 0``: one process)."""
    fast = "--fast" in argv
    rest = [a for a in argv if a != "--fast"]
    own_workers = any(
        (a.startswith("-n") and not a.startswith("--")) or a.startswith("--numprocesses") for a in rest
    )
    return [*DIST, *([] if own_workers else WORKERS), *(FAST if fast else FULL), *rest]


def compiled_once() -> None:
    """Python's compiled modules (and pytest's rewritten test modules) go to ``.venv/pycache`` and are reused
    by every later process: each pytest worker, each ``bhyt-etl`` command a test starts and each worker
    process of a night would otherwise compile the package and the tests again (collecting the suite: 10 s
    of CPU per worker without, 5.5 s with). ``PYTHONDONTWRITEBYTECODE``, which machines set to keep source
    trees clean, is lifted for these processes only: nothing is written next to the sources."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ.setdefault("PYTHONPYCACHEPREFIX", str(VENV / "pycache"))


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("demo", "test"):
        print(__doc__)
        return 2
    ensure_env()
    compiled_once()
    os.chdir(ROOT)
    if argv[0] == "demo":
        return subprocess.run([str(BIN / "bhyt-etl"), "demo", *argv[1:]]).returncode
    steps = [
        ("ruff", [str(BIN / "ruff"), "check", "pipelines", "tests", "tools", "run.py"]),
        ("lint-imports", [str(BIN / "lint-imports"), "--no-cache"]),  # the layers (pyproject.toml)
        ("mypy", [str(BIN / "mypy")]),  # the types ([tool.mypy]; its cache lives in .venv)
        ("pytest", [str(BIN / "python"), "-m", "pytest", *pytest_args(argv[1:])]),
    ]
    took = []
    started = time.monotonic()
    for name, command in steps:
        step_started = time.monotonic()
        returncode = subprocess.run(command).returncode
        took.append(f"{name} {time.monotonic() - step_started:.0f} s")
        if returncode:
            return returncode
    print(f"run.py test: {', '.join(took)}; {time.monotonic() - started:.0f} s in all", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
