"""The demo's training sessions: when they run, who is enrolled, with which trainers."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from surveys.demo.scale import DemoScale, Programme


@dataclass(frozen=True)
class Cast:
    """Who takes part in one session, as indexes into the people of each stakeholder type."""

    learners: list[int]
    trainers: list[int]
    financer: int
    company: int


def session_dates(today: date, scale: DemoScale) -> list[tuple[date, date]]:
    """Sessions ending over the past `past_span_days` (every 15 days at the standard scale),
    plus some ending in the coming weeks (their surveys are still to be sent)."""
    dates = []
    for index in range(scale.sessions_past):
        end = today - timedelta(days=4 + index * scale.past_span_days // scale.sessions_past)
        dates.append((end - timedelta(days=20), end))
    for index in range(scale.sessions_coming):
        end = today + timedelta(days=5 + index * scale.coming_span_days // scale.sessions_coming)
        dates.append((end - timedelta(days=25), end))
    return dates


def session_rows(
    dates: list[tuple[date, date]], programmes: list[Programme], ids: dict[str, int], now: datetime
) -> list[dict[str, Any]]:
    """Sessions take the programmes in turn."""
    rows = []
    for index, (start, end) in enumerate(dates):
        programme = programmes[index % len(programmes)]
        rows.append(
            {
                "code": f"{programme.code}-{start:%y%m}-{index:02d}",
                "programme_id": ids[programme.code],
                "start_date": start,
                "end_date": end,
                "modality": programme.modality,
                "created_at": now,
                "lms": "Moodle" if index % 3 else "360Learning",
            }
        )
    return rows


def session_sizes(rng: random.Random, scale: DemoScale) -> list[int]:
    """Learners per session: an equal share, or uneven sizes around it (6 to 42)."""
    if not scale.uneven_sessions:
        return [scale.learners // scale.sessions] * scale.sessions
    mode = min(max(3 * scale.learners / scale.sessions - 48, 6), 42)  # mean = (6 + 42 + mode) / 3
    return [round(rng.triangular(6, 42, mode)) for _ in range(scale.sessions)]


def casts(sizes: list[int], scale: DemoScale) -> list[Cast]:
    """Who takes part in each session: the next learners of the list (coming round again
    once everyone has had a session), one or two trainers in turn, a financer, a company."""
    result, first = [], 0
    for index, size in enumerate(sizes):
        trainers = [index % scale.trainers, (index + 3) % scale.trainers][: 1 + index % 2]
        learners = [(first + n) % scale.learners for n in range(min(size, scale.learners))]
        first += size
        result.append(Cast(learners, trainers, index % scale.financers, index % scale.companies))
    return result


def enrolment_rows(
    cast: Cast, session_id: int, person_ids: dict[str, list[int]], now: datetime
) -> list[dict[str, Any]]:
    people = [
        *(("learner", index) for index in cast.learners),
        *(("trainer", index) for index in cast.trainers),
        ("financer", cast.financer),
        ("company", cast.company),
    ]
    return [
        {
            "person_id": person_ids[role][index],
            "session_id": session_id,
            "role": role,
            "created_at": now,
        }
        for role, index in people
    ]
