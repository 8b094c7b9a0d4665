"""Staff accounts: argon2id hashes, lockout, signed session cookies, role-based access."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session, select

from surveys.audit import record
from surveys.models import StaffUser

SESSION_COOKIE = "qs_session"
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verifying against this keeps the time of "unknown user" equal to "wrong password".
_DUMMY_HASH = _hasher.hash("not-a-real-password")


@dataclass(frozen=True)
class StaffIdentity:
    """What the pages know about the logged-in person."""

    user_id: int
    email: str
    full_name: str
    role: str
    language: str


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def authenticate(
    *,
    session: Session,
    email: str,
    password: str,
    now: datetime,
    max_failures: int,
    lock_minutes: int,
) -> StaffUser | None:
    """The user if the password is right and the account usable; None for every failure.

    Callers show one message for all failures, so an attacker cannot tell an unknown address,
    a wrong password and a locked account apart.
    """
    user = session.exec(select(StaffUser).where(StaffUser.email == email.strip().lower())).first()
    if user is None:
        _verify(_DUMMY_HASH, password)
        attempted = email.strip().lower()[:254]
        record(session, actor=attempted, action="login.failed", target=attempted, at=now)
        return None
    locked = user.locked_until is not None and user.locked_until > now
    if not _verify(user.password_hash, password) or locked or not user.is_active:
        _count_failure(session, user, now=now, max_failures=max_failures, minutes=lock_minutes)
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    session.add(user)
    record(session, actor=user.email, action="login", target=user.email, at=now)
    return user


def _count_failure(
    session: Session, user: StaffUser, *, now: datetime, max_failures: int, minutes: int
) -> None:
    if user.locked_until is not None and user.locked_until > now:
        return  # already locked: do not extend, so an attacker cannot lock someone out forever
    user.failed_logins += 1
    record(session, actor=user.email, action="login.failed", target=user.email, at=now)
    if user.failed_logins >= max_failures:
        user.locked_until = now + timedelta(minutes=minutes)
        user.failed_logins = 0
        record(session, actor=user.email, action="login.locked", target=user.email, at=now)
    session.add(user)


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="staff-session")


def make_session_cookie(user: StaffUser, *, secret: str) -> str:
    return _serializer(secret).dumps({"uid": user.id, "v": user.session_version})


def identity_from_cookie(
    *, session: Session, cookie: str | None, secret: str, max_age_hours: int
) -> StaffIdentity | None:
    """The staff member a cookie belongs to, or None if it is absent, forged, old or revoked."""
    if not cookie:
        return None
    try:
        payload = _serializer(secret).loads(cookie, max_age=max_age_hours * 3600)
    except (BadSignature, SignatureExpired):
        return None
    user = session.get(StaffUser, payload.get("uid"))
    if user is None or not user.is_active or user.session_version != payload.get("v"):
        return None
    return StaffIdentity(user.id, user.email, user.full_name, user.role, user.language)


def revoke_sessions(*, session: Session, user_id: int) -> None:
    """Logout everywhere: cookies signed before this call stop working."""
    user = session.get(StaffUser, user_id)
    if user is not None:
        user.session_version += 1
        session.add(user)
        record(session, actor=user.email, action="logout", target=user.email)
