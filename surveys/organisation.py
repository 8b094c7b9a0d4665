"""The organisation's own settings (name, contacts, retention), edited by admins."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from surveys.audit import record
from surveys.i18n import TranslatableError
from surveys.models import OrganisationSettings, utc_now

EDITABLE_FIELDS = (
    "name",
    "contact_email",
    "support_email",
    "support_phone",
    "privacy_contact",
    "address",
    "retention_years",
    "small_group_min",
)


class OrganisationError(TranslatableError):
    """The settings were refused; the message says which field and why (French)."""


def get_organisation(*, session: Session) -> OrganisationSettings:
    organisation = session.get(OrganisationSettings, 1)
    if organisation is None:
        raise OrganisationError("errors.organisation.missing")
    return organisation


def update_organisation(*, session: Session, changes: dict[str, Any], actor: str) -> None:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise OrganisationError("errors.organisation.unknown", fields=", ".join(sorted(unknown)))
    if not str(changes.get("name", "x")).strip():
        raise OrganisationError("errors.organisation.name")
    if int(changes.get("retention_years", 3)) < 1:
        raise OrganisationError("errors.organisation.retention")
    if int(changes.get("small_group_min", 5)) < 3:
        raise OrganisationError("errors.organisation.small_group")
    organisation = get_organisation(session=session)
    before = {key: getattr(organisation, key) for key in changes}
    for key, value in changes.items():
        setattr(organisation, key, value)
    organisation.updated_at = utc_now()
    session.add(organisation)
    record(
        session,
        actor=actor,
        action="settings.update",
        target="organisation",
        details={"before": before, "after": changes},
    )
