"""The secretariat's IMAP mailbox, through imapclient.

Fetches with ``BODY.PEEK[]`` (flags untouched: mail that is not the bot's stays unread
for staff) and ``INTERNALDATE`` (the server's receipt time, on which deadlines are
judged), UIDs above the last one handled for the current UIDVALIDITY. Oversized
messages are fetched as headers only. Handled messages are moved with MOVE, or
COPY + ``\\Deleted`` + UID EXPUNGE where MOVE is missing. ``IdleWatcher`` keeps a second
connection in IDLE and calls back when the server announces new mail. Logs in with LOGIN
and the password, or with AUTHENTICATE XOAUTH2 and an access token (``inbox.auth``,
bot.oauth).
"""

import logging
import socket
import ssl
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from bot.config import Config, MailUrl, secret
from bot.errors import ConfigError, InboxError
from bot.inbox import InboxMessage
from bot.oauth import TokenCommand, TokenError, login_with_token
from bot.outages import Outages
from bot.tls import client_context

log = logging.getLogger(__name__)
NETWORK_ERRORS = (OSError, socket.timeout, ssl.SSLError, IMAPClientError, EOFError)


class _Refused(InboxError):
    """The server refused the login (wrong password, expired token)."""


def connect(config: Config, url: MailUrl) -> IMAPClient:
    """A logged-in client, or an InboxError saying in one line what went wrong."""
    inbox = config.inbox
    if not url.username:
        raise ConfigError("inbox.url: no user name (imap://USER@HOST/INBOX)")
    user = url.username
    where = f"{url.scheme}://{url.host}:{url.port or (993 if url.scheme == 'imaps' else 143)}"
    password = None
    if inbox.auth == "password":
        password = secret(inbox.password_env, "inbox.password_env")
    client = _open(config, url, where)
    try:
        if password is None:
            _token_login(client, where, user, inbox.token_command or "")
        else:
            _login(client, where, user, password=password)
    except InboxError:
        _close(client)
        raise
    except TokenError as exc:  # an InboxError, so that IdleWatcher retries it too
        _close(client)
        raise InboxError(str(exc)) from None
    client.normalise_times = False  # keep INTERNALDATE timezone-aware
    return client


def _token_login(client: IMAPClient, where: str, user: str, command: str) -> None:
    """AUTHENTICATE XOAUTH2 with the token in memory, then once with a fresh one."""
    if not client.has_capability("AUTH=XOAUTH2"):
        raise InboxError(f"{where} does not offer XOAUTH2 login (inbox.auth = 'xoauth2')")
    tokens = TokenCommand(command, "inbox.token_command")
    try:
        login_with_token(tokens, lambda token: _login(client, where, user, token=token), _Refused)
    except _Refused as exc:
        raise InboxError(f"{exc} (a fresh token from inbox.token_command too)") from None


def _open(config: Config, url: MailUrl, where: str) -> IMAPClient:
    """A connection, switched to TLS as configured, not yet logged in."""
    inbox = config.inbox
    ca_file = config.path(inbox.ca_file) if inbox.ca_file else None
    context = client_context(inbox.tls_verify, ca_file)
    try:
        client = IMAPClient(
            url.host,
            port=url.port,
            ssl=url.scheme == "imaps",
            ssl_context=context,
            timeout=inbox.timeout,
        )
    except NETWORK_ERRORS as exc:
        raise InboxError(f"cannot connect to {where}: {_reason(exc)}") from None
    try:
        if url.scheme == "imap" and inbox.starttls != "never":
            if client.has_capability("STARTTLS"):
                client.starttls(context)
            elif inbox.starttls == "always":
                raise InboxError(f"{where} does not offer STARTTLS (inbox.starttls = 'always')")
    except InboxError:
        _close(client)
        raise
    except NETWORK_ERRORS as exc:
        _close(client)
        raise InboxError(f"{where}: {_reason(exc)}") from None
    return client


