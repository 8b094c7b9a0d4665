"""Request bodies read through a limit (chunked bodies included), never kept whole in memory."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request

from surveys.http.guards import DRAIN_LIMIT_BYTES

MAX_SMALL_FORM_BYTES = 4096


async def read_body(request: Request, limit: int) -> bytes | None:
    """The request body, or None when it exceeds `limit` bytes (never kept in memory).

    An oversized body is still read and thrown away up to `DRAIN_LIMIT_BYTES`, so that the
    browser finishes sending and shows our message instead of a reset connection.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > DRAIN_LIMIT_BYTES:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > DRAIN_LIMIT_BYTES:
            break
        if size <= limit:
            chunks.append(chunk)
    return b"".join(chunks) if size <= limit else None


async def read_small_form(request: Request) -> dict[str, str] | None:
    """The fields of a small urlencoded form (login, logout); None when it is too large."""
    body = await read_body(request, MAX_SMALL_FORM_BYTES)
    if body is None:
        return None
    pairs = parse_qsl(body.decode("utf-8", "replace"), max_num_fields=20)
    return dict(pairs)
