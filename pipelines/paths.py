"""Where the project's own resources live (XSDs, reference catalogues, sample data)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def xsd_dir() -> Path:
    """The folder holding the standard's XSDs (the single source of truth for tables and types)."""
    return Path(os.environ.get("BHYT_XSD_DIR", REPO_ROOT / "xsd"))


def data_dir() -> Path:
    """The folder holding reference catalogues and the committed sample."""
    return Path(os.environ.get("BHYT_DATA_DIR", REPO_ROOT / "data"))


def catalog_dir() -> Path:
    return data_dir() / "catalogs"
