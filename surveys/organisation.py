"""The organisation's own settings (name, contacts, retention), edited by admins."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from surveys.audit import record
from surveys.i18n import TranslatableError
from surveys.models import OrganisationSettings, utc_now

TEXT_FIELDS = (
    "name",
    "contact_email",
    "support_email",
    "support_phone",
    "privacy_contact",
    "address",
)
# Each number: its smallest and largest value, and its short name (the message
# errors.organisation.<name> when it is too small).
NUMBER_FIELDS = {
    "retention_years": (1, 10, "retention"),
    "small_group_min": (3, 50, "small_group"),
}
DEFAULT_NUMBERS = {"retention_years": 3, "small_group_min": 5}
EDITABLE_FIELDS = (*TEXT_FIELDS, *NUMBER_FIELDS)


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
    for field, (minimum, _maximum, message) in NUMBER_FIELDS.items():
        if int(changes.get(field, DEFAULT_NUMBERS[field])) < minimum:
            raise OrganisationError(f"errors.organisation.{message}")
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
