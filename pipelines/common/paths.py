"""Where the project's own resources live (XSDs, reference catalogues, sample data)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def xsd_dir() -> Path:
    """The folder holding the standard's XSDs (the single source of truth for tables and types)."""
    return Path(os.environ.get("BHYT_XSD_DIR", REPO_ROOT / "xsd"))


def data_dir() -> Path:
    """The folder holding reference catalogues and the committed sample."""
    return Path(os.environ.get("BHYT_DATA_DIR", REPO_ROOT / "data"))


def catalog_dir() -> Path:
    return data_dir() / "catalogs"


#: the SQL files of the warehouse and its marts, one folder per schema or use (``ref``, ``review``,
#: ``payment``, ``patients``, ``examples``); shipped inside the package
SQL_ROOT = Path(__file__).resolve().parent.parent / "sql"
