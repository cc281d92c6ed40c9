#!/usr/bin/env python3
"""Bootstrap on a fresh machine with only Python 3.11+: `python3 run.py demo` or `python3 run.py test`.

Creates ./.venv, installs the project (and its test extras) into it when pyproject.toml changed since the
last install, then runs the demo (`bhyt-etl demo`) or the whole test suite (ruff, the import layers, mypy,
then pytest). Standard library only, so it works before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
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


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("demo", "test"):
        print(__doc__)
        return 2
    ensure_env()
    os.chdir(ROOT)
    if argv[0] == "demo":
        return subprocess.run([str(BIN / "bhyt-etl"), "demo", *argv[1:]]).returncode
    checks = [
        [str(BIN / "ruff"), "check", "pipelines", "tests", "tools", "run.py"],
        [str(BIN / "lint-imports"), "--no-cache"],  # the layers of the package (pyproject.toml)
        [str(BIN / "mypy")],  # the types ([tool.mypy]; its cache lives in .venv)
    ]
    for check in checks:
        result = subprocess.run(check)
        if result.returncode:
            return result.returncode
    return subprocess.run([str(BIN / "python"), "-m", "pytest", *argv[1:]]).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
