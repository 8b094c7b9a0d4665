"""Campaigns and invitations.

Campaign keys make planning idempotent: `plan:{plan_id}:session:{session_id}` for a plan
applied to a session, `plan:{plan_id}:year:{year}` for a yearly (financer) campaign.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from surveys.models import Invitation, Person
from surveys.schedule import add_days_in_paris
from surveys.tokens import hash_token, make_token, new_salt

LABEL_MAX = 200


def session_campaign_key(plan_id: int, session_id: int) -> str:
    return f"plan:{plan_id}:session:{session_id}"


def yearly_campaign_key(plan_id: int, year: int) -> str:
    return f"plan:{plan_id}:year:{year}"


def campaign_fields(
    *,
    key: str,
    plan_id: int | None,
    version_id: int,
    session_id: int | None,
    audience: str,
    timing: str,
    label: str,
    start: datetime,
    close_after_days: int,
    reminder_offsets_days: Sequence[int],
) -> dict[str, Any]:
    """The columns of a campaign row (the planner's `Campaign`, the demo's bulk rows): it
    closes `close_after_days` after `start` at the same Paris wall-clock time."""
    return {
        "key": key,
        "plan_id": plan_id,
        "survey_version_id": version_id,
        "session_id": session_id,
        "audience": audience,
        "timing": timing,
        "label": label[:LABEL_MAX],
        "scheduled_at": start,
        "closes_at": add_days_in_paris(start, close_after_days),
        "reminder_offsets_days": list(reminder_offsets_days),
    }


def invitation_values(
    *, campaign_id: int, person_id: int, language: str, session_secret: str
) -> dict[str, Any]:
    """The columns of a new invitation; its link's token is derived, never stored."""
    salt = new_salt()
    token = make_token(salt=salt, session_secret=session_secret)
    return {
        "campaign_id": campaign_id,
        "person_id": person_id,
        "token_salt": salt,
        "token_hash": hash_token(token),
        "language": language,
    }


def new_invitation(*, campaign_id: int, person: Person, session_secret: str) -> Invitation:
    """An invitation row (not yet added)."""
    return Invitation(
        **invitation_values(
            campaign_id=campaign_id,
            person_id=person.id,
            language=person.language,
            session_secret=session_secret,
        )
    )


def invitation_token(invitation: Invitation, *, session_secret: str) -> str:
    return make_token(salt=invitation.token_salt, session_secret=session_secret)


def answer_url(token: str, base_url: str = "") -> str:
    """The answer link of a token (`base_url` empty: the path alone, as the routes use it)."""
    return f"{base_url}/r/{token}"


def unsubscribe_url(token: str, base_url: str = "") -> str:
    """The unsubscribe link of a token: the same token under /u/."""
    return f"{base_url}/u/{token}"
