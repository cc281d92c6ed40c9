"""Common: what every stage stands on: exceptions, settings, paths, file helpers, failpoints.

``errors``      the exceptions: terminal (never retried) and transient (retried), with their context
``settings``    one typed settings object: defaults, a TOML file, ``BHYT_*`` variables, flags
``paths``       where the project's own resources are (XSDs, catalogues, SQL)
``sqlheader``   the one grammar of the SQL files' headers and its strict parser (``docs/sql-files.md``)
``files``       atomic writes, durable folders, the lake's file modes
``failpoints``  named points where a test kills the run to prove that running again repairs it

May import: nothing of ``pipelines``.
"""
