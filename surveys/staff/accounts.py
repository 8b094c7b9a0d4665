"""Staff account management: create, list, unlock, deactivate."""

from __future__ import annotations

from sqlmodel import Session, select

from surveys.audit import record
from surveys.i18n import SUPPORTED_LANGUAGES, TranslatableError
from surveys.models import ROLES, StaffUser
from surveys.staff.auth import hash_password

MIN_PASSWORD_LENGTH = 10


class AccountError(TranslatableError):
    """A staff account cannot be created or changed as asked."""


def create_user(
    *,
    session: Session,
    email: str,
    role: str,
    password: str,
    full_name: str = "",
    language: str = "fr",
    actor: str = "system",
) -> StaffUser:
    """A new staff account; `actor` is whoever creates it (an admin's e-mail; `system` for the
    command line and the demo)."""
    email = email.strip().lower()
    if role not in ROLES:
        raise AccountError("errors.account.role", role=role, roles=", ".join(ROLES))
    if "@" not in email:
        raise AccountError("errors.account.email", email=email)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("errors.account.password", minimum=MIN_PASSWORD_LENGTH)
    if session.exec(select(StaffUser).where(StaffUser.email == email)).first():
        raise AccountError("errors.account.exists", email=email)
    user = StaffUser(
        email=email,
        role=role,
        password_hash=hash_password(password),
        full_name=full_name,
        language=language,
    )
    session.add(user)
    session.flush()
    record(session, actor=actor, action="user.create", target=email, details={"role": role})
    return user


def list_users(*, session: Session) -> list[StaffUser]:
    return list(session.exec(select(StaffUser).order_by(StaffUser.email)))


def unlock_user(*, session: Session, user_id: int, actor: str) -> None:
    user = session.get(StaffUser, user_id)
    if user is None:
        raise AccountError("errors.account.missing")
    user.locked_until = None
    user.failed_logins = 0
    session.add(user)
    record(session, actor=actor, action="user.unlock", target=user.email)


def set_user_active(*, session: Session, user_id: int, active: bool, actor: str) -> None:
    user = session.get(StaffUser, user_id)
    if user is None:
        raise AccountError("errors.account.missing")
    user.is_active = active
    user.session_version += 1  # a deactivated account is logged out at once
    session.add(user)
    record(
        session,
        actor=actor,
        action="user.activate" if active else "user.deactivate",
        target=user.email,
    )


def set_user_language(*, session: Session, user_id: int, language: str, actor: str) -> None:
    """The language of a staff member's pages (French or English), kept with the account."""
    if language not in SUPPORTED_LANGUAGES:
        raise AccountError("errors.account.language", language=language)
    user = session.get(StaffUser, user_id)
    if user is None:
        raise AccountError("errors.account.missing")
    if user.language != language:
        user.language = language
        session.add(user)
        record(
            session,
            actor=actor,
            action="user.language",
            target=user.email,
            details={"language": language},
        )
