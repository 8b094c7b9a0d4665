"""A content-addressed cache for what the documents print: chart pictures and PDFs.

A chart picture is a function of its Vega-Lite specification only, and a PDF a function of its
HTML and metadata only (the documents carry no generation time), so both are stored under the
SHA-256 of what they are made from: a hit can never be stale. Entries live in memory for the
running process (the staff pages) and, when a folder is given, on disk under
`DATA_DIR/cache/documents` for the CLI; a damaged or missing file is simply made again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import altair as alt

from analysis.charts.render import png_data_uri

MEMORY_ENTRIES = 256


def content_key(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


@dataclass
class ContentCache:
    folder: Path | None = None
    memory: OrderedDict[str, bytes] = field(default_factory=OrderedDict)
    hits: int = 0
    misses: int = 0

    def get_or_make(self, kind: str, key: str, make: Callable[[], bytes]) -> bytes:
        name = f"{kind}-{key}"
        found = self.memory.get(name) or self._read(name)
        if found is not None:
            self.hits += 1
            self._remember(name, found)
            return found
        self.misses += 1
        made = make()
        self._remember(name, made)
        self._write(name, made)
        return made

    def _remember(self, name: str, data: bytes) -> None:
        self.memory[name] = data
        self.memory.move_to_end(name)
        while len(self.memory) > MEMORY_ENTRIES:
            self.memory.popitem(last=False)

    def _read(self, name: str) -> bytes | None:
        if self.folder is None:
            return None
        try:
            return (self.folder / name).read_bytes() or None
        except OSError:
            return None

    def _write(self, name: str, data: bytes) -> None:
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, self.folder / name)
        except OSError:
            return  # a read-only or full disk only costs the next run its time


_PROCESS_CACHES: dict[Path | None, ContentCache] = {}


def document_cache(data_dir: Path | None) -> ContentCache:
    """The process-wide cache for a data folder (None: memory only)."""
    folder = data_dir / "cache" / "documents" if data_dir is not None else None
    if folder not in _PROCESS_CACHES:
        _PROCESS_CACHES[folder] = ContentCache(folder)
    return _PROCESS_CACHES[folder]


def cached_picture(cache: ContentCache | None) -> Callable[[alt.TopLevelMixin], str | None]:
    """A chart renderer for `printed.picture` that draws each distinct chart once."""

    def render(chart: alt.TopLevelMixin) -> str | None:
        if cache is None:
            return png_data_uri(chart)
        spec = json.dumps(chart.to_dict(), sort_keys=True, ensure_ascii=False)
        made = cache.get_or_make(
            "chart", content_key(spec), lambda: (png_data_uri(chart) or "").encode("ascii")
        )
        return made.decode("ascii") or None

    return render
