"""A real OpenSSH sshd on 127.0.0.1 for the SFTP tests.

:func:`ensure_sshd` installs Debian's ``openssh-server`` when ``/usr/sbin/sshd`` is missing (CI runs as root
on a fresh machine; the install is guarded by a file lock so parallel sessions do not race, and a temporary
``policy-rc.d`` keeps the package from starting the system's own sshd). :func:`start_sshd` generates a host
key, a client key, ``authorized_keys``, ``known_hosts`` and an ``sshd_config`` in a temporary folder, starts
``sshd -D -e`` on a free loopback port and waits until it accepts connections. The server only allows public
key logins of the current user with the generated key, only SFTP (``ForceCommand internal-sftp``), no
forwarding; it serves the local file system, so a test points the URL at a folder under ``tmp_path``.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from support.sharing import file_lock, free_port

SSHD = Path("/usr/sbin/sshd")
INSTALL_LOCK = Path(tempfile.gettempdir()) / "bhyt-etl-openssh-server-install.lock"
POLICY_RC_D = Path("/usr/sbin/policy-rc.d")
START_TIMEOUT = 10.0
APT_TIMEOUT = 900


@dataclass
class SshServer:
    """A running sshd and what a client needs to reach it."""

    host: str
    port: int
    user: str
    key_file: Path  # the client's private key (ed25519, no passphrase)
    known_hosts: Path  # holds "[127.0.0.1]:PORT ssh-ed25519 ..."
    directory: Path  # keys, config, log
    log: Path
    process: subprocess.Popen = field(repr=False)

    def url(self, path: Path | str) -> str:
        """``sftp://user@127.0.0.1:PORT/<abs path>`` for a local folder."""
        absolute = Path(path).resolve()
        return f"sftp://{quote(self.user, safe='')}@{self.host}:{self.port}{quote(str(absolute))}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill_sessions(self) -> list[int]:
        """End the per-connection sshd processes at once (SIGKILL: OpenSSH 9.2 can miss a SIGTERM that
        arrives at a bad moment), as when the server crashes; returns their ids."""
        pids = _descendants(self.process.pid)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while set(pids) & set(_living()):
            if time.monotonic() > deadline:
                raise RuntimeError(f"sshd sessions {pids} did not end")
            time.sleep(0.02)
        return pids

    def stop(self) -> None:
        """Stop the sessions still open, then the listener."""
        if self.process.poll() is None:
            self.kill_sessions()
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _living() -> dict[int, int]:
    """{pid: parent pid} of this machine's processes, zombies left out."""
    out = {}
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, parent = stat_file.read_text().rsplit(")", 1)[1].split()[:2]
        except (OSError, ValueError):
            continue
        if state != "Z":
            out[int(stat_file.parent.name)] = int(parent)
    return out


def _descendants(pid: int) -> list[int]:
    living = _living()
    out: list[int] = []
    parents = {pid}
    while parents:
        children = [p for p, parent in living.items() if parent in parents and p not in out]
        out.extend(children)
        parents = set(children)
    return out


def _run(cmd: list[str], *, timeout: float, env: dict[str, str] | None = None) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    if proc.returncode:
        tail = (proc.stdout + proc.stderr)[-4000:]
        raise RuntimeError(f"{' '.join(cmd)} exited with {proc.returncode}:\n{tail}")


def ensure_sshd() -> Path:
    """``/usr/sbin/sshd``, installing Debian's openssh-server first when it is missing (root only)."""
    if SSHD.exists():
        return SSHD
    with file_lock(INSTALL_LOCK):  # another session may be installing it right now
        if SSHD.exists():
            return SSHD
        if os.geteuid() != 0 or shutil.which("apt-get") is None:
            raise RuntimeError(
                f"the SFTP tests need OpenSSH's server ({SSHD}), which is missing, and it cannot be "
                "installed here (that needs root and apt-get); install the package openssh-server first"
            )
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        apt = ["apt-get", "-o", "DPkg::Lock::Timeout=300", "-q"]
        # keep the package's maintainer scripts from starting the system's sshd on port 22
        added_policy = not POLICY_RC_D.exists()
        if added_policy:
            POLICY_RC_D.write_text(
                "#!/bin/sh\n# temporary, while the tests install openssh-server\nexit 101\n"
            )
            POLICY_RC_D.chmod(0o755)
        try:
            _run([*apt, "update"], timeout=APT_TIMEOUT, env=env)
            _run(
                [*apt, "install", "-y", "--no-install-recommends", "openssh-server"],
                timeout=APT_TIMEOUT,
                env=env,
            )
        finally:
            if added_policy:
                POLICY_RC_D.unlink(missing_ok=True)
        if not SSHD.exists():
            raise RuntimeError(f"openssh-server was installed but {SSHD} is still missing")
        return SSHD


