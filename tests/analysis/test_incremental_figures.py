"""A new data version reads again only the frames whose tables changed, and computes again
only the dashboard tables whose frames changed: while mail goes out, the rates, not the
scores. What it shows must still be, after every kind of write, exactly what a computation
from scratch gives (never a stale figure, never a figure of the wrong version)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from analysis import summary
from analysis.frames import PARIS, AnalysisFilters, apply_filters, load_frames
from analysis.frames.build import FRAME_TABLES
from analysis.frames.cache import _WATCHED, FRAMES, frames_version, table_versions
from analysis.summary import (
    METRIC_GROUPS,
    MetricOptions,
    clear_tables,
    dashboard_tables,
    versioned_dashboard_tables,
)
from surveys.db import write_connection
from surveys.models import Answer, Campaign, Enrolment, Invitation, Person, Response
from surveys.runtime import AppContext
from tests.support.demo_database import DEMO_NOW, build_demo_database

pytestmark = pytest.mark.slow
TODAY = DEMO_NOW.astimezone(PARIS).date()
THRESHOLD = 5


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[AppContext]:
    FRAMES.clear()
    clear_tables()
    context = build_demo_database(tmp_path)
    add_waiting_invitations(context, 200)
    yield context
    FRAMES.clear()
    clear_tables()
    context.engine.dispose()


def test_every_table_a_frame_reads_moves_the_data_version() -> None:
    read = {table for tables in FRAME_TABLES.values() for table in tables}
    assert read <= set(_WATCHED)
    grouped = {frame for frames, _tables in METRIC_GROUPS.values() for frame in frames}
    assert grouped <= set(FRAME_TABLES)
    names = [name for _frames, tables in METRIC_GROUPS.values() for name in tables]
    assert len(names) == len(set(names))  # each table in one group


def test_the_version_of_a_frame_moves_only_with_its_own_tables(demo: AppContext) -> None:
    before = FRAMES.version(demo.engine)
    send_invitations(demo, 5)
    after = FRAMES.version(demo.engine)
    changed = {
        table
        for table, part in table_versions(after).items()
        if table_versions(before)[table] != part
    }
    assert changed == {"invitation"}
    for frame, tables in FRAME_TABLES.items():
        same = frames_version(before, (frame,)) == frames_version(after, (frame,))
        assert same == ("invitation" not in tables), frame


def test_a_sent_message_reads_again_only_the_frames_of_the_invitations(demo: AppContext) -> None:
    before = FRAMES.get(demo.engine)
    send_invitations(demo, 5)
    after = FRAMES.get(demo.engine)
    kept = {name for name in FRAME_TABLES if getattr(after, name) is getattr(before, name)}
    assert kept == {"answers", "session_people", "financers", "enrolments"}
    assert after.campaigns["invited"].sum() == before.campaigns["invited"].sum() + 5


def test_a_dropout_reads_the_enrolments_again_and_keeps_the_answers(demo: AppContext) -> None:
    before = FRAMES.get(demo.engine)
    with write_connection(demo.engine) as connection:
        first = connection.execute(
            sa.select(sa.func.min(Enrolment.id)).where(
                Enrolment.role == "learner", Enrolment.status != "dropped_out"
            )
        ).scalar_one()
        connection.execute(
            sa.update(Enrolment)
            .where(Enrolment.id == first)
            .values(status="dropped_out", status_changed_on=TODAY)
        )
    after = FRAMES.get(demo.engine)
    assert after.answers is before.answers
    assert after.enrolments is not before.enrolments
    dropped = (after.enrolments["status"] == "dropped_out").sum()
    assert dropped == (before.enrolments["status"] == "dropped_out").sum() + 1


def test_the_tables_equal_a_computation_from_scratch_after_every_kind_of_write(
    demo: AppContext,
) -> None:
    start = date(TODAY.year - 1, TODAY.month, TODAY.day)
    trainer = int(FRAMES.get(demo.engine).session_people.query("role == 'trainer'").iloc[0, 2])
    filters = [
        AnalysisFilters(start=start, end=TODAY),
        AnalysisFilters(start=start, end=TODAY, trainers=(trainer,)),
    ]
    writes: list[tuple[str, Callable[[AppContext], None]]] = [
        ("nothing", lambda context: None),
        ("messages sent", lambda context: send_invitations(context, 40)),
        ("an answer", add_answer),
        ("a dropout", drop_out_one_learner),
        ("a person erased", erase_one_person),
        ("messages sent again", lambda context: send_invitations(context, 40)),
    ]
    previous_rates = None
    for label, write in writes:
        write(demo)
        version = FRAMES.version(demo.engine)
        for chosen in filters:
            shown = versioned_dashboard_tables(
                demo.engine,
                chosen,
                today=TODAY,
                small_group_min=THRESHOLD,
                freq="M",
                version=version,
            )
            fresh = from_scratch(demo, chosen)
            assert shown.keys() == fresh.keys()
            for name in fresh:
                pd.testing.assert_frame_equal(shown[name], fresh[name], obj=f"{label}: {name}")
        rates = shown["response_rates"]  # the last filters' (one trainer's)
        if label.startswith("messages sent"):
            assert not rates.equals(previous_rates), label  # the sends did show
        previous_rates = rates


def test_a_sent_message_computes_the_rates_again_not_the_scores(
    demo: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    computed: list[set[str]] = []
    group_tables = summary._group_tables

    def counting(frames, options, group):  # type: ignore[no-untyped-def]
        computed.append(set(group))
        return group_tables(frames, options, group)

    monkeypatch.setattr(summary, "_group_tables", counting)
    filters = AnalysisFilters(start=date(TODAY.year - 1, TODAY.month, TODAY.day), end=TODAY)

    def show() -> set[str]:
        computed.clear()
        versioned_dashboard_tables(
            demo.engine,
            filters,
            today=TODAY,
            small_group_min=THRESHOLD,
            freq="M",
            version=FRAMES.version(demo.engine),
        )
        return {name for names in computed for name in names}

    assert show() == set(summary.DASHBOARD_METRICS)  # the first time: everything
    assert show() == set()  # nothing written: nothing computed
    send_invitations(demo, 5)
    again = show()
    assert again == set(METRIC_GROUPS["rates"][1]) | set(METRIC_GROUPS["coverage"][1])
    add_answer(demo)
    assert set(METRIC_GROUPS["scores"][1]) <= show()


# --- the writes -------------------------------------------------------------------------------


def add_waiting_invitations(context: AppContext, count: int) -> None:
    """`count` invitations not sent yet (the demo's campaigns are all sent), to the learners
    of the latest learner campaign of a session, as the planner leaves them."""
    with write_connection(context.engine) as connection:
        campaign_id, session_id = connection.execute(
            sa.select(Campaign.id, Campaign.session_id)
            .where(Campaign.audience == "learner", Campaign.session_id.is_not(None))
            .order_by(Campaign.scheduled_at.desc())
            .limit(1)
        ).one()
        people = connection.execute(
            sa.insert(Person).returning(Person.id),
            [
                {"email": f"waiting{index}@example.org", "first_name": "Camille"}
                | {"last_name": f"Attente {index}", "stakeholder_type": "learner"}
                for index in range(count)
            ],
        )
        ids = people.scalars().all()
        connection.execute(
            sa.insert(Enrolment),
            [{"person_id": pid, "session_id": session_id, "role": "learner"} for pid in ids],
        )
        connection.execute(
            sa.insert(Invitation),
            [
                {"campaign_id": campaign_id, "person_id": pid}
                | {"token_hash": f"{pid:064d}", "token_salt": "s" * 32}
                for pid in ids
            ],
        )


def send_invitations(context: AppContext, count: int) -> None:
    """What the dispatcher records for `count` messages sent."""
    now = datetime.combine(TODAY, time(9), tzinfo=PARIS)
    with write_connection(context.engine) as connection:
        waiting = (
            connection.execute(
                sa.select(Invitation.id).where(Invitation.sent_at.is_(None)).limit(count)
            )
            .scalars()
            .all()
        )
        assert len(waiting) == count, "the demo has no more invitations waiting"
        connection.execute(
            sa.update(Invitation)
            .where(Invitation.id.in_(waiting))
            .values(status="sent", sent_at=now)
        )


def add_answer(context: AppContext) -> None:
    """One more response in the period: a copy of the latest one, every number at 1."""
    with write_connection(context.engine) as connection:
        latest = connection.execute(
            sa.select(Response)
            .where(Response.submitted_on <= TODAY)
            .order_by(Response.submitted_on.desc(), Response.id)
            .limit(1)
        ).one()
        copy = Response(
            campaign_id=latest.campaign_id,
            survey_version_id=latest.survey_version_id,
            anonymous=True,
            submitted_on=TODAY,
        )
        connection.execute(sa.insert(Response).values(copy.model_dump()))
        answers = connection.execute(
            sa.select(Answer.question_id, Answer.number, Answer.text).where(
                Answer.response_id == latest.id
            )
        ).all()
        connection.execute(
            sa.insert(Answer),
            [
                {"response_id": copy.id, "question_id": question, "text": text}
                | {"number": None if number is None else 1}
                for question, number, text in answers
            ],
        )


def update_one(
    context: AppContext, model: type, pick: Callable, where: list, **values: object
) -> None:
    """Update the row of `model` whose id `pick` (min or max) chooses among those `where`."""
    chosen = sa.select(pick(model.id)).where(*where).scalar_subquery()
    with write_connection(context.engine) as connection:
        connection.execute(sa.update(model).where(model.id == chosen).values(**values))


def drop_out_one_learner(context: AppContext) -> None:
    learning = [Enrolment.role == "learner", Enrolment.status != "dropped_out"]
    update_one(
        context, Enrolment, sa.func.max, learning, status="dropped_out", status_changed_on=TODAY
    )


def erase_one_person(context: AppContext) -> None:
    financer = [Person.stakeholder_type == "financer", Person.erased_at.is_(None)]
    blank = {"first_name": "", "last_name": "", "email": None}
    update_one(context, Person, sa.func.min, financer, erased_at=DEMO_NOW, **blank)


def from_scratch(context: AppContext, filters: AnalysisFilters) -> dict[str, pd.DataFrame]:
    options = MetricOptions(
        now=datetime.combine(TODAY, time(12), tzinfo=PARIS),
        small_group_min=THRESHOLD,
        start=filters.start,
        end=filters.end,
        freq="M",
    )
    return dashboard_tables(apply_filters(load_frames(engine=context.engine), filters), options)
