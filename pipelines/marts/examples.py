"""The example queries an analyst can paste (``pipelines/sql/examples/*.sql``): what ``bhyt-etl demo`` runs
after its two nights and what docs/analysts.md shows; tests run every one against built warehouses.

Here rather than in the demo's module, which starts Prefect: reading the examples needs only the SQL files.
"""

from __future__ import annotations

from pipelines.common.paths import SQL_ROOT
from pipelines.warehouse.sqlfiles import folder_files

EXAMPLES = SQL_ROOT / "examples"


def example_queries() -> list[tuple[str, str]]:
    """(title, SQL) of every example query, in file order: the title from the file's header (the one SQL
    header parser), the SQL without the header."""
    return [(f.title, f.body) for f in folder_files(EXAMPLES, kind="example")]