def _login(
    client: IMAPClient, where: str, user: str, token: str | None = None, password: str = ""
) -> None:
    """LOGIN with the password, or AUTHENTICATE XOAUTH2 with the token given."""
    try:
        if token is not None:
            client.oauth2_login(user, token)
        else:
            client.login(user, password)
    except LoginError as exc:
        raise _Refused(f"login to {where} as {user} refused: {_reason(exc)}") from None
    except NETWORK_ERRORS as exc:
        raise InboxError(f"{where}: {_reason(exc)}") from None


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    if isinstance(exc, bytes):
        text = exc.decode("utf-8", "replace")
    return text.splitlines()[0] if text else type(exc).__name__


def _close(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:
        try:
            client.shutdown()
        except Exception:
            log.debug("IMAP connection already gone")


def _aware(value) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.now(UTC)


class ImapInbox:
    def __init__(self, config: Config, url: MailUrl) -> None:
        self.config = config
        self.url = url
        self.folder = url.folder
        self.name = f"imap://{url.username}@{url.host}:{url.port or ''}/{url.folder}"
        self.client: IMAPClient | None = None
        self.uidvalidity: int | None = None
        self._known_folders: set[str] = set()

    def __enter__(self) -> "ImapInbox":
        self.client = connect(self.config, self.url)
        try:
            status = self.client.select_folder(self.folder)
        except NETWORK_ERRORS as exc:
            _close(self.client)
            raise InboxError(f"cannot open folder {self.folder!r}: {_reason(exc)}") from None
        self.uidvalidity = int(status.get(b"UIDVALIDITY", 0))
        return self

    def __exit__(self, *exc_info) -> None:
        if self.client is not None:
            _close(self.client)
            self.client = None

    def fetch_new(self, state, is_known=None, claim=None) -> Iterator[InboxMessage]:
        """UIDs above the last handled one (all of them after a UIDVALIDITY change).

        ``claim`` is given the (key, UIDVALIDITY, UID) of each batch before its bodies are
        fetched and says which keys are this process's: the others (another worker's)
        are neither fetched nor yielded. Known keys (``is_known``) are not claimed.
        """
        assert self.client is not None
        last = state.last_uid if state.uidvalidity == self.uidvalidity else 0
        uids = sorted(u for u in self.client.search(["UID", f"{last + 1}:*"]) if u > last)
        limit = self.config.inbox.max_message_bytes
        batch_size = self.config.inbox.fetch_batch
        for start in range(0, len(uids), batch_size):
            batch = self._claimed(uids[start : start + batch_size], is_known, claim)
            if not batch:
                continue
            meta = self.client.fetch(batch, ["RFC822.SIZE", "INTERNALDATE"])
            small = [u for u in batch if int(meta.get(u, {}).get(b"RFC822.SIZE", 0)) <= limit]
            large = [u for u in batch if u not in small]
            bodies = self.client.fetch(small, ["BODY.PEEK[]"]) if small else {}
            heads = self.client.fetch(large, ["BODY.PEEK[HEADER]"]) if large else {}
            for uid in batch:
                info = meta.get(uid, {})
                size = int(info.get(b"RFC822.SIZE", 0))
                received = _aware(info.get(b"INTERNALDATE"))
                if uid in bodies:
                    raw = bodies[uid].get(b"BODY[]")
                    too_large = False
                else:
                    raw = heads.get(uid, {}).get(b"BODY[HEADER]")
                    too_large = True
                if raw is None:
                    log.warning("UID %s vanished before it could be fetched", uid)
                    continue
                yield InboxMessage(
                    f"{self.uidvalidity}:{uid}",
                    bytes(raw),
                    size,
                    received,
                    uid=uid,
                    uidvalidity=self.uidvalidity,
                    too_large=too_large,
                )

    def _claimed(self, uids: list[int], is_known, claim) -> list[int]:
        if claim is None:
            return uids
        key = f"{self.uidvalidity}:{{}}".format
        known = {u for u in uids if is_known is not None and is_known(key(u))}
        mine = claim([(key(u), self.uidvalidity, u) for u in uids if u not in known])
        return [u for u in uids if u in known or key(u) in mine]

    def _ensure_folder(self, folder: str) -> None:
        assert self.client is not None
        if folder in self._known_folders:
            return
        if not self.client.folder_exists(folder):
            self.client.create_folder(folder)
            try:
                self.client.subscribe_folder(folder)
            except IMAPClientError:
                log.info("could not subscribe to %s", folder)
        self._known_folders.add(folder)

    def move(self, messages: Sequence[InboxMessage], folder: str) -> int:
        """One SEARCH and one MOVE (or COPY, STORE and EXPUNGE) for all of ``messages``."""
        assert self.client is not None
        wanted = {
            m.uid for m in messages if m.uidvalidity == self.uidvalidity and m.uid is not None
        }
        if not wanted:
            return 0
        self._ensure_folder(folder)
        # "UID n" answers with the highest UID when n is gone: keep only those asked for.
        present = sorted(wanted & set(self.client.search(["UID", _uid_set(wanted)])))
        if not present:
            return 0
        if self.client.has_capability("MOVE"):
            self.client.move(present, folder)
        else:
            self.client.copy(present, folder)
            self.client.add_flags(present, [b"\\Deleted"], silent=True)
            if self.client.has_capability("UIDPLUS"):
                self.client.uid_expunge(present)
            else:
                self.client.expunge()
        return len(present)


def _uid_set(uids: set[int]) -> str:
    """``1,2,3,7`` as ``1:3,7``: a short command for a long run of UIDs."""
    ranges: list[str] = []
    ordered = sorted(uids)
    start = previous = ordered[0]
    for uid in [*ordered[1:], None]:
        if uid is not None and uid == previous + 1:
            previous = uid
            continue
        ranges.append(str(start) if start == previous else f"{start}:{previous}")
        if uid is not None:
            start = previous = uid
    return ",".join(ranges)


class IdleWatcher:
    """A thread holding IDLE on its own connection; ``on_new_mail`` is called on EXISTS,
    and once each time IDLE is up on a new connection (mail that arrived while the
    watcher was starting or reconnecting announces itself to nobody).

    Reconnects with back-off when the connection drops; renews IDLE every
    ``inbox.idle_renew`` seconds (RFC 2177 asks for less than 29 minutes).
    """

    def __init__(
        self,
        config: Config,
        url: MailUrl,
        on_new_mail: Callable[[], None],
        stop: threading.Event,
        outages: Outages | None = None,
        service: str = "inbox",
    ) -> None:
        self.config = config
        self.url = url
        self.on_new_mail = on_new_mail
        self.stop = stop
        self.outages = outages or Outages(log)  # one line per outage, shared with polling
        self.service = service
        self.thread = threading.Thread(target=self._run, name="imap-idle", daemon=True)
        self.supported = True

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        delay = 1.0
        while not self.stop.is_set():
            try:
                self._watch()
                delay = 1.0
            except InboxError as exc:
                self.outages.failed(self.service, f"IDLE: {exc}", f"retrying in {delay:.0f} s")
            except NETWORK_ERRORS as exc:
                reason = f"IDLE connection lost ({_reason(exc)})"
                self.outages.failed(self.service, reason, f"reconnecting in {delay:.0f} s")
            if not self.supported:
                return
            self.stop.wait(delay)
            delay = min(delay * 2, 300.0)

    def _watch(self) -> None:
        client = connect(self.config, self.url)
        try:
            if not client.has_capability("IDLE"):
                log.warning("the IMAP server does not offer IDLE; polling only")
                self.supported = False
                return
            client.select_folder(self.url.folder, readonly=True)
            self.outages.recovered(self.service)
            renew = self.config.inbox.idle_renew
            caught_up = False
            while not self.stop.is_set():
                client.idle()
                if not caught_up:  # what came before IDLE was up (start-up, an outage)
                    self.on_new_mail()
                    caught_up = True
                started = datetime.now(UTC)
                try:
                    while not self.stop.is_set():
                        responses = client.idle_check(timeout=5)
                        # idle_check puts the socket in blocking mode: restore the timeout.
                        client.socket().settimeout(self.config.inbox.timeout)
                        if any(
                            r[1] in (b"EXISTS", b"RECENT")
                            for r in responses
                            if isinstance(r, tuple) and len(r) > 1
                        ):
                            self.on_new_mail()
                        if (datetime.now(UTC) - started).total_seconds() > renew:
                            break
                finally:
                    client.idle_done()
        finally:
            _close(client)
