"""The landing tree on an SFTP server: :class:`SftpInbox`, the remote twin of ``LocalInbox``.

Used when ``--landing`` is ``sftp://user@host:port/path`` (the path is the landing root on the server,
absolute). It implements the :class:`~pipelines.landing.inbox.Inbox` protocol with the same meaning as the
local one, using only SFTP version 3 requests that every server has, plus the OpenSSH extension
``posix-rename@openssh.com`` when the server offers it.

Design:

* **One SSH connection per inbox**, opened by :meth:`SftpInbox.connect` (so bad settings fail at once) and
  closed by :meth:`SftpInbox.close` or the ``with`` block. When that connection dies (server restart, network
  drop) the failing call raises :class:`~pipelines.common.errors.TransientError` and the next call opens a
  new one, so a flow that retries with the same inbox recovers. Not thread-safe: one inbox per worker.
* **Strict host keys.** The server's key must be in ``known_hosts`` (the given file, else the user's
  ``~/.ssh/known_hosts``); an unknown or changed key is a
  :class:`~pipelines.common.errors.ConfigurationError` that names the file to fix. Nothing is ever added
  to a known_hosts file.
* **Key authentication**: the given private key only, or else the SSH agent and the user's default keys
  (``~/.ssh/id_*``). Refused credentials are a ConfigurationError; retrying would not help.
* **Errors**: refused connections, time-outs, dropped sessions and I/O errors reported by the server are
  TransientError (the flow retries them); the cause stays chained. Time-outs: 15 s to connect, for the banner,
  for authentication and to open the SFTP channel; 60 s without an answer during an operation.
* **Listing** uses ``READDIR``, whose attributes OpenSSH takes with ``lstat``: symbolic links, folders and
  devices are not regular files and are never listed, as with the local ``scandir``. SFTP v3 gives
  modification times in whole seconds, so :attr:`InboxEntry.mtime` has no fraction here (the settle check
  compares two listings of the same inbox, so it is unaffected).
* **Reading** refuses anything that is not a regular file by ``lstat`` (SFTP v3 has no ``O_NOFOLLOW``; a link
  swapped in between the check and the open is only stopped by the server: chroot each facility and deny
  ``symlink`` and ``hardlink`` with ``internal-sftp -P``).
* **Receipts** are uploaded under a temporary dot-name (in flight by the contract) in ``outbox/`` and then
  renamed over ``<name>`` with ``posix-rename@openssh.com``, which replaces atomically. Without the extension
  the plain rename is tried, and when the old receipt is in the way it is removed first (a reader may then
  see no receipt for a moment, never a partial one).
* **Moves** use the plain SFTP rename, which never replaces an existing target (OpenSSH does it with
  ``link`` + ``unlink``); an existing ``<destination>/<name>`` sends the file to
  ``<destination>/<alternative>`` instead, and when both exist nothing moves and a
  :class:`~pipelines.common.errors.TerminalError` is raised.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import posixpath
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

import paramiko
from paramiko.sftp import SFTPError

from pipelines.common.errors import ConfigurationError, TerminalError, TransientError
from pipelines.landing.inbox import DESTINATIONS, MACSKCB_FOLDER, ByteSink, InboxEntry, in_flight

CONNECT_TIMEOUT = 15.0  # TCP connect, SSH banner, authentication, opening the SFTP channel
OPERATION_TIMEOUT = 60.0  # no answer from the server for this long during an operation
KEEPALIVE_SECONDS = 30
READ_CHUNK = 1 << 20
RECEIPT_MODE = 0o640  # as LocalInbox's atomic_write


class _UnknownHostKey(paramiko.SSHException):
    """The server's host key is not in the known_hosts file."""


class _RejectUnknown(paramiko.MissingHostKeyPolicy):
    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey) -> None:
        raise _UnknownHostKey(f"{hostname} has {key.get_name()} host key {key.fingerprint}")


