"""Anonymous means unlinkable: the attacks of issue 13, run as an attacker with SQL access (and
the backups) would, on a campaign with several completions on one day and a single one on
others, interleaved with a named campaign whose times are exact.

Each attack returns the anonymous responses it can pin on one person; each must pin none.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from surveys.backup import backup_sqlite
from surveys.config import DISPLAY_TIMEZONE
from surveys.db import read_session, write_session
from surveys.privacy import export_as_json, export_person
from surveys.respondent.anonymity import SEAL_BLOCK_BYTES, is_sealed, unseal
from surveys.respondent.service import resolve_link, save_section, submit_response
from surveys.runtime import AppContext
from tests import factories

BASE = datetime(2026, 11, 2, 8, 0, tzinfo=DISPLAY_TIMEZONE)


@dataclass
class World:
    anonymous_campaign: int
    persons: dict[str, int]  # label -> person id
    texts: dict[str, str]  # label -> the distinctive free text they wrote
    tokens: dict[str, str]
    mid_draft_blob: str = ""
    backup: Path | None = None


def answers_of(form: Any, label: str) -> dict[str, Any]:
    answers = factories.complete_answers(form)
    for question in form.questions:
        if question.type == "text":
            answers[question.id] = f"Commentaire unique de {label}."
    return answers


def save_everything(context: AppContext, token: str, label: str, now: datetime) -> None:
    """Save every section, one request each, as the respondent's pages would."""
    index, last = 0, 0
    while index <= last:
        with write_session(context.engine) as session:
            link = resolve_link(session=session, token=token, now=now, lock=True)
            last = len(link.form.sections) - 1
            save_section(
                session=session,
                link=link,
                section_index=index,
                section_answers=answers_of(link.form, label),
                next_section=index + 1,
                now=now,
            )
        index += 1


def submit(context: AppContext, token: str, now: datetime) -> None:
    with write_session(context.engine) as session:
        link = resolve_link(session=session, token=token, now=now, lock=True)
        assert submit_response(session=session, link=link, now=now).status == "created"


# Who answers when (Paris time): several on day 1, one anonymous alone on day 2 and on day 3,
# named answers with exact times all around them.
TIMELINE = [
    ("N1", 0, 9),
    ("A1", 0, 10),
    ("N2", 0, 11),
    ("A2", 0, 12),
    ("N3", 0, 13),
    ("A3", 1, 10),
    ("N4", 1, 11),
    ("A4", 2, 10),
    ("N5", 2, 11),
]


def build_world(context: AppContext, tmp_path: Path) -> World:
    secret = context.settings.session_secret
    with write_session(context.engine) as session:
        anonymous = factories.open_campaign(
            session, factories.respondent_version(session, anonymous=True), now=BASE
        )
        named = factories.open_campaign(session, factories.respondent_version(session), now=BASE)
        invited = {
            label: factories.invite(session, anonymous if label[0] == "A" else named, secret=secret)
            for label in [*(label for label, _, _ in TIMELINE), "A5"]
        }
        anonymous_id = anonymous.id
    world = World(
        anonymous_id,
        {label: item.person_id for label, item in invited.items()},
        {label: f"Commentaire unique de {label}." for label in invited},
        {label: item.token for label, item in invited.items()},
    )
    for label, day, hour in TIMELINE:
        when = (BASE + timedelta(days=day)).replace(hour=hour)
        save_everything(context, world.tokens[label], label, when)
        if label == "A4" and context.engine.dialect.name == "sqlite":
            world.backup = backup_sqlite(context.engine, tmp_path / "backups", now=when)
        if label == "A4":
            world.mid_draft_blob = draft_blob(context, invited["A4"].invitation_id)
        submit(context, world.tokens[label], when)
    save_everything(context, world.tokens["A5"], "A5", BASE + timedelta(days=3))  # mid-draft
    return world


def draft_blob(context: AppContext, invitation_id: int) -> str:
    with context.engine.connect() as connection:
        stored = connection.execute(
            sa.text("SELECT answers FROM response_draft WHERE invitation_id = :i"),
            {"i": invitation_id},
        ).scalar()
    stored = json.loads(stored) if isinstance(stored, str) else stored
    assert is_sealed(stored)
    return stored["sealed"]


def truth(context: AppContext, world: World) -> dict[str, int]:
    """Which person wrote each anonymous response (known to the test, not to the attacker)."""
    by_text = {text: world.persons[label] for label, text in world.texts.items()}
    with context.engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT a.response_id, a.text FROM answer a JOIN response r"
                " ON r.id = a.response_id WHERE r.anonymous AND a.text LIKE 'Commentaire%'"
            )
        ).all()
    return {response_id: by_text[text] for response_id, text in rows}


