"""The one TLS client context the bot builds, for IMAP and SMTP alike: the system's trust
store (or a configured CA file), with verification switched off only when configured."""

import ssl
from pathlib import Path


def client_context(verify: bool, ca_file: Path | str | None = None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context