def _parse_url(url: str) -> tuple[str, str, int, str, str | None]:
    """``sftp://user[:password]@host[:port]/path`` → (user, host, port, root, password)."""
    parts = urlsplit(url)
    if parts.scheme != "sftp":
        # the URL is not repeated: it may hold a password
        raise ConfigurationError("the landing URL does not start with sftp://", stage="intake")
    try:
        port = parts.port or 22
    except ValueError as exc:
        raise ConfigurationError(
            f"the port in the landing URL is not a number: {exc}", stage="intake"
        ) from exc
    host = parts.hostname
    if not host:
        raise ConfigurationError(
            "the landing URL has no host: use sftp://user@host:port/path", stage="intake"
        )
    root = unquote(parts.path)
    if not root.startswith("/"):
        raise ConfigurationError(
            "the landing URL has no absolute path on the server: use sftp://user@host:port/path",
            stage="intake",
        )
    root = posixpath.normpath(root)
    root = "/" + root.lstrip("/")  # normpath keeps a leading '//'
    user = unquote(parts.username) if parts.username else getpass.getuser()
    password = unquote(parts.password) if parts.password is not None else None
    return user, host, port, root, password


def _check_name(name: str) -> str:
    """A single path component: never a way out of the facility's folders."""
    if not name or name in (".", "..") or "/" in name or "\0" in name:
        raise ValueError(f"not a file name: {name!r}")
    return name


def _is_dir(attr: paramiko.SFTPAttributes) -> bool:
    return attr.st_mode is not None and stat.S_ISDIR(attr.st_mode)


def _is_file(attr: paramiko.SFTPAttributes) -> bool:
    return attr.st_mode is not None and stat.S_ISREG(attr.st_mode)


def _connection_lost(exc: BaseException) -> bool:
    """The session is unusable after this (an error status from the server leaves it fine)."""
    return isinstance(exc, paramiko.SSHException | SFTPError | EOFError | TimeoutError | ConnectionError)


def _not_utf8(where: str, macskcb: str | None = None) -> TerminalError:
    return TerminalError(
        f"a file name in {where} is not UTF-8; ask whoever uploaded it to rename it",
        facility=macskcb,
        stage="intake",
    )


