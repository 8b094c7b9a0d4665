"""The evidence pack lists the suggestions the improvement pages show for the same period:
it takes the ones kept for the data version (`analysis.suggestions.work.period_work`, which
the server computes for the default period at start-up) instead of computing them again,
never those of an older version, and computes them itself for a period that ended before the
day it is made on."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

import analysis.evidence.collect as collect
import analysis.suggestions.work as work
from analysis.evidence import collect_evidence
from analysis.frames import AnalysisFilters, apply_filters
from analysis.frames.cache import FRAMES
from analysis.register import complaints_frame
from analysis.suggestions import SuggestionSettings, inputs_from_frames, suggest
from analysis.suggestions.pseudonyms import pseudonymise_trainers
from surveys.db import read_session, write_session
from surveys.improvement.complaints import list_complaints
from surveys.models import Answer, Campaign, Response
from tests.support.demo_database import DEMO_NOW, build_demo_database

END = DEMO_NOW.date()
START = END - timedelta(days=364)


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    context = build_demo_database(tmp_path)
    FRAMES.clear()
    work.forget()
    calls: list[int] = []

    def counted(*args, **kwargs):  # the real engine, counted
        calls.append(1)
        return real(*args, **kwargs)

    real = work.suggest
    for module in (work, collect):  # every place the pack or the pages may compute them
        monkeypatch.setattr(module, "suggest", counted)
    yield context, calls
    work.forget()
    FRAMES.clear()
    context.engine.dispose()


def _from_scratch(context, start: date, end: date, today: date) -> list[tuple[str, str]]:
    frames = apply_filters(FRAMES.get(context.engine), AnalysisFilters(start=start, end=end))
    with read_session(context.engine) as session:
        register = complaints_frame(list_complaints(session=session, start=start, end=end))
    inputs = inputs_from_frames(frames, register, start=start, end=end, today=today)
    found = pseudonymise_trainers(suggest(inputs, SuggestionSettings(small_group_min=5)))
    return [(item.id, item.title("fr")) for item in found]


def _pack(context, start: date, end: date, today: date) -> list[tuple[str, str]]:
    data = collect_evidence(
        engine=context.engine, settings=context.settings, start=start, end=end, today=today
    )
    return [(row["id"], row["title"]) for row in data.analysis["suggestions"]]


def test_the_pack_takes_the_pages_suggestions_of_the_same_version(demo) -> None:
    context, calls = demo
    version = FRAMES.version(context.engine)
    work.period_work(
        context.engine, start=START, end=END, on=END, small_group_min=5, version=version
    )
    assert len(calls) == 1

    listed = _pack(context, START, END, END)

    assert len(calls) == 1  # not computed again
    assert listed and listed == _from_scratch(context, START, END, END)


def test_after_a_write_the_pack_computes_them_again(demo) -> None:
    context, calls = demo
    _pack(context, START, END, END)
    with write_session(context.engine) as session:
        campaign = session.exec(select(Campaign).where(Campaign.audience == "learner")).first()
        for score in (1, 1, 1, 1, 1, 1):
            response = Response(
                campaign_id=campaign.id,
                survey_version_id=campaign.survey_version_id,
                submitted_on=END - timedelta(days=3),
            )
            session.add(response)
            session.flush()
            session.add(
                Answer(response_id=response.id, question_id="overall-satisfaction", number=score)
            )

    listed = _pack(context, START, END, END)

    assert len(calls) == 2
    assert listed == _from_scratch(context, START, END, END)


def test_a_past_period_is_computed_for_the_pack(demo) -> None:
    context, calls = demo
    end = END - timedelta(days=30)

    listed = _pack(context, START, end, END)

    assert len(calls) == 1
    assert listed == _from_scratch(context, START, end, END)
