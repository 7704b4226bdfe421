"""CSV files that staff import (the focal-point directory, participants' own links), as
spreadsheet programs save them in any locale.

The encoding: UTF-8 with or without a byte-order mark, UTF-16 with one (Excel's "Unicode
text"), else the code page of the program that saved it (cp1252 or latin-1 in French,
Spanish and Portuguese locales; see ``bot.reading.encodings``). The delimiter: comma,
semicolon (what Excel writes where the comma is the decimal mark) or tab, whichever
splits the first lines most consistently, unless an Excel ``sep=`` first line names it.
A file that is not CSV text (a workbook, a PDF) is refused with one line saying so.
"""

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from bot.errors import UserError
from bot.reading.delimited import sniff_delimiter
from bot.reading.encodings import decode_unknown

_SEP_LINE = re.compile(r"^\s*sep=(.)\s*$", re.I)
_SAMPLE_CHARS = 65_536
_NOT_TEXT = (
    (b"PK\x03\x04", "an XLSX/ODS workbook (a zip file)"),
    (b"\xd0\xcf\x11\xe0", "an XLS workbook"),
    (b"%PDF", "a PDF document"),
)
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}


@dataclass
class CsvText:
    """A decoded CSV file and how it was written."""

    path: Path
    text: str
    encoding: str
    delimiter: str
    first_line: int  # the file's line number of the text's first line (2 after a sep= line)

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    def describe(self) -> str:
        """How it was read, for messages: "semicolon-separated, cp1252"."""
        name = DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))
        return f"{name}-separated, {self.encoding}"

    def reader(self) -> "Rows":
        return Rows(self)


class Rows:
    """A ``csv.DictReader`` over the text whose header is stripped and in small letters,
    and whose ``line`` is the file's line number of the row last read."""

    def __init__(self, source: CsvText) -> None:
        self.source = source
        self._reader = csv.DictReader(
            io.StringIO(source.text, newline=""), delimiter=source.delimiter
        )
        try:
            fields = self._reader.fieldnames or []
        except csv.Error as exc:
            raise UserError(f"{source.path}:{self.line}: not CSV ({exc})") from None
        self.header = [(h or "").strip().lower() for h in fields]
        self._reader.fieldnames = self.header

    @property
    def line(self) -> int:
        return self._reader.line_num + self.source.first_line - 1

    def missing(self, required: tuple[str, ...]) -> list[str]:
        return [c for c in required if c not in self.header]

    def found(self) -> str:
        """The header as read, for a message about missing columns."""
        shown = ",".join(h for h in self.header if h)[:200] or "nothing"
        return f"found {shown}; read as {self.source.describe()}"

    def __iter__(self):
        try:
            yield from self._reader
        except csv.Error as exc:
            raise UserError(f"{self.source.path}:{self.line}: not CSV ({exc})") from None


def _refuse_binary(path: Path, data: bytes) -> None:
    for magic, what in _NOT_TEXT:
        if data.startswith(magic):
            raise UserError(f"{path}: {what}, not CSV text; save it as CSV and import that")
    text_bom = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not text_bom and b"\x00" in data[:_SAMPLE_CHARS]:
        raise UserError(f"{path}: binary data, not CSV text; save it as CSV and import that")


def read_csv_text(path: Path) -> CsvText:
    """The file decoded and its delimiter found; a UserError in one line if it cannot be."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"{path}: cannot be read ({exc.strerror})") from None
    _refuse_binary(path, data)
    text, encoding = decode_unknown(data)
    text = text.removeprefix("\ufeff")
    first, newline, rest = text.partition("\n")
    declared = _SEP_LINE.match(first)
    if declared and newline:
        return CsvText(path, rest, encoding, declared.group(1), 2)
    head = text[:_SAMPLE_CHARS]
    if len(text) > _SAMPLE_CHARS and "\n" in head:
        head = head[: head.rfind("\n")]
    return CsvText(path, text, encoding, sniff_delimiter(head), 1)