class SftpInbox:
    """The landing tree on an SFTP server, with the same methods and meaning as ``LocalInbox``."""

    def __init__(
        self,
        url: str,
        *,
        known_hosts: Path | None = None,
        key_file: Path | None = None,
    ) -> None:
        """Remember the settings; :meth:`connect` (or the first operation) opens the connection."""
        self.user, self.host, self.port, self.root, self._password = _parse_url(url)
        shown_host = f"[{self.host}]" if ":" in self.host else self.host
        self.description = f"sftp://{self.user}@{shown_host}:{self.port}{self.root}"  # no password
        self.known_hosts = Path(known_hosts) if known_hosts is not None else None
        self.key_file = Path(key_file) if key_file is not None else None
        self._ssh: paramiko.SSHClient | None = None
        self._sftp: paramiko.SFTPClient | None = None
        self._closed = False

    @classmethod
    def connect(cls, url: str, *, known_hosts: Path | None = None, key_file: Path | None = None) -> SftpInbox:
        """Connect and check that the landing root is a folder on the server."""
        inbox = cls(url, known_hosts=known_hosts, key_file=key_file)
        try:
            with inbox._io("open the landing folder"):
                attr = inbox._client().stat(inbox.root)
        except TransientError as exc:
            if isinstance(exc.__cause__, FileNotFoundError):
                inbox.close()
                raise ConfigurationError(
                    f"landing folder {inbox.root} does not exist on {inbox.host}; "
                    "create it or point --landing at the SFTP root",
                    stage="intake",
                ) from None
            inbox.close()
            raise
        if not _is_dir(attr):
            inbox.close()
            raise ConfigurationError(f"landing {inbox.description} is not a folder", stage="intake")
        return inbox

    # -- connection ------------------------------------------------------------------------------------------

    def _open(self) -> None:
        known_hosts = self.known_hosts or Path(os.path.expanduser("~/.ssh/known_hosts"))
        ssh = paramiko.SSHClient()
        try:
            if self.known_hosts is not None:
                ssh.load_host_keys(str(self.known_hosts))
            else:
                ssh.load_system_host_keys()  # ~/.ssh/known_hosts; a missing file is no key at all
        except OSError as exc:
            raise ConfigurationError(
                f"cannot read the known_hosts file {known_hosts}: {exc.strerror or exc}", stage="intake"
            ) from None
        ssh.set_missing_host_key_policy(_RejectUnknown())
        if self.key_file is not None and not self.key_file.is_file():
            raise ConfigurationError(f"SSH key file {self.key_file} does not exist", stage="intake")
        try:
            ssh.connect(
                self.host,
                port=self.port,
                username=self.user,
                password=self._password,
                key_filename=str(self.key_file) if self.key_file is not None else None,
                allow_agent=self.key_file is None,
                look_for_keys=self.key_file is None,
                timeout=CONNECT_TIMEOUT,
                banner_timeout=CONNECT_TIMEOUT,
                auth_timeout=CONNECT_TIMEOUT,
                channel_timeout=CONNECT_TIMEOUT,
            )
            transport = ssh.get_transport()
            assert transport is not None
            transport.set_keepalive(KEEPALIVE_SECONDS)
            sftp = ssh.open_sftp()
            channel = sftp.get_channel()
            assert channel is not None  # an SFTP client opened over SSH always has its channel
            channel.settimeout(OPERATION_TIMEOUT)
        except _UnknownHostKey as exc:
            ssh.close()
            raise ConfigurationError(
                f"the host key of {self.description} is not known ({exc}); check the fingerprint with the "
                f"server's administrator, then add it to {known_hosts} "
                f"(ssh-keyscan -p {self.port} {self.host})",
                stage="intake",
            ) from None
        except paramiko.BadHostKeyException as exc:
            ssh.close()
            raise ConfigurationError(
                f"the host key of {self.description} does not match the one in {known_hosts} (got "
                f"{exc.key.get_name()} {exc.key.fingerprint}): the server was reinstalled or someone is in "
                f"between; check with the server's administrator before fixing {known_hosts}",
                stage="intake",
            ) from None
        except paramiko.AuthenticationException as exc:
            ssh.close()
            how = f"the key {self.key_file}" if self.key_file else "the SSH agent's or ~/.ssh's default keys"
            raise ConfigurationError(
                f"{self.description} refused user {self.user!r} with {how} ({exc}); "
                "check the key and the server's authorized_keys",
                stage="intake",
            ) from None
        except (paramiko.SSHException, SFTPError, EOFError, OSError) as exc:
            ssh.close()
            raise TransientError(
                f"cannot connect to {self.description}: {type(exc).__name__}: {exc}", stage="intake"
            ) from exc
        self._ssh, self._sftp = ssh, sftp

    def _client(self) -> paramiko.SFTPClient:
        """The SFTP session, reconnecting when the previous connection died."""
        if self._closed:
            raise TerminalError(f"the inbox {self.description} is closed", stage="intake")
        transport = self._ssh.get_transport() if self._ssh is not None else None
        if self._sftp is None or transport is None or not transport.is_active() or self._sftp.sock.closed:
            self._drop()
            self._open()
        assert self._sftp is not None
        return self._sftp

    def _drop(self) -> None:
        sftp, ssh, self._sftp, self._ssh = self._sftp, self._ssh, None, None
        for thing in (sftp, ssh):
            if thing is not None:
                try:
                    thing.close()
                except Exception:  # noqa: S110 - closing a broken connection; nothing to report
                    pass

    @contextmanager
    def _io(
        self, action: str, macskcb: str | None = None, name: str | None = None, stage: str = "intake"
    ) -> Iterator[None]:
        """Turn connection and server errors into TransientError; drop a connection that is broken."""
        try:
            yield
        except (paramiko.SSHException, SFTPError, EOFError, OSError) as exc:
            if _connection_lost(exc):
                self._drop()
            detail = (exc.strerror if isinstance(exc, OSError) else None) or str(exc) or type(exc).__name__
            raise TransientError(
                f"cannot {action} on {self.description}: {detail}",
                facility=macskcb,
                file=name,
                stage=stage,
            ) from exc

    def _path(self, *parts: str) -> str:
        return posixpath.join(self.root, *(_check_name(p) for p in parts))

    def _ensure_dir(self, sftp: paramiko.SFTPClient, path: str) -> None:
        try:
            sftp.mkdir(path)
        except OSError:
            # OpenSSH says only "Failure" when it exists: look before deciding it failed
            try:
                if _is_dir(sftp.stat(path)):
                    return
            except OSError:
                pass
            raise

    # -- the Inbox protocol ----------------------------------------------------------------------------------

    def facilities(self) -> list[str]:
        """MACSKCB folder names that have an ``inbox/``, sorted."""
        out = []
        with self._io("list the landing folder"):
            sftp = self._client()
            try:
                attrs = sftp.listdir_attr(self.root)
            except UnicodeDecodeError as exc:
                raise _not_utf8(self.root) from exc
            for attr in attrs:
                if not MACSKCB_FOLDER.match(attr.filename):
                    continue
                try:
                    inbox = sftp.stat(self._path(attr.filename, "inbox"))  # follows links, as Path.is_dir
                except FileNotFoundError:
                    continue
                if _is_dir(inbox):
                    out.append(attr.filename)
        return sorted(out)

    def list(self, macskcb: str) -> list[InboxEntry]:
        """Regular files in ``<macskcb>/inbox/`` that are not in flight by name, sorted by name."""
        path = self._path(macskcb, "inbox")
        try:
            with self._io(f"list {macskcb}/inbox", macskcb):
                attrs = self._client().listdir_attr(path)
        except UnicodeDecodeError as exc:
            # paramiko decodes names as strict UTF-8; the local scandir would give surrogate escapes
            raise _not_utf8(f"{macskcb}/inbox", macskcb) from exc
        except TransientError as exc:
            if isinstance(exc.__cause__, FileNotFoundError):
                return []
            raise
        out = [
            InboxEntry(macskcb, a.filename, a.st_size or 0, float(a.st_mtime or 0))
            for a in attrs
            if _is_file(a) and not in_flight(a.filename)
        ]
        return sorted(out, key=lambda e: e.name)

    def read_to(self, entry: InboxEntry, out: ByteSink) -> None:
        """Copy the upload into ``out`` a chunk at a time (a regular file only, as :meth:`read`)."""
        path = self._path(entry.macskcb, "inbox", entry.name)
        with self._io("read the upload", entry.macskcb, entry.name):
            sftp = self._client()
            if not _is_file(sftp.lstat(path)):
                raise OSError(f"{entry.name} is not a regular file")
            with sftp.open(path, "rb") as fh:
                fh.prefetch(fh.stat().st_size)
                while chunk := fh.read(1024 * 1024):
                    out.write(chunk)

    def read(self, entry: InboxEntry) -> bytes:
        """The whole file (only a regular file: a symbolic link is refused, as O_NOFOLLOW does locally)."""
        path = self._path(entry.macskcb, "inbox", entry.name)
        with self._io("read the upload", entry.macskcb, entry.name):
            sftp = self._client()
            attr = sftp.lstat(path)
            if not _is_file(attr):
                raise OSError(f"{entry.name} is not a regular file")
            with sftp.open(path, "rb") as fh:
                size = fh.stat().st_size
                fh.prefetch(size)
                return fh.read()

    def entry(self, macskcb: str, name: str, folder: str = "inbox") -> InboxEntry | None:
        """``<macskcb>/<folder>/<name>`` as :meth:`list` would give it (a regular file), or None."""
        if folder not in ("inbox", *DESTINATIONS):
            raise ValueError(folder)
        path = self._path(macskcb, folder, name)
        with self._io("look at the upload", macskcb, name, "answer"):
            try:
                attr = self._client().lstat(path)
            except FileNotFoundError:
                return None
            if not _is_file(attr):
                return None
            return InboxEntry(macskcb, name, attr.st_size or 0, float(attr.st_mtime or 0))

    def sha256(self, macskcb: str, name: str) -> str | None:
        """SHA-256 of ``<macskcb>/inbox/<name>``, or None when it is not there (or not a regular file)."""
        path = self._path(macskcb, "inbox", name)
        with self._io("hash the upload", macskcb, name, "answer"):
            sftp = self._client()
            try:
                attr = sftp.lstat(path)
            except FileNotFoundError:
                return None
            if not _is_file(attr):
                return None
            digest = hashlib.sha256()
            with sftp.open(path, "rb") as fh:
                fh.prefetch(attr.st_size)
                while chunk := fh.read(READ_CHUNK):
                    digest.update(chunk)
            return digest.hexdigest()

    def write_receipt(self, macskcb: str, name: str, data: bytes) -> None:
        """Write ``<macskcb>/outbox/<name>`` atomically (temporary dot-name, then rename over)."""
        folder = self._path(macskcb, "outbox")
        final = self._path(macskcb, "outbox", name)
        tmp = posixpath.join(folder, f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        with self._io("write the receipt", macskcb, name, "answer"):
            sftp = self._client()
            self._ensure_dir(sftp, folder)
            try:
                # exclusive create: a name planted in outbox/ is not written through; not pipelined, so
                # a failed write (disk full) is an error here and not a short receipt
                with sftp.open(tmp, "wxb") as fh:
                    fh.write(data)
                sftp.chmod(tmp, RECEIPT_MODE)
                self._replace(sftp, tmp, final)
            except BaseException:
                try:
                    sftp.remove(tmp)
                except Exception:  # noqa: S110 - the original error is the one to report
                    pass
                raise

    def _replace(self, sftp: paramiko.SFTPClient, tmp: str, final: str) -> None:
        try:
            sftp.posix_rename(tmp, final)
            return
        except FileNotFoundError:
            raise
        except OSError:
            # "Operation unsupported" (no extension) or "Permission denied" (denied by sftp-server -P);
            # any other cause fails again below and is reported from there
            pass
        try:
            sftp.rename(tmp, final)  # fine when there is no receipt yet
        except OSError:
            try:
                sftp.lstat(final)
            except FileNotFoundError:
                raise
            sftp.remove(final)
            sftp.rename(tmp, final)

    def move(
        self, macskcb: str, name: str, destination: str, *, alternative: str, source: str = "inbox"
    ) -> str:
        """Move ``<source>/<name>`` (the inbox, or ``rejected/`` for ``reprocess``) to
        ``<destination>/<name>``, or to ``<destination>/<alternative>`` when that name is taken: nothing is
        overwritten. Returns the name used."""
        if destination not in DESTINATIONS or source not in ("inbox", *DESTINATIONS):
            raise ValueError(destination)
        folder = self._path(macskcb, destination)
        origin = self._path(macskcb, source, name)
        with self._io(f"move the upload to {destination}/", macskcb, name, "answer"):
            sftp = self._client()
            self._ensure_dir(sftp, folder)
            for target in (name, alternative):
                path = self._path(macskcb, destination, target)
                if self._exists(sftp, path):
                    continue
                try:
                    # SFTP v3 rename never replaces an existing target (OpenSSH: link + unlink)
                    sftp.rename(origin, path)
                except OSError:
                    if self._exists(sftp, path):  # taken in the meantime
                        continue
                    raise
                return target
        raise TerminalError(
            f"both {destination}/{name} and {destination}/{alternative} exist",
            facility=macskcb,
            file=name,
            stage="answer",
        )

    @staticmethod
    def _exists(sftp: paramiko.SFTPClient, path: str) -> bool:
        try:
            sftp.lstat(path)
        except FileNotFoundError:
            return False
        return True

    def close(self) -> None:
        """Close the connection (idempotent); the inbox cannot be used afterwards."""
        self._closed = True
        self._drop()

    def __enter__(self) -> SftpInbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SftpInbox({self.description!r})"
