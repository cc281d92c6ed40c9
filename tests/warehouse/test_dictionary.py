"""The data dictionary is generated, complete, and committed up to date."""

from __future__ import annotations

from pathlib import Path

import duckdb
from support.nights import COMMON_NIGHT

from pipelines.warehouse.dictionary import all_docs, render_markdown

REPO = Path(__file__).resolve().parents[2]


def test_the_committed_dictionary_is_up_to_date():
    committed = (REPO / "docs" / "DATA_DICTIONARY.md").read_text(encoding="utf-8")
    assert committed == render_markdown(), "run `bhyt-etl dictionary` and commit docs/DATA_DICTIONARY.md"


def test_every_warehouse_object_and_column_has_a_grain_and_a_meaning(nights):
    root = nights.ingested(**COMMON_NIGHT)  # the shared night, read only: any night has every object
    documented = {d.name for d in all_docs()}
    for warehouse in ("warehouse.duckdb", "warehouse-analytics.duckdb"):
        con = duckdb.connect(str(root / warehouse), read_only=True)
        objects = con.execute(
            "SELECT schema_name || '.' || table_name, comment FROM duckdb_tables() WHERE NOT internal "
            "UNION ALL SELECT schema_name || '.' || view_name, comment FROM duckdb_views() WHERE NOT internal"
        ).fetchall()
        for name, comment in objects:
            assert name in documented, f"{warehouse}: {name} is not in the data dictionary"
            assert comment and "Grain:" in comment, name
        undocumented = con.execute(
            "SELECT schema_name || '.' || table_name || '.' || column_name FROM duckdb_columns() "
            "WHERE NOT internal AND (comment IS NULL OR comment = '')"
        ).fetchall()
        assert not undocumented, f"{warehouse}: columns without a meaning: {undocumented[:10]}"
        con.close()
