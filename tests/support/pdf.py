"""What the tests read inside a PDF without a PDF library."""

from __future__ import annotations

import re
import zlib


def catalog_language(pdf: bytes) -> str | None:
    """The document's /Lang (its catalogue's language), looked for in compressed streams too."""
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            found = re.search(rb"/Lang \((\w+)\)", zlib.decompress(stream.group(1)))
        except zlib.error:
            continue
        if found:
            return found.group(1).decode()
    found = re.search(rb"/Lang \((\w+)\)", pdf)
    return found.group(1).decode() if found else None
