"""The two tokens of a session link, derived like answer links (`surveys.tokens`).

- The learners' token is short enough to type from a projected slide: 16 characters of
  Crockford's base32 (80 bits; no i, l, o, u; case and 0/O, 1/I/L confusions forgiven).
  Guessing one is hopeless (2^80) and invalid ones are counted per address anyway.
- The trainer's projection token is a full 256-bit one: nobody types it.

Both are HMAC-SHA256 of the link's random salt under a key derived from SESSION_SECRET; the
database holds the salt and their SHA-256, so staff can show a link again but nobody can
compute one from the database alone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from surveys.tokens import hash_token

SHORT_TOKEN_LENGTH = 16
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
_FORGIVEN = str.maketrans({"o": "0", "i": "1", "l": "1"})


def _key(session_secret: str) -> bytes:
    return hashlib.sha256(b"session-links|" + session_secret.encode()).digest()


def _digest(purpose: str, salt: str, session_secret: str) -> bytes:
    message = f"{purpose}|{salt}".encode()
    return hmac.new(_key(session_secret), message, hashlib.sha256).digest()


def room_token(*, salt: str, session_secret: str) -> str:
    """The learners' short token (what the QR code and the printed sheet carry)."""
    number = int.from_bytes(_digest("room", salt, session_secret)[:10], "big")
    return "".join(
        _CROCKFORD[(number >> (5 * index)) & 31] for index in reversed(range(SHORT_TOKEN_LENGTH))
    )


def projection_token(*, salt: str, session_secret: str) -> str:
    digest = _digest("projection", salt, session_secret)
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def normalise_room_token(value: str) -> str | None:
    """A typed short token in its canonical form, or None when it cannot be one."""
    cleaned = value.strip().lower().replace("-", "").translate(_FORGIVEN)
    if len(cleaned) != SHORT_TOKEN_LENGTH or not set(cleaned) <= set(_CROCKFORD):
        return None
    return cleaned


def token_hashes(*, salt: str, session_secret: str) -> tuple[str, str]:
    """(hash of the room token, hash of the projection token), as stored."""
    return (
        hash_token(room_token(salt=salt, session_secret=session_secret)),
        hash_token(projection_token(salt=salt, session_secret=session_secret)),
    )


def room_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/s/{token}"


def projection_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/p/{token}"
