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
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from surveys.config import paris_day
from surveys.models import Answer, Campaign, Response

SEAL_BLOCK_BYTES = 4096
SEALED_KEY = "sealed"
_KEY_CONTEXT = b"qualiopi-surveys/anonymous-draft/v1"
_NONCE_BYTES = 12
_RESPONSE = Response.__table__  # type: ignore[attr-defined]
_ANSWER = Answer.__table__  # type: ignore[attr-defined]
_CAMPAIGN = Campaign.__table__  # type: ignore[attr-defined]
_RESPONSE_LIST = "id, campaign_id, survey_version_id, anonymous, language, submitted_on"
_ANSWER_LIST = "response_id, question_id, number, text"


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
    return paris_day(scheduled_at)


_SHUFFLED_RESPONSES = "tmp_anonymous_shuffle_response"
_SHUFFLED_ANSWERS = "tmp_anonymous_shuffle_answer"


def _reshuffle_statements(campaign_id: int) -> list[str]:
    """Set-based: copy the campaign's anonymous rows aside (temporary tables, in memory on
    SQLite), delete them, insert them back in a random order."""
    return [
        f"DROP TABLE IF EXISTS {_SHUFFLED_ANSWERS}",
        f"DROP TABLE IF EXISTS {_SHUFFLED_RESPONSES}",
        f"CREATE TEMPORARY TABLE {_SHUFFLED_RESPONSES} AS SELECT {_RESPONSE_LIST} FROM response"
        f" WHERE campaign_id = {int(campaign_id)} AND anonymous = TRUE",
        f"CREATE TEMPORARY TABLE {_SHUFFLED_ANSWERS} AS SELECT {_ANSWER_LIST} FROM answer"
        f" WHERE response_id IN (SELECT id FROM {_SHUFFLED_RESPONSES})",
        f"DELETE FROM answer WHERE response_id IN (SELECT id FROM {_SHUFFLED_RESPONSES})",
        f"DELETE FROM response WHERE id IN (SELECT id FROM {_SHUFFLED_RESPONSES})",
        f"INSERT INTO response ({_RESPONSE_LIST}) SELECT {_RESPONSE_LIST}"
        f" FROM {_SHUFFLED_RESPONSES} ORDER BY random()",
        f"INSERT INTO answer ({_ANSWER_LIST}) SELECT {_ANSWER_LIST}"
        f" FROM {_SHUFFLED_ANSWERS} ORDER BY random()",
        f"DROP TABLE {_SHUFFLED_ANSWERS}",
        f"DROP TABLE {_SHUFFLED_RESPONSES}",
    ]


def store_anonymous_response(
    connection: sa.Connection, response: dict[str, Any], answers: list[dict[str, Any]]
) -> None:
    """Insert an anonymous response, then rewrite all of its campaign's anonymous responses
    and answers in a random order (see the module's docstring). Submits to one campaign
    queue on its row (PostgreSQL; SQLite has one writer anyway)."""
    campaign_id = int(response["campaign_id"])
    connection.execute(
        sa.select(_CAMPAIGN.c.id).where(_CAMPAIGN.c.id == campaign_id).with_for_update()
    )
    connection.execute(sa.insert(_RESPONSE), [response])
    if answers:
        connection.execute(sa.insert(_ANSWER), answers)
    for statement in _reshuffle_statements(campaign_id):
        connection.exec_driver_sql(statement)
