"""The analysis frames kept in memory, rebuilt only when the data they come from changed.

`data_version` is a fingerprint of every table the frames (and the improvement register)
read: row counts, highest ids, how many rows reached each status or milestone. Any write a
figure depends on — a response submitted, an invitation sent or opened, a person erased, a
complaint closed — changes it, whichever process or replica made the write (it is read from
the database, not from this process's memory). It costs a handful of index-only aggregates,
a few milliseconds even with a million answers, so pages ask for it on every render and never
show figures older than the last write.

`FramesCache` keeps the frames of the latest version (per database) and builds them once per
version, under a lock: two pages opened together wait for one build instead of making two.
The web server warms it at start (`warm_up`), so the first visit does not pay for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cache

import pandas as pd
import sqlalchemy as sa
from sqlmodel import SQLModel

from analysis.frames.build import load_frames
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


# What the answer frame (the heavy one: every answer with its question and campaign) is built
# from. The rest changes far more often (each invitation sent moves `invitation`): then the
# answer frame of the previous version is kept and only the light frames are read again.
_ANSWER_TABLES = (
    "response",
    "answer",
    "named_response",
    "survey_version",
    "campaign",
    "training_session",
    "programme",
)
VERSION_PARTS = "|"  # "<answer tables' fingerprint>|<the other tables' fingerprint>"


@cache
def _fingerprint() -> tuple[sa.Select, int]:
    """The fingerprint query (the answer tables' aggregates first, then the others') and how
    many of its columns are the answer tables'; built once, run on every render."""
    answer_columns = [column for name in _ANSWER_TABLES for column in _table_fingerprint(name)]
    others = [name for name in _WATCHED if name not in _ANSWER_TABLES]
    other_columns = [column for name in others for column in _table_fingerprint(name)]
    return sa.select(*answer_columns, *other_columns), len(answer_columns)


def _table_fingerprint(name: str) -> list[sa.ColumnElement]:
    milestones, has_status = _WATCHED[name]
    table = SQLModel.metadata.tables[name]
    key = table.c.get("id")
    numbered = key is not None and isinstance(key.type, sa.Integer)
    aggregates = [sa.func.count(), *([sa.func.max(key)] if numbered else [])]
    aggregates += [sa.func.count(table.c[column]) for column in milestones]
    if has_status:  # a weighted sum: moving a row from one status to another changes it
        aggregates.append(sa.func.sum(sa.func.length(table.c.status) * key))
    aggregates += _extra_aggregates(name, table)
    return [sa.select(item).select_from(table).scalar_subquery() for item in aggregates]


def _extra_aggregates(name: str, table: sa.Table) -> list[sa.ColumnElement]:
    """Statuses of the same length ("in_progress", "dropped_out") weigh the same in the
    status sum: a dropout recorded must still change the version."""
    if name != "enrolment":
        return []
    dropped = sa.case((table.c.status == "dropped_out", table.c.id), else_=0)
    return [sa.func.sum(dropped)]


def data_version(connection: sa.Connection) -> str:
    """The fingerprint of the data the analysis frames are built from (one query)."""
    query, split = _fingerprint()
    values = ["" if value is None else str(value) for value in connection.execute(query).one()]
    return ":".join(values[:split]) + VERSION_PARTS + ":".join(values[split:])


def answer_part(version: str) -> str:
    """The part of a data version the answer frame depends on."""
    return version.split(VERSION_PARTS, 1)[0]


class FramesCache:
    """The frames of the current data version, per database, built once per version."""

    def __init__(
        self, build: Callable[[sa.Engine, pd.DataFrame | None], AnalysisFrames] | None = None
    ) -> None:
        """`build(engine, answers)` reads the frames; `answers`, when given, is the answer
        frame of the previous version, still right for this one (see `_ANSWER_TABLES`)."""
        self._build = build or (lambda engine, answers: load_frames(engine=engine, answers=answers))
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
                kept = entry is not None and answer_part(entry[0]) == answer_part(version)
                answers = entry[1].answers if kept and entry else None
                entry = (version, self._build(engine, answers))
                self._entries[key] = entry
            return entry[1]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


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

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
