"""A throw-away Dovecot IMAP server on 127.0.0.1 for the tests and benchmarks.

Runs the real ``dovecot`` binary in the foreground with its own configuration, state and
Maildirs under a temporary folder. Pitfalls handled: Dovecot refuses uid 0, so mail is
stored as the ``mail`` user; ``imap-login`` and ``anvil`` run without chroot; plaintext
login over loopback without TLS is allowed.

With ``oauth2_introspection_url``, an instance also takes XOAUTH2 and OAUTHBEARER logins,
checked by Dovecot's ``oauth2`` passdb, which POSTs each token to that URL (RFC 7662
introspection: ``{"active": true, "username": …}`` lets the user in); passwords still work
for PLAIN/LOGIN, so the tests can fill the mailbox. Such an instance answers a refused
login at once (no failure delay, no anvil penalty), which the default one does not.
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
auth_mechanisms = plain login{mechanisms}
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:{root}/mail/%u/Maildir
{capability}
{oauth2_passdb}passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd{passwd_mechanisms}
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
  chroot ={anvil}
}}
protocol imap {{
  mail_max_userip_connections = 100
  imap_idle_notify_interval = 1 secs
}}
"""

OAUTH2_SETTINGS = """\
auth_failure_delay = 0
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/dovecot-oauth2.conf.ext
}}
"""

# dovecot-oauth2.conf.ext: POST token=… to the URL; "active": true and the user name needed.
OAUTH2_PASSDB = """\
introspection_mode = post
introspection_url = {url}
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
timeout_msecs = 5000
"""

OAUTH2_NO_PENALTY = """
  unix_listener anvil-auth-penalty {
    mode = 0
  }"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Dovecot:
    """One running server; ``add_user`` gives each test its own mailbox."""

    def __init__(
        self, capabilities: str | None = None, oauth2_introspection_url: str | None = None
    ) -> None:
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
        oauth2 = oauth2_introspection_url is not None
        if oauth2:
            (self.root / "dovecot-oauth2.conf.ext").write_text(
                OAUTH2_PASSDB.format(url=oauth2_introspection_url)
            )
        self.config = self.root / "dovecot.conf"
        self.config.write_text(
            CONFIG.format(
                root=self.root,
                port=self.port,
                uid=self.uid,
                gid=self.gid,
                capability=capability,
                mechanisms=" xoauth2 oauthbearer" if oauth2 else "",
                oauth2_passdb=OAUTH2_SETTINGS.format(root=self.root) if oauth2 else "",
                passwd_mechanisms="\n  mechanisms = plain login" if oauth2 else "",
                anvil=OAUTH2_NO_PENALTY if oauth2 else "",
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

    def halt(self) -> None:
        """Stop the server but keep its mail: ``start`` brings it back on the same port."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

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
