"""SftpInbox against a real OpenSSH sshd on 127.0.0.1 (the ``sshd`` fixture), side by side with LocalInbox."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from pathlib import Path

import pytest
from support.sftp_server import SshServer, keygen, running_sshd
from support.sharing import free_port

from pipelines.common.errors import ConfigurationError, TerminalError, TransientError
from pipelines.landing import InboxEntry, LocalInbox, open_inbox
from pipelines.landing.sftp import SftpInbox

VIETNAMESE = "hồ sơ 1.xml"


def make_landing(root: Path) -> Path:
    """Two facilities with uploads, in-flight names, a link, a folder; folders that are not facilities."""
    files = {
        "79001/inbox/a.xml": b"<GIAMDINHHS>a</GIAMDINHHS>",
        "79001/inbox/b.xml": b"b" * 300_000,  # several SFTP read chunks
        f"79001/inbox/{VIETNAMESE}": "<HOSO>Nguyễn Văn A</HOSO>".encode(),
        "79001/inbox/x.xml.part": b"half an upl",
        "79001/inbox/.hidden.xml": b"in flight",
        "79001/inbox/c.XML.TMP": b"in flight too",
        "01002/inbox/c.xml": b"<c/>",
        "01002/inbox/empty.xml": b"",
        "01002/archive/old.xml": b"archived before",
        "99999/outbox/no-inbox.txt": b"",  # a facility folder without inbox/
        "123456/inbox/too-long-a-code.xml": b"",  # not a MACSKCB
        "7900x/inbox": b"inbox is a file here",
        "notes.txt": b"",
    }
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (root / "79001" / "inbox" / "link.xml").symlink_to(root / "79001" / "inbox" / "a.xml")
    (root / "79001" / "inbox" / "dangling.xml").symlink_to(root / "nowhere.xml")
    (root / "79001" / "inbox" / "folder.xml").mkdir()
    (root / "01003").mkdir()
    (root / "01003" / "inbox").symlink_to(root / "01002" / "inbox")  # a linked inbox counts, as Path.is_dir
    for i, path in enumerate(sorted(root.rglob("*"))):
        if not path.is_symlink():
            os.utime(path, ns=(1_700_000_000_123_456_789 + i * 1_000_000_321,) * 2)  # fractional seconds
    return root


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    return make_landing(tmp_path / "landing root")  # a space: the URL is percent-encoded


@pytest.fixture
def sftp(sshd: SshServer, landing: Path):
    with SftpInbox.connect(sshd.url(landing), known_hosts=sshd.known_hosts, key_file=sshd.key_file) as inbox:
        yield inbox


def listing(entries: list[InboxEntry]) -> list[tuple[str, str, int, int]]:
    return [(e.macskcb, e.name, e.size, int(e.mtime)) for e in entries]


def test_facilities_and_listings_are_those_of_the_local_inbox(sftp: SftpInbox, landing: Path):
    local = LocalInbox(landing)
    assert sftp.facilities() == local.facilities() == ["01002", "01003", "79001"]
    for mac in [*local.facilities(), "99999", "00000"]:
        assert listing(sftp.list(mac)) == listing(local.list(mac)), mac
    assert [e.name for e in sftp.list("79001")] == ["a.xml", "b.xml", VIETNAMESE]
    assert [e.name for e in sftp.list("01002")] == ["c.xml", "empty.xml"]
    assert sftp.list("99999") == [] and sftp.list("00000") == []
    entry = sftp.list("79001")[0]
    assert entry.mtime == int(entry.mtime)  # SFTP v3 has whole seconds
    assert entry.mtime == int(local.list("79001")[0].mtime) != local.list("79001")[0].mtime


def test_read_and_sha256_give_the_local_bytes(sftp: SftpInbox, landing: Path):
    local = LocalInbox(landing)
    for mac in local.facilities():
        for entry in sftp.list(mac):
            assert sftp.entry(mac, entry.name) == entry  # what the answer step compares with intake's
            assert local.entry(mac, entry.name).size == entry.size
            data = sftp.read(entry)
            assert data == local.read(entry) == (landing / mac / "inbox" / entry.name).read_bytes()
            assert (
                sftp.sha256(mac, entry.name)
                == local.sha256(mac, entry.name)
                == hashlib.sha256(data).hexdigest()
            )
    for name in ("missing.xml", "link.xml", "dangling.xml", "folder.xml"):
        assert sftp.sha256("79001", name) is None and local.sha256("79001", name) is None, name
    assert sftp.sha256("00000", "a.xml") is None
    for name in ("link.xml", "missing.xml"):
        entry = InboxEntry("79001", name, 0, 0)
        for inbox in (sftp, local):
            with pytest.raises(TransientError, match="read the upload"):
                inbox.read(entry)


def test_write_receipt_replaces_atomically_and_leaves_no_temporary_file(sftp: SftpInbox, landing: Path):
    outbox = landing / "79001" / "outbox"
    assert not outbox.exists()
    sftp.write_receipt("79001", "a.xml.receipt.json", b'{"status": "rejected"}')
    assert (outbox / "a.xml.receipt.json").read_bytes() == b'{"status": "rejected"}'
    sftp.write_receipt("79001", "a.xml.receipt.json", b'{"status": "accepted"}')
    sftp.write_receipt("79001", f"{VIETNAMESE}.receipt.json", b"{}")
    assert (outbox / "a.xml.receipt.json").read_bytes() == b'{"status": "accepted"}'
    assert sorted(p.name for p in outbox.iterdir()) == ["a.xml.receipt.json", f"{VIETNAMESE}.receipt.json"]
    assert stat.S_IMODE((outbox / "a.xml.receipt.json").stat().st_mode) == 0o640


@pytest.fixture(scope="module")
def sshd_without_posix_rename(tmp_path_factory: pytest.TempPathFactory):
    """A second sshd whose SFTP server refuses posix-rename@openssh.com, as servers without it do."""
    with running_sshd(
        tmp_path_factory.mktemp("sshd-no-posix-rename"), sftp_options="-P posix-rename"
    ) as server:
        yield server


def test_write_receipt_falls_back_when_the_server_has_no_posix_rename(
    sshd_without_posix_rename: SshServer, landing: Path
):
    server = sshd_without_posix_rename
    outbox = landing / "01002" / "outbox"
    with SftpInbox.connect(
        server.url(landing), known_hosts=server.known_hosts, key_file=server.key_file
    ) as sftp:
        sftp.write_receipt("01002", "c.xml.receipt.json", b"first")
        sftp.write_receipt("01002", "c.xml.receipt.json", b"second")
        with pytest.raises(PermissionError):  # the fallback really was needed
            sftp._client().posix_rename(str(outbox / "c.xml.receipt.json"), str(outbox / "other"))
    assert (outbox / "c.xml.receipt.json").read_bytes() == b"second"
    assert [p.name for p in outbox.iterdir()] == ["c.xml.receipt.json"]


def move_scenario(inbox: LocalInbox | SftpInbox, root: Path) -> list:
    """Same-named uploads moved one after the other: nothing is ever overwritten."""
    inbox_dir = root / "79001" / "inbox"
    archive = root / "79001" / "archive"
    results: list = [inbox.move("79001", "a.xml", "archive", alternative="a.xml.2")]
    (inbox_dir / "a.xml").write_bytes(b"second upload")
    results.append(inbox.move("79001", "a.xml", "archive", alternative="a.xml.2"))
    (inbox_dir / "a.xml").write_bytes(b"third upload")
    with pytest.raises(TerminalError, match="both archive/a.xml and archive/a.xml.2 exist") as info:
        inbox.move("79001", "a.xml", "archive", alternative="a.xml.2")
    results.append(str(info.value))
    results.append(inbox.move("79001", VIETNAMESE, "rejected", alternative=f"{VIETNAMESE}.2"))
    results.append(inbox.move("01002", "c.xml", "archive", alternative="c.xml.2"))  # archive/ exists
    with pytest.raises(ValueError):
        inbox.move("79001", "b.xml", "outbox", alternative="b.xml.2")
    results.append({p.name: p.read_bytes() for p in sorted(archive.iterdir())})
    results.append(sorted(p.name for p in inbox_dir.iterdir()))
    results.append(sorted(p.name for p in (root / "79001" / "rejected").iterdir()))
    results.append(sorted(p.name for p in (root / "01002" / "archive").iterdir()))
    return results


def test_move_never_overwrites_and_matches_the_local_inbox(sshd: SshServer, tmp_path: Path):
    local = move_scenario(LocalInbox(make_landing(tmp_path / "local")), tmp_path / "local")
    root = make_landing(tmp_path / "remote")
    with SftpInbox.connect(sshd.url(root), known_hosts=sshd.known_hosts, key_file=sshd.key_file) as sftp:
        remote = move_scenario(sftp, root)
    assert remote == local
    assert remote[:2] == ["a.xml", "a.xml.2"]
    assert remote[5] == {"a.xml": b"<GIAMDINHHS>a</GIAMDINHHS>", "a.xml.2": b"second upload"}
    assert (root / "79001" / "inbox" / "a.xml").read_bytes() == b"third upload"  # left where it was


def test_open_inbox_gives_an_sftp_inbox_and_the_description_has_no_password(sshd: SshServer, landing: Path):
    inbox = open_inbox(sshd.url(landing), known_hosts=sshd.known_hosts, key_file=sshd.key_file)
    try:
        assert isinstance(inbox, SftpInbox)
        assert inbox.description == f"sftp://{sshd.user}@127.0.0.1:{sshd.port}{landing}"
        assert inbox.facilities() == ["01002", "01003", "79001"]
    finally:
        inbox.close()
    inbox.close()  # idempotent
    with pytest.raises(TerminalError, match="closed"):
        inbox.list("79001")
    with_password = sshd.url(landing).replace("@", ":s3cret@", 1)
    with SftpInbox.connect(with_password, known_hosts=sshd.known_hosts, key_file=sshd.key_file) as inbox:
        assert "s3cret" not in inbox.description + repr(inbox)


def test_unknown_host_key_is_a_configuration_error_naming_the_file(sshd: SshServer, landing: Path, tmp_path):
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    with pytest.raises(ConfigurationError, match=f"not known.*add it to {empty}"):
        SftpInbox.connect(sshd.url(landing), known_hosts=empty, key_file=sshd.key_file)


def test_a_changed_host_key_is_a_configuration_error(sshd: SshServer, landing: Path, tmp_path: Path):
    other = keygen(tmp_path / "other_host_key", "impostor").split()
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text(f"[127.0.0.1]:{sshd.port} {other[0]} {other[1]}\n")
    with pytest.raises(ConfigurationError, match="does not match"):
        SftpInbox.connect(sshd.url(landing), known_hosts=known_hosts, key_file=sshd.key_file)


def test_a_refused_key_is_a_configuration_error(sshd: SshServer, landing: Path, tmp_path: Path):
    keygen(tmp_path / "stranger", "not authorized")
    with pytest.raises(ConfigurationError, match="refused user"):
        SftpInbox.connect(sshd.url(landing), known_hosts=sshd.known_hosts, key_file=tmp_path / "stranger")
    with pytest.raises(ConfigurationError, match="does not exist"):
        SftpInbox.connect(sshd.url(landing), known_hosts=sshd.known_hosts, key_file=tmp_path / "missing")


def test_default_known_hosts_and_default_keys_come_from_home(
    sshd: SshServer, landing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True, mode=0o700)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    shutil.copy(sshd.key_file, home / ".ssh" / "id_ed25519")
    with pytest.raises(ConfigurationError, match=f"add it to {home}/.ssh/known_hosts"):
        SftpInbox.connect(sshd.url(landing), known_hosts=None, key_file=None)
    shutil.copy(sshd.known_hosts, home / ".ssh" / "known_hosts")
    with SftpInbox.connect(sshd.url(landing), known_hosts=None, key_file=None) as inbox:
        assert inbox.facilities() == ["01002", "01003", "79001"]


def test_a_closed_port_is_transient(sshd: SshServer, landing: Path):
    url = sshd.url(landing).replace(f":{sshd.port}/", f":{free_port()}/")
    with pytest.raises(TransientError, match="cannot connect"):
        SftpInbox.connect(url, known_hosts=sshd.known_hosts, key_file=sshd.key_file)


def test_a_missing_landing_folder_is_a_configuration_error(sshd: SshServer, tmp_path: Path):
    with pytest.raises(ConfigurationError, match="does not exist"):
        SftpInbox.connect(
            sshd.url(tmp_path / "nowhere"), known_hosts=sshd.known_hosts, key_file=sshd.key_file
        )
    (tmp_path / "a-file").write_bytes(b"")
    with pytest.raises(ConfigurationError, match="not a folder"):
        SftpInbox.connect(sshd.url(tmp_path / "a-file"), known_hosts=sshd.known_hosts, key_file=sshd.key_file)


@pytest.mark.parametrize(
    "url",
    ["sftp://host", "sftp://user@host:port/x", "ftp://user@host/x", "sftp://user@:22/x", "sftp://h:22rel"],
)
def test_bad_urls_are_configuration_errors(url: str):
    with pytest.raises(ConfigurationError):
        SftpInbox.connect(url, known_hosts=None, key_file=None)


def test_a_dropped_connection_is_reopened_by_the_next_call(sftp: SftpInbox, landing: Path):
    transport = sftp._ssh.get_transport()
    transport.close()  # as when the server restarts or the network drops
    assert [e.name for e in sftp.list("01002")] == ["c.xml", "empty.xml"]
    assert sftp._ssh.get_transport() is not transport


def test_a_closed_sftp_channel_is_reopened_by_the_next_call(sftp: SftpInbox):
    sftp._client().get_channel().close()  # the SFTP channel dies, the SSH connection looks alive
    assert [e.name for e in sftp.list("01002")] == ["c.xml", "empty.xml"]


def test_operations_while_the_server_is_down_are_transient(landing: Path, tmp_path: Path):
    with running_sshd(tmp_path / "sshd") as server:
        inbox = SftpInbox.connect(
            server.url(landing), known_hosts=server.known_hosts, key_file=server.key_file
        )
        assert inbox.facilities()
        server.kill_sessions()  # the server goes down
        server.stop()
        for call in (lambda: inbox.list("79001"), inbox.facilities, lambda: inbox.sha256("79001", "a.xml")):
            with pytest.raises(TransientError):
                call()
        inbox.close()


def test_file_names_that_are_not_utf8_stop_the_listing_with_a_clear_error(sftp: SftpInbox, landing: Path):
    try:
        (landing / "01002" / "inbox" / os.fsdecode(b"h\xf4 so.xml")).write_bytes(b"latin-1 name")
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system does not take names that are not UTF-8")
    assert len(LocalInbox(landing).list("01002")) == 3
    with pytest.raises(TerminalError, match="not UTF-8") as info:
        sftp.list("01002")
    assert not isinstance(info.value, TransientError) and info.value.facility == "01002"
    assert [e.name for e in sftp.list("79001")]  # the session is still usable
