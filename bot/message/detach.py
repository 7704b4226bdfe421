"""Byte surgery before the MIME parser, so that what it is given stays small and shallow.

The stdlib parser (under mail-parser) holds several copies of everything it parses —
about six times the input at its peak — and recurses once per level of nesting. So,
before parsing:

- containers (``multipart/*``, ``message/*``) past ``max_containers`` are renamed
  ``application/x-unparsed-…``: what they hold is kept as one opaque part, never parsed,
  however deep it goes;
- leaf parts are cut out of the bytes: every part larger than ``detach_above``, then the
  largest others until the rest fits ``budget``. Each keeps its headers and gets
  ``X-Nombot-Detached: <n>``; its encoded body stays in the original bytes, returned as
  views, and is decoded only when a reader asks for it and the limits allow.

Parts are found by slicing between boundary lines; a part's header block ends at its
first blank line, wherever that is (headers of 10,000 recipients are longer than any
fixed window). A ``message/*`` part is cut out only when it holds no parts of its own.
"""

import binascii
import quopri
import re

DETACHED_HEADER = "X-Nombot-Detached"
DETACH_ABOVE = 256 * 1024  # larger MIME parts never go through the parser
PARSE_BUDGET = 2 * 1024 * 1024  # beyond it, the largest parts are cut out too
MIN_DETACH = 2048  # parts smaller than this are not worth cutting out
_BOUNDARY = re.compile(rb'boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"\r\n]{1,200}))', re.I)
_BLANK_LINE = re.compile(rb"\r?\n(\r?\n)")
_CONTENT_TYPE = re.compile(rb"^content-type:[ \t]*(?:\r?\n[ \t]+)?([\w.+-]+)/", re.I | re.M)
_CONTAINER = re.compile(rb"^(content-type:[ \t]*(?:\r?\n[ \t]+)?)(multipart|message)/", re.I | re.M)


def limit_containers(raw: bytes, max_containers: int) -> tuple[bytes, int]:
    """The bytes with containers past the first ``max_containers`` made opaque, and how
    many were (a header line quoted in a text body counts too: it is only renamed)."""
    found = list(_CONTAINER.finditer(raw))
    if len(found) <= max_containers:
        return raw, 0
    pieces, position = [], 0
    for match in found[max_containers:]:
        pieces += [raw[position : match.end(1)], b"application/x-unparsed-", match.group(2), b"-"]
        position = match.end()
    pieces.append(raw[position:])
    return b"".join(pieces), len(found) - max_containers


def header_end(raw: bytes, start: int, stop: int) -> int | None:
    """Where the headers of the part between ``start`` and ``stop`` end (after the last
    header line's line break), or None when the part has no body."""
    found = _BLANK_LINE.search(raw, start, stop)
    return found.start(1) if found else None


def _is_leaf(raw: bytes, start: int, end: int, stop: int) -> bool:
    """Whether the part may be cut out: not a container, or an attached message whose
    body declares no parts (its whole text is then the part)."""
    declared = _CONTENT_TYPE.search(raw, start, end)
    kind = declared.group(1).lower() if declared else b"text"
    if kind == b"multipart":
        return False
    return kind != b"message" or _BOUNDARY.search(raw, end, stop) is None


def _spans(raw: bytes) -> list[tuple[int, int, int]]:
    """(start, header end, stop) of every leaf part that could be cut out."""
    boundaries = {(m.group(1) or m.group(2)) for m in _BOUNDARY.finditer(raw)}
    cuts = []
    if boundaries:
        pattern = re.compile(
            rb"^--(?:" + b"|".join(re.escape(b) for b in boundaries) + rb")(?:--)?[ \t]*\r?$",
            re.M,
        )
        cuts = [m.span() for m in pattern.finditer(raw)]
    if cuts:
        pairs = zip(cuts, cuts[1:], strict=False)
        between = [(end, following) for (_, end), (following, _) in pairs]
        between.append((cuts[-1][1], len(raw)))  # after the last line: a truncated part
    else:
        between = [(0, len(raw))]  # a single-part message: its body is the part
    spans = []
    for start, stop in between:
        end = header_end(raw, start, stop)
        if end is not None and stop - end >= MIN_DETACH and _is_leaf(raw, start, end, stop):
            spans.append((start, end, stop))
    return spans


def _chosen(raw: bytes, detach_above: int, budget: int) -> list[tuple[int, int, int]]:
    spans = _spans(raw)
    chosen = {s for s in spans if s[2] - s[1] > detach_above}
    left = len(raw) - sum(stop - end for _, end, stop in chosen)
    for span in sorted(spans, key=lambda s: s[1] - s[2]):  # largest first
        if left <= budget:
            break
        if span not in chosen:
            chosen.add(span)
            left -= span[2] - span[1]
    return sorted(chosen)


def detach_large_parts(
    raw: bytes, detach_above: int, budget: int = PARSE_BUDGET
) -> tuple[bytes, list[memoryview]]:
    """The bytes to parse, and the bodies cut out of them (see the module)."""
    if len(raw) <= min(detach_above, budget):
        return raw, []
    chosen = _chosen(raw, detach_above, budget)
    if not chosen:
        return raw, []
    whole = memoryview(raw)
    pieces: list[bytes] = []
    views: list[memoryview] = []
    position = 0
    for _, end, stop in chosen:
        pieces.append(raw[position:end])
        pieces.append(f"{DETACHED_HEADER}: {len(views)}\r\n\r\n".encode())
        views.append(whole[end:stop])
        position = stop
    pieces.append(raw[position:])
    return b"".join(pieces), views


def decode_transfer(view: memoryview, encoding: str) -> bytes:
    """Decode a detached body by its Content-Transfer-Encoding."""
    encoding = encoding.strip().lower()
    if encoding == "base64":
        return binascii.a2b_base64(view)
    if encoding == "quoted-printable":
        return quopri.decodestring(bytes(view))
    return bytes(view)


def encoded_size(view: memoryview, encoding: str) -> int:
    """The decoded size of a detached body, without decoding it."""
    return len(view) * 3 // 4 if encoding.strip().lower() == "base64" else len(view)