def keygen(path: Path, comment: str) -> str:
    """An ed25519 key pair without passphrase at ``path`` (+ ``.pub``); returns the public line."""
    _run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)], timeout=30)
    return path.with_name(path.name + ".pub").read_text().strip()


def _wait_listening(host: str, port: int, process: subprocess.Popen, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection((host, port), timeout=0.5) as s:
                # sshd speaks first: a banner means this is our server and it is serving
                s.settimeout(2)
                if s.recv(64).startswith(b"SSH-"):
                    return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


def start_sshd(directory: Path, *, sftp_options: str = "") -> SshServer:
    """Generate keys and config in ``directory`` and start sshd on a free port of 127.0.0.1.

    ``sftp_options`` are appended to ``internal-sftp`` (e.g. ``-P posix-rename`` to deny a request).
    """
    sshd = ensure_sshd()
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    user = getpass.getuser()
    host_key = directory / "ssh_host_ed25519_key"
    host_pub = keygen(host_key, "bhyt-etl test host")
    client_key = directory / "client_ed25519"
    client_pub = keygen(client_key, "bhyt-etl test client")
    authorized = directory / "authorized_keys"
    authorized.write_text(client_pub + "\n")
    authorized.chmod(0o600)
    Path("/run/sshd").mkdir(mode=0o755, parents=True, exist_ok=True)  # privilege separation folder

    last_log = ""
    for _attempt in range(3):  # a free port can be taken between choosing it and sshd binding it
        port = free_port()
        known_hosts = directory / "known_hosts"
        key_type, key_b64 = host_pub.split()[:2]
        known_hosts.write_text(f"[127.0.0.1]:{port} {key_type} {key_b64}\n")
        config = directory / "sshd_config"
        sftp = f"internal-sftp {sftp_options}".strip()
        config.write_text(
            "\n".join(
                [
                    "ListenAddress 127.0.0.1",
                    f"Port {port}",
                    f"HostKey {host_key}",
                    f"AuthorizedKeysFile {authorized}",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "PubkeyAuthentication yes",
                    "AuthenticationMethods publickey",
                    "PermitRootLogin prohibit-password",
                    f"AllowUsers {user}",
                    "StrictModes no",
                    "UsePAM no",
                    "DisableForwarding yes",
                    "PermitTTY no",
                    f"Subsystem sftp {sftp}",
                    f"ForceCommand {sftp}",
                    f"PidFile {directory / 'sshd.pid'}",
                    "LogLevel VERBOSE",
                    "",
                ]
            )
        )
        log = directory / "sshd.log"
        with open(log, "wb") as log_fh:
            process = subprocess.Popen(
                [str(sshd), "-D", "-e", "-f", str(config)],
                stdin=subprocess.DEVNULL,
                stdout=log_fh,
                stderr=log_fh,
            )
        server = SshServer("127.0.0.1", port, user, client_key, known_hosts, directory, log, process)
        if _wait_listening(server.host, port, process, START_TIMEOUT):
            return server
        server.stop()
        last_log = server.log_text()
        if "Address already in use" not in last_log:
            break
    raise RuntimeError(f"sshd did not start listening within {START_TIMEOUT:.0f} s; its log:\n{last_log}")


@contextlib.contextmanager
def running_sshd(directory: Path, *, sftp_options: str = "") -> Iterator[SshServer]:
    """:func:`start_sshd`, stopped on exit."""
    server = start_sshd(directory, sftp_options=sftp_options)
    try:
        yield server
    finally:
        server.stop()
