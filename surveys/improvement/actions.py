"""The improvement plan (Qualiopi indicator 32): measures drawn from appreciations and complaints.

An action comes from a suggestion of the analysis, from a complaint of the register, or from a
debrief; it has an owner, a due date, a status (planned, in progress, done, abandoned), notes,
and the day it was done, from which its effect on the theme's score is measured afterwards
(`analysis.suggestions.action_effects`). `origin` says where it came from, as
`suggestion:<rule id>`, `complaint:<id>` or free text. Pure helpers at the end list what is
overdue and count the plan for the evidence pack.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from surveys.audit import save_with_audit
from surveys.config import paris_day
from surveys.i18n import TranslatableError
from surveys.improvement.common import (
    at_most,
    one_of,
    refuse_first,
    row_from,
)
from surveys.improvement.complaints import OTHER_THEME, get_complaint, known_themes
from surveys.models import ACTION_STATUSES, ImprovementAction, utc_now

TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 5000
ORIGIN_MAX_LENGTH = 120
OPEN_ACTION_STATUSES = ("planned", "in_progress")


class ActionError(TranslatableError):
    """An improvement-plan operation was refused; the message says why."""


@dataclass(frozen=True)
class ActionInput:
    title: str
    owner: str
    due_on: date | None
    theme: str = ""
    description: str = ""
    origin: str = ""
    complaint_id: int | None = None
    notes: str = ""


def _validate(item: ActionInput) -> None:
    longest_text = max(item.description, item.notes, key=len)
    checks = (
        (bool(item.title.strip()), "improve.errors.title_missing", {}),
        at_most(item.title, TITLE_MAX_LENGTH, "improve.errors.title_long"),
        (bool(item.owner.strip()), "improve.errors.owner_missing", {}),
        (item.due_on is not None, "improve.errors.due_missing", {}),
        one_of(item.theme, ("", *known_themes()), "improve.errors.theme"),
        at_most(longest_text, TEXT_MAX_LENGTH, "improve.errors.details_long"),
        at_most(item.origin, ORIGIN_MAX_LENGTH, "improve.errors.origin_long"),
    )
    refuse_first(checks, ActionError)


def create_action(
    *, session: Session, item: ActionInput, actor: str, now: datetime | None = None
) -> ImprovementAction:
    """Add a planned action to the improvement plan."""
    _validate(item)
    now = now or utc_now()
    action = row_from(
        ImprovementAction,
        item,
        strip=("title", "description", "owner", "notes"),
        status="planned",
        created_at=now,
    )
    return save_with_audit(
        session,
        action,
        actor=actor,
        action="action.create",
        kind="action",
        details={"origin": action.origin, "theme": action.theme},
        at=now,
    )


def action_from_complaint(
    *,
    session: Session,
    complaint_id: int,
    owner: str,
    due_on: date | None,
    actor: str,
    title: str = "",
    description: str = "",
    now: datetime | None = None,
) -> ImprovementAction:
    """An action answering a complaint of the register; it inherits the complaint's theme."""
    complaint = get_complaint(session=session, complaint_id=complaint_id)
    theme = complaint.theme if complaint.theme != OTHER_THEME else ""
    item = ActionInput(
        title=title.strip() or complaint.summary[:TITLE_MAX_LENGTH],
        owner=owner,
        due_on=due_on,
        theme=theme,
        description=description or complaint.details or complaint.summary,
        origin=f"complaint:{complaint.id}",
        complaint_id=complaint.id,
    )
    return create_action(session=session, item=item, actor=actor, now=now)


def get_action(*, session: Session, action_id: int) -> ImprovementAction:
    action = session.get(ImprovementAction, action_id)
    if action is None:
        raise ActionError("improve.errors.action_missing", id=action_id)
    return action


def set_action_status(
    *,
    session: Session,
    action_id: int,
    status: str,
    actor: str,
    today: date,
    done_on: date | None = None,
) -> ImprovementAction:
    """Move an action to `status`. "done" records the day it was done (today unless given,
    never in the future): its effect is measured from that day. Reopening clears it."""
    if status not in ACTION_STATUSES:
        raise ActionError("improve.errors.status", value=status)
    action = get_action(session=session, action_id=action_id)
    if status == "done":
        day = done_on or today
        if day > today:
            raise ActionError("improve.errors.done_future")
        action.done_on = day
    else:
        action.done_on = None
    action.status = status
    return save_with_audit(
        session,
        action,
        actor=actor,
        action="action.status",
        kind="action",
        details={"status": status, "done_on": str(action.done_on or "")},
    )


def update_action(
    *,
    session: Session,
    action_id: int,
    actor: str,
    owner: str | None = None,
    due_on: date | None = None,
    add_note: str = "",
    today: date | None = None,
) -> ImprovementAction:
    """Change the owner or the due date, or append a dated note (notes are never rewritten)."""
    action = get_action(session=session, action_id=action_id)
    if owner is not None:
        if not owner.strip():
            raise ActionError("improve.errors.owner_missing")
        action.owner = owner.strip()
    action.due_on = due_on or action.due_on
    if add_note.strip():
        line = f"{(today or paris_day(utc_now())).isoformat()} — {add_note.strip()}"
        notes = f"{action.notes}\n{line}" if action.notes else line
        if len(notes) > TEXT_MAX_LENGTH:
            raise ActionError("improve.errors.details_long", limit=TEXT_MAX_LENGTH)
        action.notes = notes
    return save_with_audit(session, action, actor=actor, action="action.update", kind="action")


def list_actions(*, session: Session) -> list[ImprovementAction]:
    """Every action: open ones by due date first, then the others, each by id."""
    return sorted(session.exec(select(ImprovementAction)), key=_plan_order)


def _plan_order(action: ImprovementAction) -> tuple:
    closed = action.status not in OPEN_ACTION_STATUSES
    return (closed, action.due_on or date.max, action.id or 0)


# -- Pure helpers ---------------------------------------------------------------------------


def is_overdue(action: ImprovementAction, *, today: date) -> bool:
    return (
        action.status in OPEN_ACTION_STATUSES
        and action.due_on is not None
        and action.due_on < today
    )


def overdue_actions(
    actions: Iterable[ImprovementAction], *, today: date
) -> list[ImprovementAction]:
    return [action for action in actions if is_overdue(action, today=today)]


def action_row(action: ImprovementAction, *, today: date) -> dict[str, Any]:
    overdue = is_overdue(action, today=today)
    return {
        "id": action.id,
        "title": action.title,
        "theme": action.theme,
        "origin": action.origin,
        "complaint_id": action.complaint_id,
        "owner": action.owner,
        "due_on": action.due_on,
        "status": action.status,
        "done_on": action.done_on,
        "notes": action.notes,
        "description": action.description,
        "overdue": overdue,
        "days_overdue": (today - action.due_on).days if overdue and action.due_on else 0,
    }


ACTION_COLUMNS = (
    "id",
    "title",
    "theme",
    "origin",
    "complaint_id",
    "owner",
    "due_on",
    "status",
    "done_on",
    "notes",
    "description",
    "overdue",
    "days_overdue",
)
