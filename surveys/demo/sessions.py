"""The demo's training sessions: when they run, who is enrolled, with which trainers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from surveys.demo.organisation import COMPANY_NAMES, FINANCERS, PROGRAMMES, TRAINERS


@dataclass(frozen=True)
class Cast:
    """Who takes part in one session, as indexes into the people of each stakeholder type."""

    learners: list[int]
    trainers: list[int]
    financer: int
    company: int


def session_dates(today: date, count_past: int, count_coming: int) -> list[tuple[date, date]]:
    """Sessions spread over the last 18 months, plus a few ending in the coming weeks."""
    dates = []
    for index in range(count_past):
        end = today - timedelta(days=4 + index * 15)
        dates.append((end - timedelta(days=20), end))
    for index in range(count_coming):
        end = today + timedelta(days=5 + index * 7)
        dates.append((end - timedelta(days=25), end))
    return dates


def programme_of(index: int) -> tuple[str, str, str, str]:
    """Sessions take the programmes in turn."""
    return PROGRAMMES[index % len(PROGRAMMES)]


def session_rows(
    dates: list[tuple[date, date]], programme_ids: dict[str, int], now: datetime
) -> list[dict[str, Any]]:
    rows = []
    for index, (start, end) in enumerate(dates):
        code, _name, _kind, modality = programme_of(index)
        rows.append(
            {
                "code": f"{code}-{start:%y%m}-{index:02d}",
                "programme_id": programme_ids[code],
                "start_date": start,
                "end_date": end,
                "modality": modality,
                "created_at": now,
                "lms": "Moodle" if index % 3 else "360Learning",
            }
        )
    return rows


def cast_of(index: int, per_session: int) -> Cast:
    """A share of the learners each, one or two trainers in turn, a financer and a company."""
    trainers = [index % len(TRAINERS), (index + 3) % len(TRAINERS)][: 1 + index % 2]
    return Cast(
        learners=list(range(index * per_session, (index + 1) * per_session)),
        trainers=trainers,
        financer=index % len(FINANCERS),
        company=index % len(COMPANY_NAMES),
    )


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
