"""What the tests read inside a PDF without a PDF library."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from pathlib import Path

from tests.support.tools import missing_tool


def catalog_language(pdf: bytes) -> str | None:
    """The document's /Lang (its catalogue's language), looked for in compressed streams too."""
    # Each stream is inflated from its start to the end of its own zlib data: cutting it at the
    # first "endstream" fails when the compressed bytes happen to hold those letters.
    for stream in re.finditer(rb"stream\r?\n", pdf):
        try:
            data = zlib.decompressobj().decompress(pdf[stream.end() :])
        except zlib.error:
            continue
        found = re.search(rb"/Lang \((\w+)\)", data)
        if found:
            return found.group(1).decode()
    found = re.search(rb"/Lang \((\w+)\)", pdf)
    return found.group(1).decode() if found else None


# What a person must never read in a document: a catalogue key, a raw type, snake_case, a
# Python null, an ISO timestamp.
LEAKS = (
    r"\b(?:analysis|improve|surveys|room)\.[a-z_]+\.",
    r"vocab\.",
    "likert5",
    r"\b[a-z]+_[a-z_]+\b",
    r"\bNone\b|\bnan\b|\d{4}-\d\d-\d\dT",
)


def readable_text(pdf: Path, *, language: str, title: str) -> str:
    """Checks that `pdfinfo` reports a tagged PDF with `title` and that its catalogue holds
    `language`, and that `pdftotext` finds none of LEAKS; returns the text."""
    if shutil.which("pdfinfo") is None or shutil.which("pdftotext") is None:
        missing_tool("pdfinfo / pdftotext", "apt-get install poppler-utils")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "Tagged:          yes" in info, info
    assert title in info, info
    assert catalog_language(pdf.read_bytes()) == language
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    for leak in LEAKS:
        found = re.search(leak, text)
        assert found is None, (pdf.name, language, found and found.group(0))
    return text
