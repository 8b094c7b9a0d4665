"""A CSV export read honestly: its real encoding, its real rows, or a message naming the line.

- Encoding: UTF-8 (with or without BOM), else one single-byte encoding for the whole file
  (Windows-1252, what French Excel writes; `charset_normalizer` when that does not fit). A file
  that mixes UTF-8 lines with lines in another encoding is refused, naming the first such line,
  and so is UTF-8 text that already holds mojibake ("Ã©" for "é"): nothing is stored garbled.
- Rows: an unbalanced quote makes the csv module read the following lines as one cell; a record
  whose cell spans several lines and holds the separator is that accident, refused naming the
  line where it starts. A cell past the csv module's limit (128 KiB) is refused by line too.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator

from surveys.people.reading_limits import MAX_ROWS, ImportFileError

# What UTF-8 French text looks like once decoded a second time as Windows-1252.
_MOJIBAKE = re.compile("Ã[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u2013-\u203a\u20ac]|â€")


def _first_line_with(lines: list[bytes], test: Callable[[bytes], bool]) -> int:
    return next(number for number, line in enumerate(lines, 1) if test(line))


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _single_byte(data: bytes) -> str:
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ImportFileError("people_import.errors.encoding_unknown")
    return str(best)


def _check_mojibake(text: str) -> str:
    for number, line in enumerate(text.splitlines(), 1):
        if found := _MOJIBAKE.search(line):
            raise ImportFileError(
                "people_import.errors.mojibake", line=number, sample=found.group(0)
            )
    return text


def decode(data: bytes) -> str:
    """The file's text in its real encoding; ImportFileError when the encodings are mixed."""
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        return _check_mojibake(body.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    lines = body.split(b"\n")
    has_utf8 = any(not line.isascii() and _is_utf8(line) for line in lines)
    if has_utf8 or body is not data:  # a BOM or real UTF-8 lines: the rest must be UTF-8 too
        line = _first_line_with(lines, lambda raw: not _is_utf8(raw))
        raise ImportFileError("people_import.errors.mixed_encoding", line=line)
    return _check_mojibake(_single_byte(body))


def delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda sep: counts[sep]) if any(counts.values()) else ";"


def _swallowed_lines(cells: list[str], sep: str) -> bool:
    """A cell that runs over a line break and holds the separator: lines read as one cell."""
    return any(("\n" in cell or "\r" in cell) and sep in cell for cell in cells)


def _lines(text: str) -> Iterator[str]:
    """The text's lines with their ends, split on "\n" only (as the csv module reads)."""
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start)
        if end == -1:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


def read_rows(data: bytes) -> list[list[str]]:
    """The file's records; ImportFileError naming the line for what the csv module cannot
    read as rows of this file."""
    text = decode(data)
    if "\n" not in text:
        text = text.replace("\r", "\n")  # old Mac line ends
    sep = delimiter(text)
    reader = csv.reader(_lines(text), delimiter=sep)
    rows: list[list[str]] = []
    shared: dict[str, str] = {}  # one copy of each repeated cell ("Stagiaire", a date...)
    start = 1
    try:
        for cells in reader:
            if reader.line_num > start and _swallowed_lines(cells, sep):
                raise ImportFileError(
                    "people_import.errors.unbalanced_quote", line=start, last=reader.line_num
                )
            rows.append([shared.setdefault(cell, cell) for cell in cells])
            if len(rows) > MAX_ROWS + 1:
                raise ImportFileError("people_import.errors.too_many_rows", limit=MAX_ROWS)
            start = reader.line_num + 1
    except csv.Error as error:
        key = "field_too_large" if "field larger" in str(error) else "bad_csv"
        raise ImportFileError(f"people_import.errors.{key}", line=start) from None
    return rows