def paris_day(value: Any) -> Any:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:  # SQLite through raw SQL: UTC without its zone
        value = value.replace(tzinfo=UTC)
    return value.astimezone(DISPLAY_TIMEZONE).date()


def completed_invitations(connection: sa.Connection, campaign_id: int) -> list[tuple[int, Any]]:
    rows = connection.execute(
        sa.text(
            "SELECT person_id, completed_at FROM invitation"
            " WHERE campaign_id = :c AND status = 'completed'"
        ),
        {"c": campaign_id},
    ).all()
    return [(person, paris_day(at)) for person, at in rows]


def pinned(candidates: dict[str, set[int]], known: dict[str, int]) -> set[str]:
    """Responses an attack pins on exactly one person, and rightly so."""
    return {rid for rid, people in candidates.items() if people == {known.get(rid)}}


def day_join_attack(connection: sa.Connection, world: World) -> dict[str, set[int]]:
    """invitation.completed_at joined with response.submitted_on on (campaign, day)."""
    invitations = completed_invitations(connection, world.anonymous_campaign)
    responses = connection.execute(
        sa.text("SELECT id, submitted_on FROM response WHERE campaign_id = :c"),
        {"c": world.anonymous_campaign},
    ).all()
    candidates = {}
    for response_id, day in responses:
        day = day if not isinstance(day, str) else datetime.fromisoformat(day).date()
        candidates[response_id] = {person for person, done in invitations if done == day}
    return candidates


def order_attack(connection: sa.Connection, world: World) -> dict[str, set[int]]:
    """Order every response by its first answer id (and by rowid on SQLite): an anonymous one
    lies between two named ones with exact times; keep the invitations completed then."""
    position = "MIN(a.id)"
    rows = connection.execute(
        sa.text(
            f"SELECT r.id, r.anonymous, {position} AS pos, n.submitted_at FROM response r"
            " JOIN answer a ON a.response_id = r.id"
            " LEFT JOIN named_response n ON n.response_id = r.id"
            " GROUP BY r.id, r.anonymous, n.submitted_at ORDER BY pos"
        )
    ).all()
    invitations = completed_invitations(connection, world.anonymous_campaign)
    candidates: dict[str, set[int]] = {}
    for index, (response_id, anonymous, _, _) in enumerate(rows):
        if not anonymous:
            continue
        before = [paris_day(r[3]) for r in rows[:index] if not r[1]]
        after = [paris_day(r[3]) for r in rows[index + 1 :] if not r[1]]
        low, high = (before[-1] if before else None), (after[0] if after else None)
        candidates[response_id] = {
            person
            for person, day in invitations
            if (low is None or day >= low) and (high is None or day <= high)
        }
    return candidates


@pytest.fixture
def world(context: AppContext, tmp_path: Path) -> World:
    return build_world(context, tmp_path)


def test_no_join_on_the_day_or_the_order_pins_an_anonymous_response(
    context: AppContext, world: World
) -> None:
    with context.engine.connect() as connection:
        known = truth(context, world)
        assert len(known) == 4  # the attacks below have something to find
        for attack in (day_join_attack, order_attack):
            assert pinned(attack(connection, world), known) == set(), attack.__name__


def test_anonymous_responses_share_one_date_one_language_and_one_block_of_ids(
    context: AppContext, world: World
) -> None:
    with context.engine.connect() as connection:
        cells = connection.execute(
            sa.text(
                "SELECT submitted_on, language, COUNT(*) FROM response"
                " WHERE campaign_id = :c GROUP BY submitted_on, language"
            ),
            {"c": world.anonymous_campaign},
        ).all()
        assert len(cells) == 1 and cells[0][2] == 4  # counts per day and language: one cell
        by_answer_id = [
            bool(value)
            for value in connection.execute(
                sa.text(
                    "SELECT r.anonymous FROM answer a JOIN response r ON r.id = a.response_id"
                    " ORDER BY a.id"
                )
            ).scalars()
        ]
        if context.engine.dialect.name == "sqlite":
            rowids = connection.execute(
                sa.text("SELECT anonymous FROM response ORDER BY rowid")
            ).scalars()
            flags = [bool(value) for value in rowids]
        else:
            stamps = connection.execute(
                sa.text("SELECT COUNT(DISTINCT xmin::text) FROM response WHERE anonymous")
            ).scalar()
            assert stamps == 1  # one transaction stamp for all of them
            flags = [
                bool(value)
                for value in connection.execute(
                    sa.text("SELECT anonymous FROM response ORDER BY ctid")
                ).scalars()
            ]
    assert _blocks(flags) == 1 and _blocks(by_answer_id) == 1  # one block: no position


