"""Anti-forgery values for the respondent's forms, and the slow-down of invalid links.

Anti-forgery: each form carries an HMAC of (purpose, token, section) keyed by a key derived
from SESSION_SECRET. Another site cannot compute it without the token, and the value changes
per form, so a post meant for one section cannot be replayed as another. No cookie is needed:
respondents have no session.

Slow-down of guessing: invalid tokens are counted per client address in the database
(`surveys.http.limits`, so every replica counts the same). A link is always looked up first: a
valid link opens whatever its address did, so a training room, an office or a virtual class
behind one address is never punished for someone's typos or an attacker next door. Past
`INVALID_LINKS_PER_WINDOW` invalid tokens in `INVALID_LINK_WINDOW_SECONDS`, further invalid
tokens from that address are answered 429 with a Retry-After (and no longer counted), which
stops enumeration scripts from learning anything cheaply. Guessing is hopeless anyway
(tokens are 256-bit). Behind a reverse proxy, set TRUSTED_PROXIES so that each client counts
for itself and no client can pretend to be another.
"""

from __future__ import annotations

import hashlib
import hmac

from surveys.http.limits import SlidingLimit

INVALID_LINKS_PER_WINDOW = 20
INVALID_LINK_WINDOW_SECONDS = 600


def _form_key(session_secret: str) -> bytes:
    return hashlib.sha256(b"respondent-forms|" + session_secret.encode()).digest()


def form_guard(*, session_secret: str, token: str, purpose: str, section: int = 0) -> str:
    """The anti-forgery value of one form (e.g. purpose "section", "unsubscribe")."""
    message = f"{purpose}|{section}|{token}".encode()
    return hmac.new(_form_key(session_secret), message, hashlib.sha256).hexdigest()


def guard_is_valid(
    value: str, *, session_secret: str, token: str, purpose: str, section: int = 0
) -> bool:
    expected = form_guard(
        session_secret=session_secret, token=token, purpose=purpose, section=section
    )
    return hmac.compare_digest(expected, value or "")


def invalid_link_limit(
    limit: int = INVALID_LINKS_PER_WINDOW, window_seconds: float = INVALID_LINK_WINDOW_SECONDS
) -> SlidingLimit:
    """The limit on invalid tokens per address (tests pass a smaller one)."""
    return SlidingLimit("invalid_link", limit, window_seconds)
