"""What keeps an anonymous response unlinkable to the person who wrote it.

- **Sealed drafts.** Until the final submit, an anonymous survey's answers are saved under the
  invitation (so the person can resume), but encrypted (AES-GCM) with a key derived from the
  answer link's token, which the database never holds, and padded to a multiple of
  `SEAL_BLOCK_BYTES`: neither the database, nor a backup, nor the person's export can read a
  draft or match it (even by its length) with the response it becomes.
- **No order, no clock.** The response is dated with its campaign's first day, not the day it
  was sent, and each anonymous submit writes every anonymous response of the campaign again,
  with their answers, in a random order and in the same transaction: row ids, physical order
  and transaction stamps then say only when the campaign last received an answer, never which
  response came when.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from surveys.config import DISPLAY_TIMEZONE
from surveys.models import Answer, Response

SEAL_BLOCK_BYTES = 4096
SEALED_KEY = "sealed"
_KEY_CONTEXT = b"qualiopi-surveys/anonymous-draft/v1"
_NONCE_BYTES = 12
_RESPONSE = Response.__table__  # type: ignore[attr-defined]
_ANSWER = Answer.__table__  # type: ignore[attr-defined]
_RESPONSE_COLUMNS = ("id", "campaign_id", "survey_version_id", "anonymous", "language")
_ANSWER_COLUMNS = ("response_id", "question_id", "number", "text")


def draft_key(token: str) -> bytes:
    """The key of a link's sealed draft: derived from the token, which is never stored."""
    return hmac.new(token.encode(), _KEY_CONTEXT, hashlib.sha256).digest()


def seal(answers: dict[str, Any], key: bytes) -> dict[str, str]:
    """The draft as stored: `{"sealed": base64(nonce + ciphertext)}`, padded to a block."""
    plain = json.dumps(answers, ensure_ascii=False, separators=(",", ":")).encode()
    padded = plain + b" " * (-len(plain) % SEAL_BLOCK_BYTES)
    nonce = os.urandom(_NONCE_BYTES)
    sealed = nonce + AESGCM(key).encrypt(nonce, padded, None)
    return {SEALED_KEY: base64.b64encode(sealed).decode("ascii")}


def is_sealed(stored: Any) -> bool:
    return isinstance(stored, dict) and set(stored) == {SEALED_KEY}


def unseal(stored: Any, key: bytes | None) -> dict[str, Any]:
    """The draft's answers; a plain (older) draft is returned as it is, an unreadable one as
    nothing (the person starts again rather than seeing an error)."""
    if not is_sealed(stored):
        return dict(stored or {})
    if key is None:
        return {}
    try:
        raw = base64.b64decode(stored[SEALED_KEY])
        plain = AESGCM(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], None)
        answers = json.loads(plain.decode())
    except (InvalidTag, ValueError):
        return {}
    return answers if isinstance(answers, dict) else {}


def campaign_day(scheduled_at: datetime) -> date:
    """The date every anonymous response of a campaign carries: the campaign's first day."""
    return scheduled_at.astimezone(DISPLAY_TIMEZONE).date()


def store_anonymous_response(
    connection: sa.Connection, response: dict[str, Any], answers: list[dict[str, Any]]
) -> None:
    """Insert an anonymous response and rewrite all of its campaign's anonymous responses and
    answers in a random order (see the module's docstring)."""
    campaign_id, day = response["campaign_id"], response["submitted_on"]
    ids = sa.select(_RESPONSE.c.id).where(
        _RESPONSE.c.campaign_id == campaign_id, _RESPONSE.c.anonymous.is_(True)
    )
    responses = [
        dict(row._mapping)
        for row in connection.execute(
            sa.select(*(_RESPONSE.c[name] for name in _RESPONSE_COLUMNS)).where(
                _RESPONSE.c.id.in_(ids)
            )
        )
    ]
    kept = [
        dict(row._mapping)
        for row in connection.execute(
            sa.select(*(_ANSWER.c[name] for name in _ANSWER_COLUMNS)).where(
                _ANSWER.c.response_id.in_(ids)
            )
        )
    ]
    connection.execute(sa.delete(_ANSWER).where(_ANSWER.c.response_id.in_(ids)))
    connection.execute(sa.delete(_RESPONSE).where(_RESPONSE.c.id.in_(ids)))
    responses = [{**row, "submitted_on": day} for row in [*responses, response]]
    everything = [*kept, *({name: row[name] for name in _ANSWER_COLUMNS} for row in answers)]
    shuffle = secrets.SystemRandom().shuffle
    shuffle(responses)
    shuffle(everything)
    connection.execute(sa.insert(_RESPONSE), responses)
    if everything:
        connection.execute(sa.insert(_ANSWER), everything)
