"""Shared fixtures, the Hypothesis profiles, and the marks and work units given to tests by where they live.

Marks (declared in ``pyproject.toml``; ``--strict-markers`` refuses any other) are applied here, by path, so
that a new test module gets them without writing anything:

- ``e2e``: end to end: the product run as its users run it, as a separate process (everything under
  ``tests/flows/``: the night through the CLI or the Prefect flow, a real Prefect API, spawned workers, a Dask
  cluster, a real sshd; ``tests/cli/``; the tests elsewhere that run a ``bhyt-etl`` command), and the tests
  whose own subject is a whole run in this process (a night, a reprocess, a rebuild from the raw zone, a
  restore then a night) (:data:`E2E`);
- ``fuzz``: every ``test_*fuzz*.py`` module (Hypothesis over the whole per-file path).

``python3 run.py test --fast`` deselects both (``-m "not e2e and not fuzz"``); the full suite runs all.

Work units for pytest-xdist (``run.py`` passes ``--dist loadscope``, and :class:`UnitScheduling` makes the
scopes these units): what one module or folder builds once (a generated night, a warehouse, a Prefect API)
is then built on one worker only. One unit per module, one per folder or group of modules that share session
fixtures; the end-to-end tests that share the flows' night (``night_one``) in two units, the kill points with
their reference run and the others, and every other end-to-end module a unit of its own (the Prefect API is
one for the whole session, whichever worker asks for it first: ``prefect_api``). The longest units go first,
so that the workers start on them and the short ones fill in around them.
(xdist's own ``xdist_group`` marks are not used: with pytest 9.2 they are silently ignored, pytest-xdist
issue #1386.)
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import settings
from support import prefect_api as prefect_api_server
from support.nights import Nights
from support.sftp_server import SshServer, running_sshd
from xdist.scheduler import LoadScopeScheduling

TESTS = Path(__file__).resolve().parent

# -- Hypothesis profiles ----------------------------------------------------------------------------------
#: ``ci``: every property runs the example count its module states (the full suite and CI);
#: ``dev``: at most 10 examples each, for a quick local loop (``run.py test --fast``, and plain ``pytest``
#: outside CI). A module states its count through ``support.fuzzing.examples``.
settings.register_profile("ci", print_blob=True)
settings.register_profile("dev", max_examples=10, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")  # --hypothesis-profile overrides this

# -- marks and work units, by path ----------------------------------------------------------------------
#: end to end (node id prefixes, relative to tests/): the product as a separate process, and, in this process,
#: a whole run as the test's own subject (a night, a reprocess, a rebuild from the raw zone, a restore then a
#: night). A test that only reads a night a fixture made is not one: the marts, check and activity tests stay
#: in the fast loop
E2E = (
    "flows/",
    "cli/",
    "generate/test_generated_files.py",  # `bhyt-etl generate`, three times
    "generate/test_facilities.py::test_generate_",  # `bhyt-etl generate` of 20 facilities, and refused
    "security/test_confidentiality.py::test_bhyt_etl_verify",  # `bhyt-etl verify` on every defective file
    "run/test_reprocess.py",  # reprocess runs (and one killed, then run again, by the command)
    "run/test_night.py",  # the night end to end, stand-alone XML12 messages in, and sent again
    "run/test_rebuild.py::test_a_truncated_and_a_missing_file_are_reported_and_rebuilt_from_raw",
    "run/test_backup.py::test_a_backup_restores_to_a_lake_that_checks_and_ingests_on",  # then a night
)
#: folders whose modules share session-scoped fixtures (a built warehouse): folder -> its unit (the review,
#: patient and payment tests read the same clean nights, tests/marts/conftest.py)
SHARED_FOLDERS = {
    "marts/review": "marts/review",
    # the second clean night (seed 5) serves both; the review unit makes it too (test_review_clean), so it is
    # made twice in all, but the marts no longer run as one unit longer than the rest of the fast loop
    "marts/patients": "marts/patients-payment",
    "marts/payment": "marts/patients-payment",
}
#: modules that share a session fixture with other modules (their folder's)
SHARED_MODULES = {
    "generate/test_formulas.py": "generate/night_one",  # the 400-claim night of tests/generate/conftest.py
    "generate/test_scenarios.py": "generate/night_one",
    # support.nights.COMMON_NIGHT, generated and ingested once for these
    "warehouse/test_analytics.py": "common-night",
    "warehouse/test_dictionary.py": "common-night",
    "run/test_rebuild.py": "common-night",
    # the sample's first night of support.nights.sample_night_one (tests/run/conftest.py), ingested once
    "run/test_backup.py": "run/sample_night",
    "run/test_activity.py": "run/sample_night",
    "run/test_oversized_upload.py": "run/sample_night",
}
#: the modules of tests/flows that use its night (``night_one``, tests/flows/conftest.py): units ``e2e-kill``
#: and ``e2e``, so that it is generated on two workers at most; every other module of tests/flows is a unit
NIGHT_ONE = (
    "flows/test_nightly.py",
    "flows/test_two_nights.py",
    "flows/test_nightly_dask.py",
    "flows/test_nightly_sftp.py",
)
#: end-to-end tests that share the reference run (``clean_run``): the kill points, the disk-full points and
#: the Dask night, one unit (so that the reference is built once)
KILL_UNIT = (
    "test_a_run_killed_part_way_is_repaired_by_running_again",
    "test_a_disk_that_fills_mid_night",
    "test_ingest_on_a_dask_cluster",
)
#: units that start first, longest first (measured: docs/development.md), so that no long one starts last
FIRST = (
    "e2e-kill",
    "e2e",
    "cli/test_bench.py",
    "flows/test_analytics_privacy.py",
    "flows/test_demo.py",
    "security/test_fuzz_file_path.py",
    "security/test_confidentiality.py",
    "generate/test_generated_files.py",
    "marts/review",
    "marts/patients-payment",
    "common-night",
    "run/test_reprocess.py",
    "generate/night_one",
    "run/sample_night",
    "warehouse/test_build.py",
    "decide/test_process.py",
    "decide/test_signature.py",
)


def marks_of(nodeid: str) -> list[str]:
    """The marks of a test, from its id (``tests/security/test_confidentiality.py::test_…``)."""
    relative = nodeid.removeprefix("tests/")
    out = []
    if relative.startswith(E2E):
        out.append("e2e")
    if "fuzz" in PurePosixPath(relative.partition("::")[0]).stem:
        out.append("fuzz")
    return out


def unit_of(nodeid: str) -> str:
    """The work unit of a test, from its id (``tests/flows/test_nightly.py::test_a_run_killed…[point]``)."""
    path, _, name = nodeid.partition("::")
    relative = PurePosixPath(path).relative_to("tests")
    if relative.as_posix() in NIGHT_ONE:
        return "e2e-kill" if name.startswith(KILL_UNIT) else "e2e"
    folder = relative.parent.as_posix()
    if folder in SHARED_FOLDERS:
        return SHARED_FOLDERS[folder]
    return SHARED_MODULES.get(relative.as_posix(), relative.as_posix())


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """With the end-to-end tests deselected (``-m "not e2e and not fuzz"``: ``run.py test --fast``), the
    folders and modules of :data:`E2E` that hold nothing else are not even imported: they import Prefect,
    which is 2 s of every worker's start."""
    if "not e2e" not in (config.getoption("markexpr") or "") or not collection_path.is_relative_to(TESTS):
        return None
    relative = collection_path.relative_to(TESTS).as_posix()
    return (f"{relative}/" if collection_path.is_dir() else relative) in E2E or None