def _blocks(flags: list[bool]) -> int:
    """How many runs of anonymous rows there are in this order (one block = no position)."""
    return sum(
        1 for index, flag in enumerate(flags) if flag and (index == 0 or not flags[index - 1])
    )


def test_a_draft_in_a_backup_or_an_export_cannot_be_read_or_matched(
    context: AppContext, world: World
) -> None:
    a5_text = world.texts["A5"]
    with context.engine.connect() as connection:
        drafts = connection.execute(sa.text("SELECT answers FROM response_draft")).scalars()
        drafts = [json.loads(d) if isinstance(d, str) else d for d in drafts]
    assert drafts and all(is_sealed(d) and unseal(d, b"\0" * 32) == {} for d in drafts)
    assert all(a5_text not in json.dumps(d) for d in drafts)
    sizes = {len(d["sealed"]) for d in drafts}
    assert all(size % 4 == 0 for size in sizes)  # base64 of a padded block
    with write_session(context.engine) as session:
        export = export_as_json(
            export_person(session=session, person_id=world.persons["A5"], actor="test")
        )
    assert a5_text not in export and "Commentaire unique" not in export
    if world.backup is not None:  # SQLite: the backup taken while A4 was still answering
        raw = world.backup.read_bytes()
        assert world.texts["A4"].encode() not in raw
    assert SEAL_BLOCK_BYTES >= 1024


def test_after_the_submit_no_copy_of_the_draft_is_left_in_the_files(
    sqlite_context: AppContext,
) -> None:
    invited = factories.make_invited(sqlite_context, anonymous=True)
    save_everything(sqlite_context, invited.token, "A1", BASE)
    save_everything(sqlite_context, invited.token, "A1", BASE)  # several copies in the WAL
    blob = draft_blob(sqlite_context, invited.invitation_id).encode()[:64]  # within a page
    database = Path(sqlite_context.engine.url.database)
    wal = database.with_name(database.name + "-wal")
    assert blob in wal.read_bytes()  # what the attacker found before the fix
    submit(sqlite_context, invited.token, BASE)
    assert wal.stat().st_size == 0  # checkpointed and truncated
    assert blob not in database.read_bytes()
    with read_session(sqlite_context.engine) as session:
        assert session.connection().exec_driver_sql("PRAGMA secure_delete").scalar() == 1


def test_an_anonymous_respondent_gets_no_more_reminders(context: AppContext, world: World) -> None:
    with context.engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT i.status, m.status FROM invitation i"
                " JOIN outbound_message m ON m.invitation_id = i.id"
                " WHERE i.person_id = :p"
            ),
            {"p": world.persons["A3"]},
        ).all()
    assert rows == [("completed", "cancelled")]


def test_the_attacks_would_find_something_without_the_protection(
    context: AppContext, world: World
) -> None:
    """The attacks are real: told the true submission days, the day join pins A3 and A4."""
    known = truth(context, world)
    with context.engine.connect() as connection:
        invitations = completed_invitations(connection, world.anonymous_campaign)
    days = Counter(day for _, day in invitations)
    lonely = {person for person, day in invitations if days[day] == 1}
    true_day = {person: day for person, day in invitations}
    candidates = defaultdict(set)
    for response_id, person in known.items():
        candidates[response_id] = {p for p in lonely if true_day[p] == true_day[person]}
    assert len(pinned(candidates, known)) == 2


def test_concurrent_anonymous_submits_to_one_campaign_all_land_once(context: AppContext) -> None:
    import threading

    with write_session(context.engine) as session:
        version = factories.respondent_version(session, anonymous=True)
        campaign = factories.open_campaign(session, version, now=BASE)
        campaign_id = campaign.id
        people = [
            factories.invite(session, campaign, secret=context.settings.session_secret)
            for _ in range(4)
        ]
    for number, person in enumerate(people):
        save_everything(context, person.token, f"C{number}", BASE)
    failures: list[BaseException] = []

    def run(token: str) -> None:
        try:
            submit(context, token, BASE)
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=run, args=(p.token,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    with context.engine.connect() as connection:
        texts = connection.execute(
            sa.text("SELECT text FROM answer WHERE text LIKE 'Commentaire unique de C%'")
        ).scalars()
        counts = Counter(texts)
        responses = connection.execute(
            sa.text("SELECT COUNT(*) FROM response WHERE campaign_id = :c"), {"c": campaign_id}
        ).scalar()
    assert set(counts) == {f"Commentaire unique de C{n}." for n in range(4)}
    assert len(set(counts.values())) == 1 and responses == 4  # each once, none lost
