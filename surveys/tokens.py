"""Answer-link tokens: unguessable, never stored, recomputable for reminders.

A token is an HMAC-SHA256 of a random per-invitation salt (128 bits), keyed by a
key derived from SESSION_SECRET: 256 bits, which nobody can compute without the secret. The
database keeps only the SHA-256 of the token (to find the invitation from a link) and the salt
(so a reminder can carry the same link). Changing the salt gives a person a new link and kills
the old one.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets

TOKEN_SALT_BYTES = 16


def new_salt() -> str:
    return secrets.token_hex(TOKEN_SALT_BYTES)


@functools.lru_cache(maxsize=8)
def _link_key(session_secret: str) -> bytes:
    return hashlib.sha256(b"answer-links|" + session_secret.encode()).digest()


def make_token(*, salt: str, session_secret: str) -> str:
    message = f"invitation|{salt}".encode()
    digest = hmac.new(_link_key(session_secret), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(value: str) -> bool:
    """Cheap shape check before touching the database (43 url-safe base64 characters)."""
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    return len(value) == 43 and set(value) <= allowed
