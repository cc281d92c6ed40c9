"""One temporary Prefect API server for the whole test session, whichever xdist workers use it.

The end-to-end tests run the nightly flow on a real Prefect engine against a real API (``prefect_api``
fixture, tests/conftest.py). Prefect's own ``prefect_test_harness`` starts a server per process, so each
xdist worker that ran an end-to-end unit used to start one (about 12 s of a loaded machine each). Here the
first process that asks for the API starts it, under a file lock, in the session's folder
(:func:`session_root`: named after the pytest process that runs the session, the xdist controller or the
only process with ``-n 0``) and writes its URL there; the others read the URL and use the same server.

The server is the one ``prefect_test_harness`` runs (uvicorn on Prefect's ``create_app``, UI off, the
ephemeral-server settings, SQLite in the session's folder), as a process of its own, on a copy of an empty
database whose tables are made (:func:`_empty_database`, kept in the temporary folder for the next
sessions); its lifetime is the session's, not the process's that happened to start it:

- the session's process stops it at its end (:func:`stop`, from ``pytest_unconfigure`` where
  ``config`` has no ``workerinput``: the xdist controller, after its workers have finished; or the only
  process with ``-n 0``), and removes the folder;
- Ctrl-C reaches it with the rest of the foreground process group (uvicorn stops on SIGINT);
- and should the session's process die without either (SIGKILL), the server's own watchdog
  (:func:`serve`) sees that process gone within a second and exits.

Nothing starts where no test asks for the API (``run.py test --fast`` collects no end-to-end test): the
session's process only names the folder (an environment variable that its xdist workers inherit).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from importlib.metadata import version
from pathlib import Path

from support.sharing import file_lock, free_port

#: the tests' folder, where the server process imports this module from (``support.prefect_api``)
TESTS = str(Path(__file__).resolve().parent.parent)
#: the session's folder, named by the session's process for the processes it starts (xdist workers)
ROOT_VARIABLE = "BHYT_TESTS_PREFECT_ROOT"
START_TIMEOUT = 120.0
STOP_TIMEOUT = 10.0
#: the server, where this process started it (kept so that it is reaped, not reported as left running)
_STARTED: list[subprocess.Popen] = []


def _own_root() -> Path:
    return Path(tempfile.gettempdir()) / f"bhyt-etl-tests-prefect-{os.getpid()}"


def session_root() -> Path:
    """The session's folder (not created): the one the session's process named, else this process's."""
    named = os.environ.get(ROOT_VARIABLE)
    return Path(named) if named else _own_root()


def name_session_root() -> Path:
    """In the session's process: name the folder, its own (a session started by another's test would not
    share, or stop, the other's server), for the processes it starts (they inherit the variable)."""
    root = _own_root()
    os.environ[ROOT_VARIABLE] = str(root)
    return root


def shared_api_url(root: Path) -> str:
    """The URL of the session's server, started now by the first caller (of any process) under a file lock;
    the others wait for it and reuse it."""
    root.mkdir(parents=True, exist_ok=True)
    with file_lock(root / "start.lock"):
        info = root / "server.json"
        if info.exists():
            url: str = json.loads(info.read_text())["url"]
            return url
        owner = int(root.name.rsplit("-", 1)[1])  # the session's process
        shutil.copyfile(_empty_database(), root / "prefect.db")
        process, url = _start(root, owner)
        _STARTED.append(process)
        info.write_text(json.dumps({"url": url, "pid": process.pid}))
        return url


def _empty_database() -> Path:
    """A Prefect database with its tables made and nothing in it, made once per machine and Prefect version
    (its migrations are half of a server's start on a new database: 10 s -> 4.6 s) by a server started on it
    and stopped at once; each session's server starts on a copy of it."""
    template = Path(tempfile.gettempdir()) / f"bhyt-etl-tests-prefect-{version('prefect')}-empty.db"
    if template.exists():
        return template
    with file_lock(template.with_suffix(".lock")):  # another session making it
        if not template.exists():
            folder = Path(tempfile.mkdtemp(prefix="bhyt-etl-tests-prefect-template-"))
            try:
                process, _ = _start(folder, os.getpid())
                process.terminate()  # uvicorn's orderly stop: the database closed
                process.wait(timeout=STOP_TIMEOUT)
                os.replace(folder / "prefect.db", template)
            finally:
                shutil.rmtree(folder, ignore_errors=True)
    return template


def _start(root: Path, owner: int) -> tuple[subprocess.Popen, str]:
    env = {
        **os.environ,
        # what prefect_test_harness and its SubprocessASGIServer give their server
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
        "PREFECT_SERVER_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{root / 'prefect.db'}",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    env.pop("PREFECT_API_URL", None)
    log = open(root / "server.log", "ab")  # noqa: SIM115 - the server's, for as long as it runs
    try:
        for _ in range(3):  # a port taken between choosing it and binding it: another port
            port = free_port()
            process = subprocess.Popen(
                [sys.executable, "-c", f"import sys; sys.path.insert(0, {TESTS!r}); "
                 f"from support.prefect_api import serve; serve({port}, {owner})"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
            url = f"http://127.0.0.1:{port}/api"
            deadline = time.monotonic() + START_TIMEOUT
            while process.poll() is None and time.monotonic() < deadline:
                if _healthy(url):
                    return process, url
                time.sleep(0.1)
            if process.poll() is None:
                process.kill()
                process.wait()
                break
    finally:
        log.close()
    tail = (root / "server.log").read_text(errors="replace")[-3000:]
    raise RuntimeError(f"the tests' Prefect API server did not start (log {root / 'server.log'}):\n{tail}")


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:  # noqa: S310 - loopback
            return bool(answer.status == 200)
    except OSError:
        return False


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, ended but not yet reaped by its parent, does not)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def stop(root: Path) -> None:
    """End the session's server, if one was started, and remove the session's folder."""
    info = root / "server.json"
    if info.exists():
        pid = json.loads(info.read_text())["pid"]
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + STOP_TIMEOUT
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
    for process in _STARTED:  # started by this process (pytest -n 0): reap it
        process.wait()
    _STARTED.clear()
    shutil.rmtree(root, ignore_errors=True)


def serve(port: int, owner: int) -> None:
    """The server process: Prefect's API app under uvicorn, as the test harness runs it, until stopped or
    until the session's process ``owner`` is gone."""
    import uvicorn
    from prefect.server.api.server import create_app

    def watch() -> None:
        while _alive(owner):
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()
    uvicorn.run(create_app, factory=True, host="127.0.0.1", port=port, log_level="error", lifespan="on")

