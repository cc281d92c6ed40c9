"""`bhyt-etl`: the command line (contract in ARCHITECTURE.md), the demo and the benchmark.

The entry points, at the top of the layers: this package may import every other one. ``console`` holds what
the commands print; each command is defined (its parser and its function) in a module of its own or with its
kin (:data:`COMMANDS`).

A command's module is imported only when that command runs: :func:`main` looks at the command's name (the
first argument) and imports, with :mod:`importlib`, the one module :data:`COMMANDS` names for it, so that
``bhyt-etl verify`` reads no generator, no payment report and no Prefect (``python -X importtime``: ``import
pipelines.cli`` imports none of them; docs/development.md has the figures). Without a known command name
(``bhyt-etl --help``, a misspelt command) every module is imported, and the help lists every command with
its help, as argparse writes it. ``tests/test_architecture.py`` allows this one dynamic import
(``LAZY_ALLOWED``) and counts the modules named here as imports of this package in its cycle check; the
commands that run the flow import Prefect later still (``nights``).

May import: every other subpackage.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable

from pipelines.common.errors import PipelineError

#: command -> "module:function" that adds its parser (and those of its kin) to the subcommands; in the order
#: ``bhyt-etl --help`` lists them
COMMANDS: dict[str, str] = {
    "demo": "pipelines.cli.nights:add_parsers",
    "ingest": "pipelines.cli.nights:add_parsers",
    "bench": "pipelines.cli.nights:add_parsers",
    "generate": "pipelines.cli.generating:add_parsers",
    "verify": "pipelines.cli.verify:add_parsers",
    "dictionary": "pipelines.cli.dictionary:add_parsers",
    "report": "pipelines.marts.report:add_report_parser",
    "reprocess": "pipelines.cli.operations:add_operations_parsers",
    "check": "pipelines.cli.operations:add_operations_parsers",
    "rebuild": "pipelines.cli.operations:add_operations_parsers",
    "backup": "pipelines.cli.operations:add_operations_parsers",
    "privacy-report": "pipelines.cli.privacy:add_privacy_parser",
    "review": "pipelines.cli.catalog:add_catalog_parser",
    "catalog": "pipelines.cli.catalog:add_catalog_parser",
}


def _adder(target: str) -> Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], object]:
    module, _, function = target.partition(":")
    adder: Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], object] = getattr(
        importlib.import_module(module), function
    )
    return adder


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of ``command`` (and its kin in the same module) only, or of every command."""
    p = argparse.ArgumentParser(prog="bhyt-etl", description=__doc__.split("\n\n", 1)[0])
    sub = p.add_subparsers(dest="command", required=True)
    wanted = [COMMANDS[command]] if command in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for target in wanted:
        _adder(target)(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv[0] if argv else None).parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except PipelineError as exc:
        print(f"bhyt-etl: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 2)
    except (ValueError, OSError) as exc:
        print(f"bhyt-etl {args.command}: {exc}", file=sys.stderr)
        return 2
