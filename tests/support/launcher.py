"""`bhyt-etl` commands in processes forked from one that has already started: Python, the package and Prefect
imported once, not once per command.

The kill and disk-full points of tests/flows/test_nightly.py each run ``bhyt-etl ingest`` and stop it part
way, and those of tests/run/test_reprocess.py ``bhyt-etl reprocess``. What they show is what a process group
killed at that point leaves (and the command's exit status and message where the disk fills), not how the
command starts, which every other end-to-end test shows (``python -m pipelines.cli ingest``,
tests/flows/conftest.py's reference run among them). A new interpreter importing ``pipelines.cli`` and
Prefect is about 3.5 s of CPU before the run even starts, nineteen times.

:class:`Launcher` starts one process (``python -c``, so that the workers a command spawns import nothing of
it) that imports the command line and Prefect, reads the XSDs once, and then, for each command asked for,
forks a child that

- starts a session of its own (``setsid``, as ``subprocess.run(..., start_new_session=True)``): a failpoint's
  ``killpg`` kills the child and the worker processes it spawns, never the launcher;
- takes the environment it is given (``BHYT_*``, the failpoint) and writes its standard output and error to
  files;
- runs ``pipelines.cli.main(argv)``, as ``python -m pipelines.cli`` does, and exits with its code after the
  exit handlers (Prefect's flush of logs and events), as an interpreter does.

The launcher waits for the child and answers its exit status as :mod:`subprocess` gives it (``-9`` for a
SIGKILL). The launcher imports Prefect with the ``PREFECT_API_URL`` it is started with (Prefect reads its
settings at import), so one launcher serves one API. It stays single-threaded: each fork copies a process
with one thread and no open connection. Should the launcher be interrupted (Ctrl-C reaches it with the test
process's group; the command, in a session of its own, is not), it kills the command's process group before
it ends; a command also ends by itself after its time-out (``SIGALRM``), as ``subprocess.run``'s.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO, Any


class Launcher:
    """One launcher process (see the module's docstring); ``run`` is ``subprocess.run`` for a command."""

    def __init__(self, env: dict[str, str]) -> None:
        support = str(Path(__file__).resolve().parent.parent)
        self.process = subprocess.Popen(
            [sys.executable, "-c", f"import sys; sys.path.insert(0, {support!r}); "
             "from support.launcher import serve; serve()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True,
        )  # fmt: skip
        self._ask({"ready": True})

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        stdin, stdout = self._pipes()
        stdin.write(json.dumps(request) + "\n")
        stdin.flush()
        line = stdout.readline()
        if not line:
            raise RuntimeError(f"the command launcher ended (exit status {self.process.wait()})")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def _pipes(self) -> tuple[IO[str], IO[str]]:
        assert self.process.stdin is not None and self.process.stdout is not None
        return self.process.stdin, self.process.stdout

    def run(self, argv: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
        """``bhyt-etl ARGV`` with environment ``env`` in a forked child: its exit status, output and error."""
        with tempfile.TemporaryDirectory(prefix="bhyt-launch-") as folder:
            out, err = Path(folder) / "stdout", Path(folder) / "stderr"
            answer = self._ask(
                {"argv": argv, "env": env, "stdout": str(out), "stderr": str(err), "timeout": timeout}
            )
            return subprocess.CompletedProcess(
                ["bhyt-etl", *argv],
                answer["returncode"],
                out.read_text(encoding="utf-8", errors="replace"),
                err.read_text(encoding="utf-8", errors="replace"),
            )

    def close(self) -> None:
        stdin, _ = self._pipes()
        stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> Launcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _child(request: dict[str, Any]) -> None:
    """In the forked child: never returns."""
    from pipelines.cli import main  # imported before the fork (serve)

    code = 70
    try:
        os.setsid()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # as in a new process
        os.environ.clear()
        os.environ.update(request["env"])
        for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
            target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(target, fd)
            os.close(target)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        signal.alarm(max(1, int(request["timeout"])))  # a command that hangs ends, as with a timeout
        try:
            code = main(request["argv"])
        except SystemExit as exc:  # argparse's refusals, as the interpreter turns them into a status
            code = exc.code if isinstance(exc.code, int) else 1
        atexit._run_exitfuncs()
    except BaseException:  # noqa: BLE001 - what an interpreter prints for an uncaught exception
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def serve() -> None:
    """The launcher: preload, then one forked command per request line on standard input."""
    # imported here, in the launcher only: the test process that starts it does not need them
    import pipelines.cli.ingest  # noqa: F401 - the command's own imports, Prefect's among them
    import pipelines.cli.operations  # noqa: F401 - reprocess, check, rebuild (tests/run/test_reprocess.py)
    from pipelines.standard import load_registry

    load_registry()  # the XSDs, read once (cached) for every command run in this process's children
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))  # see the waitpid below
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("ready"):
            answer = {"ready": True}
        else:
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                _child(request)
            try:
                _, status = os.waitpid(pid, 0)
            except BaseException:  # Ctrl-C or SIGTERM: the command and its workers end with the launcher
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:  # not yet its own group (interrupted right after the fork)
                    os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                raise
            answer = {"returncode": os.waitstatus_to_exitcode(status)}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
