"""Anti-forgery values for the respondent's forms, and the slow-down of invalid links.

Anti-forgery: each form carries an HMAC of (purpose, token, section) keyed by a key derived
from SESSION_SECRET. Another site cannot compute it without the token, and the value changes
per form, so a post meant for one section cannot be replayed as another. No cookie is needed:
respondents have no session.

Slow-down: `InvalidLinkThrottle` counts invalid tokens per client address in memory, per
process. Past `limit` failures within `window_seconds`, the address is answered 429 with a
Retry-After and no database lookup until its oldest failure leaves the window. Valid links never
count. Limits of the in-memory design: each server process counts on its own (several replicas
multiply the allowance), a restart forgets, and behind a reverse proxy every client shares the
proxy's address unless the server is told to trust forwarded headers. Guessing is hopeless
anyway (tokens are 256-bit); this stops noise and enumeration scripts cheaply.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

INVALID_LINKS_PER_WINDOW = 20
INVALID_LINK_WINDOW_SECONDS = 600
MAX_TRACKED_ADDRESSES = 10_000


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


class InvalidLinkThrottle:
    """Per-address count of invalid links in a sliding window (thread-safe, bounded memory)."""

    def __init__(
        self,
        *,
        limit: int = INVALID_LINKS_PER_WINDOW,
        window_seconds: float = INVALID_LINK_WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self.clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, address: str, now: float) -> deque[float]:
        failures = self._failures.get(address, deque())
        while failures and failures[0] <= now - self.window_seconds:
            failures.popleft()
        return failures

    def retry_after(self, address: str) -> int:
        """Seconds this address must wait; 0 when it may try a link now."""
        with self._lock:
            now = self.clock()
            failures = self._recent(address, now)
            if len(failures) < self.limit:
                return 0
            return max(1, int(failures[0] + self.window_seconds - now) + 1)

    def record_failure(self, address: str) -> None:
        with self._lock:
            now = self.clock()
            failures = self._recent(address, now)
            failures.append(now)
            self._failures[address] = failures
            self._failures.move_to_end(address)
            while len(self._failures) > MAX_TRACKED_ADDRESSES:
                self._failures.popitem(last=False)
