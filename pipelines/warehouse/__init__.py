"""Warehouse: the DuckDB file analysts open, built over the lake, checked, swapped in atomically.

``build``       views over exactly the committed Parquet files, ``core.*`` current versions, checks, swap
``ops``         the operations tables (``ops.files``, ``core.claim_versions``) a run writes to the lake
``identity``    the identity policy (``identity.toml``) and the keyed hash
``analytics``   the copy without identities, built from the full warehouse
``dictionary``  the data dictionary, from the XSDs and the SQL files' headers
``sqlfiles``    the one runner of the SQL files: in order, parameters filled in, columns checked

May import: ``pipelines.standard``, ``pipelines.common``. Never ``decide``, ``landing``, ``run`` or
``marts``: what sits on top (the marts) is passed in by the run (``build_warehouse(extend=...)``).
"""
