"""BHYT claims ETL: QĐ 130/4750/3176 XML claim files in, typed Parquet and a DuckDB warehouse out.

The subpackages follow the data, bottom to top (each may import only those listed below it):

    cli         entry points: ``bhyt-etl``, the demo, the benchmark
    flows       Prefect: the night's steps as tasks, the run report as artifacts
    run         the night as plain steps composed once; pool, worker, ledger, lake, lock
    marts       review, payment, patients, report export            (never decide or landing)
    landing     inboxes (local, SFTP) and the raw zone   ┐
    decide      one file's bytes → receipt + typed rows  ├ side by side, none imports another
    warehouse   DuckDB build and swap, analytics copy     ┘
    standard    the standard as code: table registry from the XSDs, receipt codes
    common      errors, settings, paths, file helpers, failpoints

``generate`` writes synthetic test data (it may import decide and standard; nothing imports it but cli).
``sql`` holds the SQL files (``ref``, ``review``, ``payment``, ``patients``, ``examples``). The layers are
checked by the test command (import-linter contracts in ``pyproject.toml``).
"""

__version__ = "0.1.0"
