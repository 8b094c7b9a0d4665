"""Analysis at scale: 1,000,000 answers, the frame beside a raw read, and every dashboard metric.

    .venv/bin/python benchmarks/analysis_bench.py [--answers 1000000] [--keep PATH]

It loads the demo organisation (Core bulk inserts), then multiplies its respondents with raw
sqlite3 `executemany` until the database holds the asked number of answers: each copy gets new
people, invitations, responses and answers, so hot/cold pairs, response rates and breakdowns stay
as realistic as the demo's. Then, in one run, it times:

- `pandas.read_sql` of the same answer rows (`SELECT * FROM answer`, the raw read),
- `analysis.frames.load_frames` (the tidy frame: answers joined with everything the dashboard
  filters and groups by), and prints the ratio (target: at most 1.5);
- every dashboard metric on that frame (target: all together under 1 s).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analysis.frames import AnalysisFilters, apply_filters, load_frames
from analysis.summary import (
    DASHBOARD_METRICS,
    MetricOptions,
    dashboard_tables,
)
from surveys.db import create_db_engine, upgrade_to_head, write_session
from surveys.demo import load_demo
from surveys.runtime import AppContext, ensure_organisation
from tests.conftest import make_settings

BENCH_NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DEFAULT_ANSWERS = 1_000_000
FRAME_RATIO_TARGET = 1.5
METRICS_SECONDS_TARGET = 1.0
REPEATS = 3


def _load_demo(path: Path) -> None:
    settings = make_settings(path.parent, f"sqlite:///{path}")
    engine = create_db_engine(settings.database_url)
    upgrade_to_head(engine)
    ensure_organisation(AppContext(settings=settings, engine=engine))
    with write_session(engine) as session:
        load_demo(session=session, now=BENCH_NOW, session_secret=settings.session_secret)
    engine.dispose()


def _originals(con: sqlite3.Connection) -> dict[str, Any]:
    answers: dict[str, list[tuple]] = defaultdict(list)
    for response_id, question_id, number, text in con.execute(
        "SELECT response_id, question_id, number, text FROM answer ORDER BY id"
    ):
        answers[response_id].append((question_id, number, text))
    return {
        "people": con.execute(
            "SELECT * FROM person WHERE id IN (SELECT person_id FROM invitation)"
        ).fetchall(),
        "person_columns": [row[1] for row in con.execute("PRAGMA table_info(person)")],
        "invitations": con.execute(
            "SELECT id, campaign_id, person_id, language, status, sent_at, reminder_count, "
            "last_reminded_at, opened_at, completed_at, created_at FROM invitation"
        ).fetchall(),
        "responses": con.execute(
            "SELECT r.id, r.campaign_id, r.survey_version_id, r.anonymous, r.language, "
            "r.submitted_on, n.invitation_id, n.person_id, n.submitted_at "
            "FROM response r LEFT JOIN named_response n ON n.response_id = r.id"
        ).fetchall(),
        "answers": answers,
    }


def _copy_people(con: sqlite3.Connection, original: dict[str, Any], copy: int) -> dict[int, int]:
    columns = original["person_columns"]
    email_at = columns.index("email")
    rows = []
    for row in original["people"]:
        values = list(row[1:])
        values[email_at - 1] = f"copy{copy}.{row[email_at]}"
        rows.append(values)
    names = ", ".join(columns[1:])
    marks = ", ".join("?" for _ in columns[1:])
    first = con.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM person").fetchone()[0]
    con.executemany(f"INSERT INTO person ({names}) VALUES ({marks})", rows)
    return {row[0]: first + index for index, row in enumerate(original["people"])}


def _copy_invitations(
    con: sqlite3.Connection, original: dict[str, Any], copy: int, people: dict[int, int]
) -> dict[int, int]:
    first = con.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM invitation").fetchone()[0]
    rows = [
        (campaign, people[person], f"{copy:08x}{old_id:056x}", f"{old_id:032x}", *rest)
        for old_id, campaign, person, *rest in original["invitations"]
    ]
    con.executemany(
        "INSERT INTO invitation (campaign_id, person_id, token_hash, token_salt, language, "
        "status, sent_at, reminder_count, last_reminded_at, opened_at, completed_at, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return {row[0]: first + index for index, row in enumerate(original["invitations"])}


def _copy_responses(
    con: sqlite3.Connection,
    original: dict[str, Any],
    copy: int,
    people: dict[int, int],
    invitations: dict[int, int],
    budget: int,
) -> int:
    responses, links, answers = [], [], []
    for old_id, campaign, version, anonymous, language, day, invitation, person, at in original[
        "responses"
    ]:
        if len(answers) >= budget:
            break
        new_id = str(uuid.uuid5(uuid.NAMESPACE_OID, f"{copy}:{old_id}"))  # never an old id
        responses.append((new_id, campaign, version, anonymous, language, day))
        if invitation is not None:
            links.append((new_id, invitations[invitation], people.get(person), at))
        answers += [(new_id, *row) for row in original["answers"][old_id]]
    con.executemany("INSERT INTO response VALUES (?, ?, ?, ?, ?, ?)", responses)
    con.executemany("INSERT INTO named_response VALUES (?, ?, ?, ?)", links)
    con.executemany(
        "INSERT INTO answer (response_id, question_id, number, text) VALUES (?, ?, ?, ?)",
        answers[:budget],
    )
    return min(len(answers), budget)


def build_database(path: Path | str, *, answers: int = DEFAULT_ANSWERS) -> int:
    """A SQLite database holding the demo multiplied up to `answers` answers; returns the count."""
    path = Path(path)
    _load_demo(path)
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous=OFF")
    original = _originals(con)
    total = con.execute("SELECT COUNT(*) FROM answer").fetchone()[0]
    copy = 1
    while total < answers:
        with con:
            people = _copy_people(con, original, copy)
            invitations = _copy_invitations(con, original, copy, people)
            total += _copy_responses(con, original, copy, people, invitations, answers - total)
        copy += 1
    con.execute("ANALYZE")
    con.close()
    return total


def _best_of(function: Callable[[], Any], repeats: int = REPEATS) -> tuple[float, Any]:
    timings, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - started)
    return min(timings), result


def run(path: Path, answers: int) -> int:
    started = time.perf_counter()
    loaded = build_database(path, answers=answers)
    print(f"loaded {loaded:,} answers into {path} in {time.perf_counter() - started:.1f} s")
    engine = create_db_engine(f"sqlite:///{path}")
    raw_seconds, raw = _best_of(lambda: pd.read_sql("SELECT * FROM answer", engine))
    frame_seconds, frames = _best_of(lambda: load_frames(engine=engine))
    ratio = frame_seconds / raw_seconds
    print(f"raw pandas.read_sql of {len(raw):,} answer rows : {raw_seconds:6.3f} s")
    print(
        f"analysis frame ({len(frames.answers):,} rows, "
        f"{len(frames.answers.columns)} columns)   : {frame_seconds:6.3f} s"
    )
    print(
        f"ratio frame / raw read                       : {ratio:6.2f}  "
        f"(target <= {FRAME_RATIO_TARGET})"
    )
    filtered = apply_filters(frames, AnalysisFilters())
    options = MetricOptions(now=BENCH_NOW, small_group_min=5)
    metric_seconds, _ = _best_of(lambda: dashboard_tables(filtered, options))
    # Each table alone, in the order dashboard_tables computes them and sharing what it
    # shares (the likert answers, picked out by the first score table). Indicative only:
    # per-respondent sums are memoised on that frame, so the first table to need them pays.
    shared: dict = {}
    for name, compute in DASHBOARD_METRICS.items():
        single, table = _best_of(
            lambda compute=compute: compute(filtered, replace(options, shared=shared)),
            repeats=1,
        )
        print(f"  metric {name:<24} {single * 1000:8.1f} ms  ({len(table)} rows)")
    print(
        f"all dashboard metrics                        : {metric_seconds:6.3f} s  "
        f"(target < {METRICS_SECONDS_TARGET} s)"
    )
    engine.dispose()
    ok = ratio <= FRAME_RATIO_TARGET and metric_seconds < METRICS_SECONDS_TARGET
    print("RESULT:", "targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=DEFAULT_ANSWERS)
    parser.add_argument("--keep", type=Path, help="build the database at this path and keep it")
    args = parser.parse_args(argv)
    if args.keep:
        return run(args.keep, args.answers)
    with tempfile.TemporaryDirectory(prefix="analysis-bench-") as folder:
        return run(Path(folder) / "bench.db", args.answers)


if __name__ == "__main__":
    raise SystemExit(main())
