"""The server's outer guard: one ASGI middleware in front of everything (`st.App(middleware=)`).

- **Bodies**: a request to one of our routes (everything outside Streamlit's `/_stcore/`) with
  a body larger than `max_body_bytes` is answered 413 before any route reads it, chunked
  bodies included; at most `max_body_bytes` of a body is ever held in memory. (Routes keep
  their own, smaller limits: 4 KB for the login, 256 KB for an answer page.)
- **Origins**: the staff pages' websocket (`/_stcore/stream`) opens only for a page of the
  app's own origin (PUBLIC_BASE_URL; on a loopback address also its other loopback names).
  Streamlit's own check lets any port of the same host in, so it cannot do this alone.
- **Client address**: uvicorn (under Streamlit) already replaces the client's address with
  one from `X-Forwarded-For` when the connection comes from loopback (its FORWARDED_ALLOW_IPS
  default), which is read before our code is imported. The guard puts back a loopback peer
  in that case, so that only TRUSTED_PROXIES decide (`surveys.http.responses.client_address`).
- **Framing**: every response says `X-Frame-Options: SAMEORIGIN`, and `Content-Security-
  Policy: frame-ancestors 'self'` unless the route set its own policy (ours all include
  `frame-ancestors 'self'`): only our own pages may frame ours (the builder's preview).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from surveys.i18n import normalise_language, t

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY_BYTES = 512 * 1024
DRAIN_LIMIT_BYTES = 8 * 1024 * 1024
STREAMLIT_PREFIX = "/_stcore/"
WEBSOCKET_PATH = "/_stcore/stream"
BODYLESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def origin_of(url: str) -> str:
    """`scheme://host[:port]` in lower case, the default port left out ("" if unusable)."""
    parts = urlsplit(url.strip().lower())
    if not parts.scheme or not parts.hostname:
        return ""
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    try:
        port = parts.port
    except ValueError:
        return ""
    if port is None or port == DEFAULT_PORTS.get(parts.scheme):
        return f"{parts.scheme}://{host}"
    return f"{parts.scheme}://{host}:{port}"


def allowed_origins(public_base_url: str) -> frozenset[str]:
    """The app's own origin; on loopback, the same port under its other loopback names."""
    own = origin_of(public_base_url)
    parts = urlsplit(own)
    if not own or parts.hostname not in ("localhost", "127.0.0.1", "::1"):
        return frozenset({own} - {""})
    port = f":{parts.port}" if parts.port else ""
    return frozenset(f"{parts.scheme}://{name}{port}" for name in LOOPBACK_NAMES)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def _hop_host(hop: str) -> str:
    """The host of one `X-Forwarded-For` entry (`1.2.3.4`, `1.2.3.4:80`, `[::1]:80`)."""
    hop = hop.strip()
    if hop.startswith("["):
        return hop[1:].split("]")[0]
    return hop.split(":")[0] if hop.count(":") == 1 else hop


def _forwarded_hosts(scope: Scope) -> set[str]:
    return {
        _hop_host(hop)
        for key, value in scope.get("headers", [])
        if key == b"x-forwarded-for"
        for hop in value.decode("latin-1").split(",")
    }


def restore_peer(scope: Scope) -> None:
    """Undo uvicorn's rewrite of the client address from `X-Forwarded-For`: when the
    address it left is one of the forwarded ones, the real peer was one of the hosts uvicorn
    trusts (FORWARDED_ALLOW_IPS, loopback by default)."""
    client = scope.get("client")
    if not client:
        return
    forwarded = _forwarded_hosts(scope)
    if client[0] not in forwarded:
        return
    trusted = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1").split(",")[0].strip()
    scope["client"] = (trusted if trusted and trusted != "*" else "unknown", 0)


class ServerGuard:
    """See the module's docstring."""

    def __init__(
        self, app: ASGIApp, *, public_base_url: str, max_body_bytes: int = MAX_BODY_BYTES
    ) -> None:
        self.app = app
        self.origins = allowed_origins(public_base_url)
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            restore_peer(scope)
        if scope["type"] == "websocket":
            origin = _header(scope, b"origin")
            if origin is not None and origin_of(origin) not in self.origins:
                await send({"type": "websocket.close", "code": 1008})  # HTTP 403, no upgrade
                return
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _framing_headers(send)
        path, method = scope.get("path", ""), scope.get("method", "GET")
        if path.startswith(STREAMLIT_PREFIX) or method in BODYLESS_METHODS:
            await self.app(scope, receive, send)
            return
        body = await self._capped_body(scope, receive)
        if body is None:
            await _too_large(scope, send)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _capped_body(self, scope: Scope, receive: Receive) -> bytes | None:
        """The whole body if it fits, else None (what came is read and dropped, up to
        DRAIN_LIMIT_BYTES, so a browser gets our answer instead of a reset connection)."""
        declared = _header(scope, b"content-length") or ""
        if declared.isdigit() and int(declared) > DRAIN_LIMIT_BYTES:
            return None
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size <= self.max_body_bytes:
                chunks.append(chunk)
            else:
                chunks.clear()
            more = message.get("more_body", False) and size <= DRAIN_LIMIT_BYTES
        return b"".join(chunks) if size <= self.max_body_bytes else None


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: only a disconnect can come

    return replayed


def _framing_headers(send: Send) -> Send:
    async def framed(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            names = {key.lower() for key, _value in headers}
            if b"x-frame-options" not in names:
                headers.append((b"x-frame-options", b"SAMEORIGIN"))
            if b"content-security-policy" not in names:
                headers.append((b"content-security-policy", b"frame-ancestors 'self'"))
            message = {**message, "headers": headers}
        await send(message)

    return framed


async def _too_large(scope: Scope, send: Send) -> None:
    accept = _header(scope, b"accept-language") or ""
    language = normalise_language(accept.split(",")[0] if accept else None)
    body = t("errors.request_too_large", language).encode("utf-8")
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
