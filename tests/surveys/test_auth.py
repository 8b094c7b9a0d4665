"""Staff accounts: hashing, lockout, the same answer for every failure, signed cookies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from surveys.db import read_session, write_session
from surveys.models import AuditLog, StaffUser, utc_now
from surveys.runtime import AppContext
from surveys.staff.accounts import AccountError, create_user
from surveys.staff.auth import (
    authenticate,
    identity_from_cookie,
    make_session_cookie,
    revoke_sessions,
)
from tests import factories
from tests.factories import PASSWORD


def _login(context: AppContext, email: str, password: str, now=None) -> StaffUser | None:
    with write_session(context.engine) as session:
        user = authenticate(
            session=session,
            email=email,
            password=password,
            now=now or utc_now(),
            max_failures=5,
            lock_minutes=15,
        )
        return user.id if user else None


def test_passwords_are_stored_as_argon2id_hashes(context: AppContext) -> None:
    with write_session(context.engine) as session:
        user = factories.staff(session, email="a@example.org")
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash


def test_right_password_logs_in_and_is_recorded(context: AppContext) -> None:
    with write_session(context.engine) as session:
        factories.staff(session, email="a@example.org")
    assert _login(context, "A@example.org ", PASSWORD) is not None
    with write_session(context.engine) as session:
        actions = [row.action for row in session.exec(select(AuditLog))]
    assert "login" in actions


def test_five_failures_lock_the_account_even_for_the_right_password(context: AppContext) -> None:
    with write_session(context.engine) as session:
        factories.staff(session, email="a@example.org")
    now = utc_now()
    for _ in range(5):
        assert _login(context, "a@example.org", "wrong password", now) is None
    assert _login(context, "a@example.org", PASSWORD, now + timedelta(minutes=1)) is None
    assert _login(context, "a@example.org", PASSWORD, now + timedelta(minutes=16)) is not None


def test_failures_while_locked_do_not_extend_the_lock(context: AppContext) -> None:
    with write_session(context.engine) as session:
        factories.staff(session, email="a@example.org")
    now = utc_now()
    for minute in range(12):  # locked at minute 4 until minute 19
        _login(context, "a@example.org", "wrong", now + timedelta(minutes=minute))
    assert _login(context, "a@example.org", PASSWORD, now + timedelta(minutes=20)) is not None


def identity(context: AppContext, cookie: str):
    """Who `cookie` identifies (with the context's secret, valid for an hour), if anyone."""
    with read_session(context.engine) as session:
        return identity_from_cookie(
            session=session, cookie=cookie, secret=context.settings.session_secret, max_age_hours=1
        )


def test_cookie_identifies_the_user_until_revoked(context: AppContext) -> None:
    secret = context.settings.session_secret
    with write_session(context.engine) as session:
        user = factories.staff(session, role="director")
        cookie = make_session_cookie(user, secret=secret)
        found = identity_from_cookie(session=session, cookie=cookie, secret=secret, max_age_hours=1)
        assert found is not None and found.role == "director"
        revoke_sessions(session=session, user_id=user.id)
        assert (
            identity_from_cookie(session=session, cookie=cookie, secret=secret, max_age_hours=1)
            is None
        )


@pytest.mark.parametrize("cookie", ["", "garbage", "eyJ1aWQiOjF9.forged.signature"])
def test_forged_or_empty_cookies_identify_nobody(context: AppContext, cookie: str) -> None:
    assert identity(context, cookie) is None


def test_cookie_signed_with_another_secret_is_refused(context: AppContext) -> None:
    with write_session(context.engine) as session:
        user = factories.staff(session)
        cookie = make_session_cookie(user, secret="another-secret-" + "y" * 40)
    assert identity(context, cookie) is None


@pytest.mark.parametrize(
    ("email", "role", "password", "key"),
    [
        ("x@example.org", "boss", "long enough pw", "errors.account.role"),
        ("not-an-email", "quality", "long enough pw", "errors.account.email"),
        ("x@example.org", "quality", "short", "errors.account.password"),
    ],
)
def test_bad_accounts_are_refused_with_a_reason(
    sqlite_context: AppContext, email: str, role: str, password: str, key: str
) -> None:
    with write_session(sqlite_context.engine) as session, pytest.raises(AccountError) as caught:
        create_user(session=session, email=email, role=role, password=password)
    assert caught.value.key == key
    assert caught.value.message("en") != caught.value.message("fr")


def test_a_second_account_with_the_same_email_is_refused(sqlite_context: AppContext) -> None:
    with write_session(sqlite_context.engine) as session:
        factories.staff(session, email="a@example.org")
    with write_session(sqlite_context.engine) as session, pytest.raises(AccountError):
        factories.staff(session, email="A@example.org")
