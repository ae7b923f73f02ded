"""A real IMAP server for the tests: Debian's Dovecot on loopback, started and stopped per test.

``imap_server`` writes a configuration of its own (no SSL, plain authentication, one user in a
passwd-file, a maildir), starts ``dovecot -F`` (in the foreground: a child of the test, not a
daemon) on a free port of 127.0.0.1, waits until the port greets, and stops it afterwards. The
test delivers messages with :meth:`ImapServer.append` (IMAP ``APPEND``, as a mail server's
delivery would leave them: unseen) and reads flags with :meth:`ImapServer.flags`.

Dovecot runs as the current user. Run as root (a container), it refuses to run its login and
mail processes as root, so they run as Debian's own ``dovenull`` / ``dovecot`` users and the
mailbox belongs to ``nobody``; its files then live in a directory those users can read (a
``tmp_path`` under pytest's private directory is not), removed afterwards.

Skipped, with the reason, only when ``/usr/sbin/dovecot`` is absent (``scripts/setup --test``
installs it).
"""

from __future__ import annotations

import contextlib
import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

DOVECOT = Path("/usr/sbin/dovecot")
USER = "comptoir-inbox"
PASSWORD = "imap-test-password"  # a throwaway account of a throwaway server
STARTUP_SECONDS = 20


@dataclass
class ImapServer:
    host: str
    port: int
    user: str
    password: str
    log: Path

    def connect(self) -> imaplib.IMAP4:
        connection = imaplib.IMAP4(self.host, self.port, timeout=10)
        connection.login(self.user, self.password)
        return connection

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        """Deliver ``raw`` to ``folder``, unseen."""
        connection = self.connect()
        try:
            status, data = connection.append(folder, "", None, raw)
            assert status == "OK", data
        finally:
            connection.logout()

    def flags(self, folder: str = "INBOX") -> list[set[str]]:
        """The flags of every message of ``folder``, in order."""
        connection = self.connect()
        try:
            connection.select(folder, readonly=True)
            status, found = connection.uid("SEARCH", "ALL")
            assert status == "OK"
            result = []
            for uid in found[0].split():
                status, data = connection.uid("FETCH", uid, "(FLAGS)")
                line = data[0].decode() if isinstance(data[0], bytes) else str(data[0])
                inside = line.split("FLAGS (", 1)[1].split(")", 1)[0]
                result.append(set(inside.split()) - {"\\Recent"})
            return result
        finally:
            connection.logout()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _greets(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            return connection.recv(64).startswith(b"* OK")
    except OSError:
        return False


def _identities() -> tuple[str, str, str, int, int]:
    """(internal user, its group, login user, mail uid, mail gid) for the current user."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid())
        group = grp.getgrgid(os.getegid()).gr_name
        return me.pw_name, group, me.pw_name, me.pw_uid, me.pw_gid

    def known(name: str, fallback: str) -> str:
        try:
            pwd.getpwnam(name)
        except KeyError:
            return fallback
        return name

    internal = known("dovecot", "nobody")
    login = known("dovenull", "nobody")
    nobody = pwd.getpwnam("nobody")
    return (
        internal,
        grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name,
        login,
        nobody.pw_uid,
        nobody.pw_gid,
    )


def _configuration(root: Path, port: int) -> Path:
    internal, internal_group, login, mail_uid, mail_gid = _identities()
    mail = root / "mail"
    mail.mkdir()
    for folder in ("run", "state"):
        (root / folder).mkdir()
    if os.geteuid() == 0:
        os.chown(mail, mail_uid, mail_gid)
    passwd = root / "passwd"
    passwd.write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{mail_uid}:{mail_gid}::{mail}/{USER}::\n")
    config = root / "dovecot.conf"
    config.write_text(
        f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
default_internal_user = {internal}
default_internal_group = {internal_group}
default_login_user = {login}
first_valid_uid = {min(mail_uid, 500)}
first_valid_gid = {min(mail_gid, 500)}
mail_location = maildir:{mail}/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {passwd}
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {passwd}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  # No chroot: a process that is not root cannot make one.
  chroot =
}}
service anvil {{
  chroot =
}}
"""
    )
    return config


@contextlib.contextmanager
def _workspace(tmp_path: Path) -> Iterator[Path]:
    if os.geteuid() != 0:
        root = tmp_path / "dovecot"
        root.mkdir()
        yield root
        return
    root = Path(tempfile.mkdtemp(prefix="comptoir-dovecot-"))
    root.chmod(0o755)  # Dovecot's unprivileged processes read the passwd-file and the mailbox
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def imap_server(tmp_path: Path) -> Iterator[ImapServer]:
    if not DOVECOT.exists():
        pytest.skip("Dovecot is not installed (/usr/sbin/dovecot): run scripts/setup --test")
    with _workspace(tmp_path) as root:
        port = _free_port()
        config = _configuration(root, port)
        log = root / "dovecot.log"
        process = subprocess.Popen(
            [str(DOVECOT), "-F", "-c", str(config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while not _greets(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read().decode() if process.stdout else ""
                    text = log.read_text() if log.exists() else ""
                    pytest.fail(f"Dovecot did not start:\n{output}\n{text}")
                time.sleep(0.1)
            yield ImapServer("127.0.0.1", port, USER, PASSWORD, log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout:
                process.stdout.close()
