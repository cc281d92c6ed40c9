"""Run: the night as plain steps, and the one place that composes them (``night.run_night``).

``night``   ``Night`` (what to run on) → ``open()`` → a ``Run`` whose methods are the steps;
            ``run_night`` runs them in order through a step runner (plain, or the Prefect flow's)
``pool``    where files are decided: this machine's processes or a Dask cluster, behind one interface
``worker``  the per-file work in a worker process (read the raw copy, decide, rows by settlement month)
``ledger``  what the lake holds, in SQLite, changed in transactions
``lake``    Parquet staged per run, then published atomically
``lock``    one run at a time per lake
``report``  the run report
``reprocess``  raw-zone files decided again as a run of its own (``bhyt-etl reprocess``)
``check``   the lake verified against the ledger, read-only (``bhyt-etl check``; the open step's quick part)
``rebuild`` damaged lake files made again from the raw zone (``bhyt-etl rebuild --from-raw``)
``backup``  a consistent, incremental copy of the lake (``bhyt-etl backup``)
``activity``  ``ops.facility_activity`` and the report's silent facilities and rejection jumps

May import: ``pipelines.landing``, ``pipelines.decide``, ``pipelines.warehouse``, ``pipelines.marts``,
``pipelines.standard``, ``pipelines.common``. Never Prefect: the flow wraps these steps, not the reverse.
"""
