"""A throw-away Dovecot IMAP server on 127.0.0.1 for the tests and benchmarks.

Runs the real ``dovecot`` binary in the foreground with its own configuration, state and
Maildirs under a temporary folder. Pitfalls handled: Dovecot refuses uid 0, so mail is
stored as the ``mail`` user; ``imap-login`` and ``anvil`` run without chroot; plaintext
login over loopback without TLS is allowed.
"""

import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from datetime import datetime
from pathlib import Path

from imapclient import IMAPClient

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:{root}/mail/%u/Maildir
{capability}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
protocol imap {{
  mail_max_userip_connections = 100
  imap_idle_notify_interval = 1 secs
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Dovecot:
    """One running server; ``add_user`` gives each test its own mailbox."""

    def __init__(self, capabilities: str | None = None) -> None:
        if shutil.which("dovecot") is None:
            raise RuntimeError(
                "dovecot is not installed: run bash scripts/test.sh, which "
                "installs dovecot-imapd with apt-get"
            )
        self.root = Path(tempfile.mkdtemp(prefix="nombot-dovecot-"))
        os.chmod(self.root, 0o755)
        self.port = free_port()
        self.host = "127.0.0.1"
        self.passwd = self.root / "passwd"
        self.passwd.write_text("")
        mail = pwd.getpwnam("mail")
        self.uid, self.gid = mail.pw_uid, grp.getgrgid(mail.pw_gid).gr_gid
        (self.root / "mail").mkdir()
        os.chown(self.root / "mail", self.uid, self.gid)
        capability = f"imap_capability = {capabilities}" if capabilities else ""
        self.config = self.root / "dovecot.conf"
        self.config.write_text(
            CONFIG.format(
                root=self.root, port=self.port, uid=self.uid, gid=self.gid, capability=capability
            )
        )
        self.process: subprocess.Popen | None = None

    def start(self) -> "Dovecot":
        self.process = subprocess.Popen(
            ["dovecot", "-F", "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"dovecot exited: {self.process.stderr.read().decode()} {self.log()}"
                )
            try:
                with socket.create_connection((self.host, self.port), timeout=1) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"dovecot did not start: {self.log()}")

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.root, ignore_errors=True)

    def add_users(self, users: dict[str, str]) -> None:
        """Add users before start: Dovecot re-reads the file at most once a second."""
        with open(self.passwd, "a") as handle:
            for name, password in users.items():
                handle.write(f"{name}:{{PLAIN}}{password}\n")

    def client(self, user: str, password: str) -> IMAPClient:
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(user, password)
        return client

    def append(
        self, user: str, password: str, raw: bytes, received: datetime, folder: str = "INBOX"
    ) -> None:
        with self.client(user, password) as client:
            client.append(folder, raw, msg_time=received)

    def folder_messages(
        self, user: str, password: str, folder: str
    ) -> list[tuple[int, bytes, list]]:
        """(uid, raw, flags) of every message in a folder (read with PEEK)."""
        with self.client(user, password) as client:
            if not client.folder_exists(folder):
                return []
            client.select_folder(folder, readonly=True)
            uids = client.search("ALL")
            if not uids:
                return []
            data = client.fetch(uids, ["BODY.PEEK[]", "FLAGS"])
            return [(uid, data[uid][b"BODY[]"], list(data[uid][b"FLAGS"])) for uid in uids]
