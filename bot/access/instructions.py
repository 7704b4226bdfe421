"""The access instructions staff write for an event: one Markdown file per language
(``[access] instructions = "access/<slug>.{lang}.md"``, relative to the rules folder),
read when the mails are queued and rendered twice — to HTML for the mail's HTML part and
to plain text for its text part.

Raw HTML in the Markdown is not passed through (markdown-it escapes it) and links with
unsafe schemes stay text, so the HTML part can be trusted whatever the file holds.
"""

from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.errors import ConfigError
from bot.policy.events import Event

LANG = "{lang}"
MAX_BYTES = 256 * 1024  # instructions are a page, not a manual


@dataclass(frozen=True)
class Instructions:
    """One language's instructions, ready for both parts of a mail."""

    language: str
    html: str
    text: str


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")


def instructions_path(rules_dir: Path, event: Event, language: str) -> Path | None:
    """Where the instructions in ``language`` would be, or None when the event has none."""
    pattern = event.access.instructions if event.access else None
    if not pattern:
        return None
    root = rules_dir.resolve()
    path = (root / pattern.replace(LANG, language)).resolve()
    if not path.is_relative_to(root):
        raise ConfigError(
            f"{event.path}: access.instructions: {pattern!r} points outside {rules_dir}"
        )
    return path


def _read(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None
    if len(data) > MAX_BYTES:
        raise ConfigError(f"{path}: more than {MAX_BYTES // 1024} KB of instructions")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None


def render_markdown(source: str, language: str = "en") -> Instructions:
    """Markdown as (sanitised) HTML and as readable plain text."""
    markdown = _markdown()
    tokens = markdown.parse(source)
    html = markdown.renderer.render(tokens, markdown.options, {})
    return Instructions(language, html, _text(tokens))


class InstructionsBook:
    """The instructions of one event, each language read once, falling back to the
    event's own language (``[event] language``) when a language has no file."""

    def __init__(self, rules_dir: Path, event: Event) -> None:
        self.rules_dir = rules_dir
        self.event = event
        self._cache: dict[str, Instructions | None] = {}

    def _load(self, language: str) -> Instructions | None:
        if language not in self._cache:
            path = instructions_path(self.rules_dir, self.event, language)
            found = path is not None and path.is_file()
            self._cache[language] = render_markdown(_read(path), language) if found else None
        return self._cache[language]

    def check(self) -> None:
        """Raise ConfigError unless the event's own language has its file (when any is set)."""
        path = instructions_path(self.rules_dir, self.event, self.event.spec.language)
        if path is not None and self._load(self.event.spec.language) is None:
            raise ConfigError(
                f"{self.event.path}: access.instructions: no file {path} "
                f"(the event's language, {self.event.spec.language}, is the fallback)"
            )

    def get(self, language: str) -> Instructions | None:
        """The instructions in ``language``, else in the event's language, else None."""
        return self._load(language) or self._load(self.event.spec.language)


# -- Markdown to plain text -------------------------------------------------------------


def _inline(token: Token) -> str:
    """The text of one inline token: links keep their address, images their alt text."""
    parts: list[str] = []
    href: list[str] = []
    for child in token.children or ():
        kind = child.type
        if kind in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif kind == "image":
            parts.append(child.content or "")
        elif kind == "link_open":
            href.append(str(child.attrs.get("href", "")))
            parts.append("\x00")  # where the link's text starts
        elif kind == "link_close" and href:
            target = href.pop()
            start = max(i for i, p in enumerate(parts) if p == "\x00")
            label = "".join(parts[start + 1 :])
            bare = target in (label, f"mailto:{label}")
            parts[start:] = [label if bare else f"{label} <{target}>"]
    return "".join(parts)


def _text(tokens: list[Token]) -> str:
    """Plain text of a Markdown document: paragraphs apart, list items marked, code kept."""
    lines: list[str] = []
    prefix: list[str] = []  # one entry per open list item: its indentation
    pending_marker: str | None = None
    counters: list[int | None] = []  # the next number of each open list, None if bulleted
    for token in tokens:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            start = token.attrs.get("start", 1) if kind == "ordered_list_open" else None
            counters.append(int(start) if start is not None else None)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            counters.pop()
            if not counters:
                lines.append("")
        elif kind == "list_item_open":
            number = counters[-1]
            pending_marker = "- " if number is None else f"{number}. "
            if number is not None:
                counters[-1] = number + 1
            prefix.append(" " * len(pending_marker))
        elif kind == "list_item_close":
            prefix.pop()
        elif kind in ("inline", "fence", "code_block"):
            body = _inline(token) if kind == "inline" else token.content.rstrip("\n")
            indent = "".join(prefix[:-1]) if prefix else ""
            for number, line in enumerate(body.split("\n")):
                if number == 0 and pending_marker:
                    lines.append(indent + pending_marker + line)
                else:
                    lines.append("".join(prefix) + line)
            pending_marker = None
            if kind != "inline":
                lines.append("")
        elif kind in ("paragraph_close", "heading_close") and not token.hidden:
            lines.append("")
        elif kind == "hr":
            lines.extend(["----", ""])
    text = "\n".join(line.rstrip() for line in lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip() + "\n"
