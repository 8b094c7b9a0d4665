"""The analysis frames kept in memory, rebuilt only when the data they come from changed.

`data_version` is a fingerprint of every table the frames (and the improvement register)
read: row counts, highest ids, how many rows reached each status or milestone. Any write a
figure depends on — a response submitted, an invitation sent or opened, a person erased, a
complaint closed — changes it, whichever process or replica made the write (it is read from
the database, not from this process's memory). It costs one query: each table's row count and
highest id, and one scan for its other aggregates (47 ms at the large scale), so pages ask
for it on every render and never show figures older than the last write.

`FramesCache` keeps the frames of the latest version (per database) and builds them once per
version, under a lock: two pages opened together wait for one build instead of making two.
The version is read table by table, so a new version reads again only the frames whose
tables changed (`FRAME_TABLES`): while a campaign's mail goes out, each message sent moves
`invitation`, and only the campaigns' counts and the solicitations are read again; the
answers, the people and the enrolments are kept. The web server warms it at start
(`warm_up`), so the first visit does not pay for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from functools import cache

import pandas as pd
import sqlalchemy as sa
from sqlmodel import SQLModel

from analysis.frames.build import FRAME_TABLES, load_frames
from analysis.frames.model import AnalysisFrames

# table: (columns whose non-null count matters, has a status column)
_WATCHED: dict[str, tuple[tuple[str, ...], bool]] = {
    "response": ((), False),
    "answer": ((), False),
    "named_response": ((), False),
    "survey_version": ((), False),
    "campaign": (("closes_at",), True),
    "invitation": (("sent_at", "opened_at", "completed_at"), True),
    "person": (("erased_at", "opted_out_at", "bounced_at"), False),
    "enrolment": (("status_changed_on",), True),
    "training_session": ((), False),
    "programme": ((), False),
    "evidence_note": ((), False),
    "complaint": (("acknowledged_at", "answered_at", "closed_at"), True),
    "improvement_action": ((), True),
    "organisation_settings": (("small_group_min",), False),
}


@cache
def _fingerprint() -> tuple[sa.Select, tuple[tuple[str, int], ...]]:
    """The fingerprint query and, in its column order, each table with its number of
    columns; built once, run on every render. A table's row count and highest id are asked
    alone (both database kinds answer those from an index or the table's size); its other
    aggregates come from one scan of the table, not one scan each (the invitation table's
    four took 24 ms of every render at 60,000 invitations)."""
    columns: list[sa.ColumnElement] = []
    scans: list[sa.Subquery] = []
    layout: list[tuple[str, int]] = []
    for name in _WATCHED:
        table_columns, scan = _table_fingerprint(name)
        columns += table_columns
        if scan is not None:
            scans.append(scan)
            columns += list(scan.c)
        layout.append((name, len(table_columns) + (len(scan.c) if scan is not None else 0)))
    query = sa.select(*columns)
    if scans:
        joined: sa.FromClause = scans[0]
        for scan in scans[1:]:
            joined = joined.join(scan, sa.true())  # one row each: a join of one row
        query = query.select_from(joined)
    return query, tuple(layout)


def _table_fingerprint(name: str) -> tuple[list[sa.ColumnElement], sa.Subquery | None]:
    """The row count and highest id of table `name`, and the one scan of its other aggregates
    (None when it has none)."""
    milestones, has_status = _WATCHED[name]
    table = SQLModel.metadata.tables[name]
    key = table.c.get("id")
    numbered = key is not None and isinstance(key.type, sa.Integer)
    alone = [sa.func.count(), *([sa.func.max(key)] if numbered else [])]
    scanned = [sa.func.count(table.c[column]) for column in milestones]
    if has_status:  # a weighted sum: moving a row from one status to another changes it
        scanned.append(sa.func.sum(sa.func.length(table.c.status) * key))
    scanned += _extra_aggregates(name, table)
    counted = [sa.select(item).select_from(table).scalar_subquery() for item in alone]
    if not scanned:
        return counted, None
    labelled = [item.label(f"{name}_{index}") for index, item in enumerate(scanned)]
    return counted, sa.select(*labelled).select_from(table).subquery(f"{name}_scan")


def _extra_aggregates(name: str, table: sa.Table) -> list[sa.ColumnElement]:
    """Statuses of the same length ("in_progress", "dropped_out") weigh the same in the
    status sum: a dropout recorded must still change the version."""
    if name != "enrolment":
        return []
    dropped = sa.case((table.c.status == "dropped_out", table.c.id), else_=0)
    return [sa.func.sum(dropped)]


TABLE_SEPARATOR = ";"  # "<table>=<its aggregates, joined by ':'>;<table>=..."


def data_version(connection: sa.Connection) -> str:
    """The fingerprint of the data the analysis frames are built from (one query), table by
    table (`table_versions` reads it back)."""
    query, layout = _fingerprint()
    values = ["" if value is None else str(value) for value in connection.execute(query).one()]
    parts, offset = [], 0
    for name, width in layout:
        parts.append(f"{name}={':'.join(values[offset : offset + width])}")
        offset += width
    return TABLE_SEPARATOR.join(parts)


def table_versions(version: str) -> dict[str, str]:
    """Each watched table's part of a data version."""
    return dict(part.split("=", 1) for part in version.split(TABLE_SEPARATOR))


def frames_version(version: str, frames: Iterable[str]) -> str:
    """The part of a data version that the frames named `frames` are read from: it stays the
    same while only other tables change (see `FRAME_TABLES`)."""
    parts = table_versions(version)
    tables = sorted({table for frame in frames for table in FRAME_TABLES[frame]})
    return TABLE_SEPARATOR.join(f"{table}={parts[table]}" for table in tables)


class FramesCache:
    """The frames of the current data version, per database, built once per version."""

    def __init__(
        self, build: Callable[[sa.Engine, dict[str, pd.DataFrame]], AnalysisFrames] | None = None
    ) -> None:
        """`build(engine, kept)` reads the frames; `kept` holds the frames of the previous
        version that are still right for this one (their tables did not change), by name."""
        self._build = build or (lambda engine, kept: load_frames(engine=engine, kept=kept))
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[str, AnalysisFrames]] = {}

    def version(self, engine: sa.Engine) -> str:
        with engine.connect() as connection:
            return data_version(connection)

    def get(self, engine: sa.Engine, version: str | None = None) -> AnalysisFrames:
        """The frames of `version` (default: the database's current one)."""
        version = version or self.version(engine)
        key = engine.url.render_as_string(hide_password=True)
        entry = self._entries.get(key)
        if entry is not None and entry[0] == version:
            return entry[1]
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != version:
                kept = {} if entry is None else _still_right(entry[0], entry[1], version)
                entry = (version, self._build(engine, kept))
                self._entries[key] = entry
            return entry[1]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _still_right(old_version: str, old: AnalysisFrames, version: str) -> dict[str, pd.DataFrame]:
    """The frames of `old` whose tables have the same fingerprint in `version`."""
    return {
        name: getattr(old, name)
        for name in FRAME_TABLES
        if frames_version(old_version, (name,)) == frames_version(version, (name,))
    }


FRAMES = FramesCache()


class VersionedMemo:
    """Results computed from the frames, kept per (arguments, data version): the page that
    asks and the start-up warm-up share them. Results of an older version are dropped as
    soon as a newer one is stored; at most `max_entries` are kept."""

    def __init__(self, max_entries: int = 16) -> None:
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: dict[tuple, object] = {}

    def get(self, key: tuple, version: str, compute: Callable[[], object]) -> object:
        full = (*key, version)
        if full in self._entries:
            return self._entries[full]
        with self._lock:
            if full not in self._entries:
                value = compute()
                for old in [k for k in self._entries if k[0] == key[0] and k[-1] != version]:
                    del self._entries[old]
                while len(self._entries) >= self.max_entries:
                    del self._entries[next(iter(self._entries))]
                self._entries[full] = value
            return self._entries[full]

    def kept(self, key: tuple, version: str) -> object | None:
        """What `get` stored for (key, version), or None: nothing is computed."""
        return self._entries.get((*key, version))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
