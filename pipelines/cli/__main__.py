"""``python -m pipelines.cli``: the same as ``bhyt-etl``."""

from pipelines.cli import main

raise SystemExit(main())
