"""RFC 3676 ``format=flowed`` text, as Thunderbird, Roundcube and Apple Mail send it:
decoded while a message is parsed, so a line the client wrapped for transport ("Department
of Science and Technology - ⏎ msantos@…") is read as the one line the sender wrote.

A line ending in a space is soft-broken and joins the next line of the same quote depth;
a leading space is stuffing and goes; ``-- `` (the signature separator) never joins;
with ``delsp=yes`` the space before a soft break is the client's, not the sender's.
(A small decoder of our own: the one package on PyPI for it has not been kept since 2016.)
"""

SIGNATURE_SEPARATOR = "-- "


def _depth(line: str) -> tuple[int, str]:
    """The quote depth of a line (its leading '>') and its text without them and stuffing."""
    depth = len(line) - len(line.lstrip(">"))
    text = line[depth:]
    return depth, text[1:] if text.startswith(" ") else text


def decode_flowed(text: str, delsp: bool = False) -> str:
    """The text with soft line breaks joined, quote marks written back as '> '."""
    lines: list[str] = []
    open_depth: int | None = None  # the depth of a paragraph still flowing
    for raw in text.split("\n"):
        raw = raw.rstrip("\r")
        depth, content = _depth(raw)
        soft = content.endswith(" ") and content != SIGNATURE_SEPARATOR
        if delsp and soft:
            content = content[:-1]
        if open_depth is not None and depth == open_depth and lines:
            lines[-1] += content
        else:
            lines.append(("> " * depth) + content if depth else content)
        open_depth = depth if soft else None
    return "\n".join(lines)
