"""Limits on guessing, counted in the database so every web replica sees the same counts.

Two limits use it: invalid answer links per client address (`surveys/respondent/security.py`)
and failed staff logins per address across accounts (`surveys/staff/routes.py`). Each failure is one
`abuse_event` row; a limit counts the rows of one address in a sliding window. Once an address
is over its limit no more rows are written for it, and rows older than the window are deleted
when a new one is written, so the table stays small whatever an attacker sends.

The client address is the connection's peer, or, only when that peer is one of
`TRUSTED_PROXIES`, the nearest untrusted address of `X-Forwarded-For` (read from the right: a
client can put anything on the left). IPv6 addresses count by their /64 network, the block one
subscriber gets.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from surveys.models import AbuseEvent

EVENTS = AbuseEvent.__table__  # type: ignore[attr-defined]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_FORWARDED_HOPS = 20


@dataclass(frozen=True)
class SlidingLimit:
    """At most `limit` failures of one kind (`scope`) per address within `window_seconds`."""

    scope: str
    limit: int
    window_seconds: float

    def _since(self, now: datetime) -> datetime:
        return now - timedelta(seconds=self.window_seconds)

    def retry_after(self, connection: sa.Connection, subject: str, now: datetime) -> int:
        """Seconds this address must wait; 0 while it is under the limit."""
        count, oldest = connection.execute(
            sa.select(sa.func.count(), sa.func.min(EVENTS.c.at)).where(
                EVENTS.c.scope == self.scope,
                EVENTS.c.subject == subject,
                EVENTS.c.at > self._since(now),
            )
        ).one()
        if count < self.limit:
            return 0
        if oldest.tzinfo is None:  # SQLite's aggregate skips the column type
            oldest = oldest.replace(tzinfo=now.tzinfo)
        ends = oldest + timedelta(seconds=self.window_seconds)
        return max(1, math.ceil((ends - now).total_seconds()))

    def record(self, connection: sa.Connection, subject: str, now: datetime) -> None:
        """Count one failure (and forget this kind's failures older than the window)."""
        connection.execute(
            sa.delete(EVENTS).where(EVENTS.c.scope == self.scope, EVENTS.c.at <= self._since(now))
        )
        connection.execute(sa.insert(EVENTS).values(scope=self.scope, subject=subject, at=now))

    def check_and_record(self, connection: sa.Connection, subject: str, now: datetime) -> int:
        """One more failure: the wait if the address was already over the limit (then
        nothing is written), else 0 after counting it."""
        wait = self.retry_after(connection, subject, now)
        if not wait:
            self.record(connection, subject, now)
        return wait


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, proxies: Sequence[Network]):
    return any(address in network for network in proxies)


def client_subject(peer: str | None, forwarded_for: str, proxies: Sequence[Network]) -> str:
    """The address a limit counts for this request (see the module's docstring)."""
    address = _address(peer or "")
    if address is None:
        return (peer or "unknown")[:64]
    if _trusted(address, proxies):
        hops = [hop for hop in forwarded_for.split(",") if hop.strip()][-MAX_FORWARDED_HOPS:]
        for hop in reversed(hops):
            forwarded = _address(hop)
            if forwarded is None:
                break  # garbage: believe no further than the last good proxy
            address = forwarded
            if not _trusted(forwarded, proxies):
                break
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
