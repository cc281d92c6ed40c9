"""The QĐ 130/4750/3176 standard as code: the table registry derived from the XSDs in ``xsd/``."""

from pipelines.standard.registry import (
    LINEAGE_FIELDS,
    Field,
    Registry,
    TableSpec,
    load_registry,
)

__all__ = ["LINEAGE_FIELDS", "Field", "Registry", "TableSpec", "load_registry"]
