"""API keys: created and revoked by an admin, shown once, stored hashed, rate-limited.

Why SHA-256 and not argon2 like passwords: a key is 256 random bits, not something a person
chose, so nobody can guess it from its hash however fast the hash is; a fast hash lets every
call find its key with one index lookup (argon2 would cost tens of milliseconds per call and
need a per-key salt, so no index). The key's first characters are kept to recognise it.

The rate limit counts calls per key and per minute in `api_rate_window` with one upsert, so
it holds across web replicas sharing the database.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from surveys.audit import record, save_with_audit
from surveys.config import paris_day
from surveys.i18n import TranslatableError
from surveys.models import API_SCOPES, ApiKey, ApiRateWindow

KEY_PREFIX = "qsk_"
PREFIX_SHOWN = 12
NAME_MAX_LENGTH = 120
_RATE = ApiRateWindow.__table__  # type: ignore[attr-defined]
_KEYS = ApiKey.__table__  # type: ignore[attr-defined]


class ApiKeyError(TranslatableError):
    """A key could not be created or revoked; the message says why."""


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(
    *, session: Session, name: str, scopes: list[str], actor: str, now: datetime
) -> tuple[ApiKey, str]:
    """A new key: (its row, the key itself, to show once and never again)."""
    name = " ".join(name.split())
    if not name:
        raise ApiKeyError("api.errors.key_name_missing")
    if len(name) > NAME_MAX_LENGTH:
        raise ApiKeyError("api.errors.key_name_long", limit=NAME_MAX_LENGTH)
    chosen = [scope for scope in API_SCOPES if scope in scopes]
    if not chosen or len(chosen) != len(set(scopes)):
        raise ApiKeyError("api.errors.key_scopes")
    if session.exec(select(ApiKey.id).where(ApiKey.name == name)).first() is not None:
        raise ApiKeyError("api.errors.key_name_taken", name=name)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(
        name=name,
        key_hash=hash_key(key),
        prefix=key[:PREFIX_SHOWN],
        scopes=chosen,
        created_by=actor,
        created_at=now,
    )
    save_with_audit(session, row, actor=actor, action="api.key_create", kind="api_key", at=now)
    return row, key


def revoke_key(*, session: Session, key_id: int, actor: str, now: datetime) -> ApiKey:
    row = session.get(ApiKey, key_id)
    if row is None:
        raise ApiKeyError("api.errors.key_missing")
    if row.revoked_at is None:
        row.revoked_at = now
        session.add(row)
        record(session, actor=actor, action="api.key_revoke", target=f"api_key:{key_id}", at=now)
    return row


def list_keys(*, session: Session) -> list[ApiKey]:
    return list(session.exec(select(ApiKey).order_by(ApiKey.revoked_at.is_not(None), ApiKey.name)))


@dataclass(frozen=True)
class Caller:
    """Who is calling, as far as the key says (status 200 = may proceed)."""

    status: int
    code: str = ""
    key_id: int | None = None
    name: str = ""
    retry_after: int = 0


def bearer_key(header: str | None) -> str:
    scheme, _, value = (header or "").strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def _count_call(connection: sa.Connection, key_id: int, window: int) -> int:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(_RATE)
        .values(key_id=key_id, window_start=window, calls=1)
        .on_conflict_do_update(
            index_elements=["key_id", "window_start"], set_={"calls": _RATE.c.calls + 1}
        )
        .returning(_RATE.c.calls)
    )
    calls = connection.execute(statement).scalar_one()
    if calls == 1:  # a new minute: forget the old ones
        connection.execute(
            sa.delete(_RATE).where(_RATE.c.key_id == key_id, _RATE.c.window_start < window - 5)
        )
    return calls


def identify(
    connection: sa.Connection,
    *,
    header: str | None,
    scope: str,
    now: datetime,
    per_minute: int,
) -> Caller:
    """Check the bearer key, its scope and its rate, in the caller's write transaction."""
    key = bearer_key(header)
    if not key.startswith(KEY_PREFIX):
        return Caller(401, "unauthorized")
    row = connection.execute(
        sa.select(_KEYS.c.id, _KEYS.c.name, _KEYS.c.key_hash, _KEYS.c.scopes, _KEYS.c.revoked_at)
        .select_from(_KEYS)
        .where(_KEYS.c.key_hash == hash_key(key))
    ).first()
    if row is None:
        return Caller(401, "unauthorized")
    if row.revoked_at is not None:
        return Caller(401, "revoked", row.id, row.name)
    seconds = int(now.timestamp())
    if _count_call(connection, row.id, seconds // 60) > per_minute:
        return Caller(429, "rate_limited", row.id, row.name, retry_after=60 - seconds % 60)
    connection.execute(
        sa.update(_KEYS)
        .where(
            _KEYS.c.id == row.id,
            sa.or_(_KEYS.c.last_used_on.is_(None), _KEYS.c.last_used_on != paris_day(now)),
        )
        .values(last_used_on=paris_day(now))
    )
    if scope not in (row.scopes or []):
        return Caller(403, "forbidden", row.id, row.name)
    return Caller(200, "", row.id, row.name)
