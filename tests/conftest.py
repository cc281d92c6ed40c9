"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.sftp_server import SshServer, running_sshd


@pytest.fixture(scope="session")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    """A real OpenSSH sshd on 127.0.0.1 serving this machine's files over SFTP (see tests/sftp_server.py)."""
    with running_sshd(tmp_path_factory.mktemp("sshd")) as server:
        yield server
