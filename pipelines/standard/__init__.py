"""Standard: the QĐ 130/4750/3176 standard as code.

``registry``  every table, its tags, fields and Arrow types, read once from the XSDs in ``xsd/`` (the single
              source of truth: nothing else lists columns)
``codes``     the receipt codes: the error catalogue (``error_catalogue.toml``) and :class:`Problem`

May import: ``pipelines.common``.
"""

from pipelines.standard.registry import (
    LINEAGE_FIELDS,
    Field,
    Registry,
    TableSpec,
    load_registry,
)

__all__ = ["LINEAGE_FIELDS", "Field", "Registry", "TableSpec", "load_registry"]
