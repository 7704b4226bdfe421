"""RTF files with striprtf: paragraphs as lines, table rows as tables.

striprtf's regular expressions take quadratic time on some inputs (many hyperlink fields,
a font table without separators), so the RTF is first rewritten in one linear pass:
picture, object and field-instruction groups are dropped (they hold no text to read), the
font table is reduced to each font's number and character set, table cells are marked so
rows can be rebuilt, and paragraph breaks inside a cell become spaces.
"""

import re

from bot.config import LimitsConfig
from bot.reading import Line, Table
from bot.reading.files import Unreadable
from bot.text import squeeze

_TOKEN = re.compile(
    r"\\bin(-?\d{1,10}) ?|\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\[^a-zA-Z]|[{}]|[^\\{}]+|\\",
    re.S,
)
# Groups dropped whole: binary or hex data, and hyperlink instructions.
_DROPPED = frozenset(
    {
        "pict",
        "shppict",
        "nonshppict",
        "object",
        "objdata",
        "themedata",
        "datastore",
        "colorschememapping",
        "fldinst",
        "xmlnstbl",
        "latentstyles",
        "stylesheet",
        "listtable",
        "listoverridetable",
        "rsidtbl",
        "info",
    }
)
CELL = "\ue000"  # marks the end of a table cell in the text striprtf gives
_CELL_RTF = "{\\uc1\\u-8192?}"  # the same character as RTF (0x10000 - 8192), own group
MAX_FONTS = 1000


class _Frame:
    """One open group: where its output starts and what it turned out to be."""

    def __init__(self, start: int) -> None:
        self.start = start
        self.first = True  # no control word or text seen in the group yet
        self.fonts = False


class _Rewriter:
    """The one pass over the tokens; ``out`` is the RTF given to striprtf."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.stack: list[_Frame] = []
        self.skip_depth = 0  # > 0: inside a dropped group opened at this depth
        self.font_depth = 0  # > 0: inside the font table opened at this depth
        self.font: list[str] = ["", ""]  # the font entry being read: number, charset
        self.fonts: list[str] = []
        self.in_row = False

    def run(self, text: str, limit: int) -> str:
        position = 0
        while position < len(text) and len(self.out) < limit:
            match = _TOKEN.match(text, position)
            if match is None:  # unreachable: the last alternative takes any backslash
                break
            position = match.end()
            binary, word, argument = match.groups()
            if binary is not None:
                position += max(0, int(binary))
            elif word is not None:
                self._word(match.group(0), word, argument or "")
            else:
                self._other(match.group(0))
        return "".join(self.out)

    def _emit(self, piece: str) -> None:
        if not self.skip_depth and not self.font_depth:
            self.out.append(piece)

    def _open_group(self, word: str) -> bool:
        """Decide what the group just opened is from its first word; False if dropped."""
        frame = self.stack[-1]
        frame.first = False
        if self.skip_depth or self.font_depth:
            return not self.skip_depth
        if word in _DROPPED:
            del self.out[frame.start :]
            self.skip_depth = len(self.stack)
            return False
        if word == "fonttbl":
            del self.out[frame.start :]
            self.font_depth = len(self.stack)
            frame.fonts = True
            return False
        return True

    def _word(self, token: str, word: str, argument: str) -> None:
        if self.stack and self.stack[-1].first and not self._open_group(word):
            return
        if self.font_depth and not self.skip_depth:
            self._font_word(word, argument)
            return
        if word in ("cell", "nestcell"):
            token = _CELL_RTF
        elif word == "intbl":
            self.in_row = True
        elif word in ("pard", "row"):
            self.in_row = False
        elif word in ("par", "line") and self.in_row:
            token = " "
        self._emit(token)

    def _font_word(self, word: str, argument: str) -> None:
        if word == "f":
            self.font = [argument, ""]
        elif word == "fcharset":
            self.font[1] = argument

    def _other(self, token: str) -> None:
        if token == "{":
            self.stack.append(_Frame(len(self.out)))
            self._emit(token)
        elif token == "}":
            self._close_group()
        else:
            if self.stack and token != "\\*":
                self.stack[-1].first = False
            if self.font_depth and not self.skip_depth and ";" in token:
                self._end_font()
            self._emit(token)

    def _end_font(self) -> None:
        number, charset = self.font
        if number and charset and len(self.fonts) < MAX_FONTS:
            self.fonts.append(f"{{\\f{number}\\fcharset{charset} f;}}")
        self.font = ["", ""]

    def _close_group(self) -> None:
        depth = len(self.stack)
        frame = self.stack.pop() if self.stack else None
        if self.skip_depth and depth <= self.skip_depth:
            self.skip_depth = 0
            return
        if frame is not None and frame.fonts:
            self.font_depth = 0
            self.out.append("{\\fonttbl" + "".join(self.fonts) + "}")
            return
        self._emit("}")


def rewrite(rtf: str, limit: int) -> str:
    """The RTF that striprtf can read in linear time, at most ``limit`` tokens long."""
    return _Rewriter().run(rtf, limit)


def _lines(text: str) -> list[Line]:
    """Lines of text; runs of lines with cell marks become a table (one row a line)."""
    lines: list[Line] = []
    rows: list[list[str]] = []

    def close() -> None:
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
            lines.append(Table([list(r) for r in rows]))
        else:
            lines.extend(" | ".join(c for c in r if c) for r in rows if any(r))
        rows.clear()

    for raw in text.splitlines():
        if CELL in raw:
            cells = [squeeze(c) for c in raw.split(CELL)]
            if cells and not cells[-1]:
                cells.pop()  # the row's last cell mark ends the line
            rows.append(cells)
            continue
        close()
        line = squeeze(raw)
        if line:
            lines.append(line)
    close()
    return lines


def read_rtf(data: bytes, limits: LimitsConfig) -> list[Line]:
    """The paragraphs and tables of an RTF document."""
    from striprtf.striprtf import rtf_to_text

    if not data.lstrip()[:5] == b"{\\rtf":
        raise Unreadable("not an RTF file")
    source = data.decode("latin-1")  # RTF is 7-bit; 8-bit bytes pass through unchanged
    text = rtf_to_text(rewrite(source, limits.max_text_chars), errors="replace")
    return _lines(text.replace("\r", ""))
