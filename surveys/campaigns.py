"""Campaigns and invitations.

Campaign keys make planning idempotent: `plan:{plan_id}:session:{session_id}` for a plan
applied to a session, `plan:{plan_id}:year:{year}` for a yearly (financer) campaign.
"""

from __future__ import annotations

from surveys.models import Invitation, Person
from surveys.tokens import hash_token, make_token, new_salt


def session_campaign_key(plan_id: int, session_id: int) -> str:
    return f"plan:{plan_id}:session:{session_id}"


def yearly_campaign_key(plan_id: int, year: int) -> str:
    return f"plan:{plan_id}:year:{year}"


def new_invitation(*, campaign_id: int, person: Person, session_secret: str) -> Invitation:
    """An invitation row (not yet added); its link's token is derived, never stored."""
    salt = new_salt()
    token = make_token(salt=salt, session_secret=session_secret)
    return Invitation(
        campaign_id=campaign_id,
        person_id=person.id,
        token_salt=salt,
        token_hash=hash_token(token),
        language=person.language,
    )


def invitation_token(invitation: Invitation, *, session_secret: str) -> str:
    return make_token(salt=invitation.token_salt, session_secret=session_secret)


def answer_url(token: str, base_url: str = "") -> str:
    """The answer link of a token (`base_url` empty: the path alone, as the routes use it)."""
    return f"{base_url}/r/{token}"


def unsubscribe_url(token: str, base_url: str = "") -> str:
    """The unsubscribe link of a token: the same token under /u/."""
    return f"{base_url}/u/{token}"