class UnitScheduling(LoadScopeScheduling):
    """xdist's scope scheduling (a scope runs whole on one worker, scopes handed out as workers free up),
    with :func:`unit_of` as the scope."""

    def _split_scope(self, nodeid: str) -> str:
        return unit_of(nodeid)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> LoadScopeScheduling | None:
    return UnitScheduling(config, log) if config.getvalue("dist") == "loadscope" else None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for mark in marks_of(item.nodeid):
            item.add_marker(getattr(pytest.mark, mark))
    first = {unit: i for i, unit in enumerate(FIRST)}
    items.sort(key=lambda item: first.get(unit_of(item.nodeid), len(FIRST)))  # stable: else as collected


# -- fixtures ------------------------------------------------------------------------------------------
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the session's process: the xdist controller, or the only one
        prefect_api_server.name_session_root()


def pytest_unconfigure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # after every worker has finished (xdist stops them before)
        prefect_api_server.stop(prefect_api_server.session_root())


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[str]:
    """A temporary Prefect server (real engine, real API, SQLite) shared by the flow tests and the commands
    that run a flow (``tests/flows``, ``tests/cli/test_bench.py``): one for the whole session, started by
    the first worker that asks for it and stopped by the session's process at its end
    (support/prefect_api.py); yields its URL, set as this process's ``PREFECT_API_URL`` for the flows run
    in it, so that subprocesses (``bhyt-etl ingest``) can use the same server."""
    from prefect.context import _temporary_global_settings_context, get_settings_context
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from prefect.utilities.asyncutils import run_coro_as_sync

    url = prefect_api_server.shared_api_url(prefect_api_server.session_root())
    with temporary_settings(updates={PREFECT_API_URL: url}):
        # as prefect_test_harness: also the process-wide settings, for contexts copied before this one
        with _temporary_global_settings_context(get_settings_context()):
            yield url

            async def drain() -> None:  # as prefect_test_harness: this process's logs and events sent
                try:
                    result = APILogWorker.instance().drain()
                    if inspect.isawaitable(result):
                        await result
                except RuntimeError:  # never started
                    pass
                result = EventsWorker.drain_all()
                if inspect.isawaitable(result):
                    await result

            run_coro_as_sync(drain())


@pytest.fixture(scope="session")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    """A real OpenSSH sshd on 127.0.0.1 serving this machine's files over SFTP (see support/sftp_server.py);
    one per xdist worker (its own folder under the worker's temporary directory, its own free port)."""
    with running_sshd(tmp_path_factory.mktemp("sshd")) as server:
        yield server


@pytest.fixture(scope="session")
def nights(tmp_path_factory: pytest.TempPathFactory) -> Nights:
    """Generated nights, each generated (and ingested) once in the session by whichever xdist worker asks
    first, for the tests to copy (see support/nights.py). Their folder is the parent of the workers' own
    temporary folders (``popen-gw0``, ``popen-gw1``), which every worker of the session sees."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    (base / "nights").mkdir(exist_ok=True)
    return Nights(base / "nights")
