"""The API's Starlette routes under /api/v1, mounted in the one server (`st.App(routes=...)`).

Each call: the body is read with the respondent routes' cap (chunked bodies included, never
kept past the limit); then, in one write transaction, the key is checked (401 unknown or
revoked, 429 over its rate with Retry-After, 403 without the operation's scope) and the call
is audit-logged under the key's name. Writes run in that same transaction; reads run after
it, and their outcome is logged in a second short one. Unknown paths under /api/v1 answer a
JSON 404 (405 for a known path with another method), never the Streamlit page shell.
"""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from api.keys import Caller, identify
from api.openapi import openapi_document
from api.operations import MAX_BULK_BODY_BYTES, MAX_ID, OPERATIONS, PREFIX, Call, Operation
from api.reads import AnonymousSurvey, NotFound
from surveys.audit import record
from surveys.db import write_session
from surveys.http.bodies import read_body
from surveys.http.responses import request_language
from surveys.i18n import t
from surveys.models import utc_now
from surveys.runtime import AppContext

log = logging.getLogger("api.routes")
HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def _json(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(payload, status_code=status, headers={**HEADERS, **(headers or {})})


def error(status: int, code: str, language: str, **extra: Any) -> Response:
    fields = extra.pop("fields", [])
    headers = extra.pop("headers", None)
    message = t(f"api.errors.{code}", language, **extra)
    return _json(status, {"error": {"code": code, "message": message, "fields": fields}}, headers)


def _path_params(operation: Operation, request: Request) -> dict[str, Any] | None:
    values: dict[str, Any] = {}
    for name, kind in operation.path_params:
        raw = str(request.path_params.get(name, ""))
        if kind == "integer":
            if not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
                return None
            values[name] = int(raw)
        elif not 1 <= len(raw) <= 120:
            return None
        else:
            values[name] = raw
    return values


class Endpoint:
    """One operation's route: read, authorise, run, log."""

    def __init__(self, context: AppContext, operation: Operation) -> None:
        self.context, self.operation = context, operation

    async def __call__(self, request: Request) -> Response:
        language = request_language(request)
        body = None
        if self.operation.writes:
            body = await read_body(request, MAX_BULK_BODY_BYTES)
            if body is None:
                return error(413, "too_large", language)
        try:
            return await run_in_threadpool(self.handle, request, language, body)
        except Exception as failure:  # never a traceback to the caller, never their data in logs
            frames = "".join(traceback.format_tb(failure.__traceback__))
            log.error(
                "API %s failed with %s\n%s",
                self.operation.operation_id,
                type(failure).__name__,
                frames,
            )
            return error(500, "server_error", language)

    def _caller(self, session: Any, request: Request) -> Caller:
        return identify(
            session.connection(),
            header=request.headers.get("authorization"),
            scope=self.operation.scope,
            now=utc_now(),
            per_minute=self.context.settings.api_rate_per_minute,
        )

    def _audit(self, session: Any, caller: Caller, status: int, **details: Any) -> None:
        record(
            session,
            actor=f"api:{caller.name}",
            action="api.call" if status < 400 else "api.refused",
            target=f"{self.operation.method} {self.operation.path}",
            details={"status": status, "operation": self.operation.operation_id, **details},
        )

    def _refusal(self, session: Any, caller: Caller, language: str) -> Response:
        if caller.key_id is not None:  # an unknown key has no name to log
            self._audit(session, caller, caller.status, reason=caller.code)
        headers = {"Retry-After": str(caller.retry_after)} if caller.status == 429 else None
        extra = {"headers": headers} if headers else {}
        if caller.status == 401:
            extra["headers"] = {"WWW-Authenticate": "Bearer"}
        return error(caller.status, caller.code, language, **extra)

    def handle(self, request: Request, language: str, body: bytes | None) -> Response:
        now = utc_now()
        with write_session(self.context.engine) as session:
            caller = self._caller(session, request)
            if caller.status != 200:
                return self._refusal(session, caller, language)
            params = _path_params(self.operation, request)
            if params is None:
                self._audit(session, caller, 404)
                return error(404, "not_found", language)
            call = Call(self.context, language, now, f"api:{caller.name}", params)
            if self.operation.writes:
                return self._write(session, caller, call, body or b"")
        return self._read(caller, call)

    def _write(self, session: Any, caller: Caller, call: Call, body: bytes) -> Response:
        assert self.operation.body is not None
        try:
            call.body = self.operation.body.model_validate_json(body)
        except ValidationError as invalid:
            fields = [".".join(map(str, item["loc"])) or "body" for item in invalid.errors()]
            self._audit(session, caller, 422, fields=fields[:20])
            return error(422, "invalid_body", call.language, fields=fields[:50])
        call.session = session
        result = self.operation.run(call)
        counts = getattr(result, "counts", None)
        self._audit(session, caller, 200, **(counts.model_dump() if counts else {}))
        return self._ok(result)

    def _read(self, caller: Caller, call: Call) -> Response:
        try:
            result: BaseModel | None = self.operation.run(call)
            status, code = 200, ""
        except NotFound:
            result, status, code = None, 404, "not_found"
        except AnonymousSurvey:
            result, status, code = None, 409, "anonymous"
        with write_session(self.context.engine) as session:
            self._audit(session, caller, status)
        return self._ok(result) if result is not None else error(status, code, call.language)

    def _ok(self, result: BaseModel) -> Response:
        return _json(200, result.model_dump(mode="json"))


class AnyText(Convertor[str]):
    """Like Starlette's `path`, but also across line breaks: an id holding an encoded CR or
    LF must reach our JSON answers, not fall through to the page shell's plain 404."""

    regex = r"[\s\S]*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("api_any", AnyText())


def _route_path(operation: Operation) -> str:
    return operation.path.replace("{external_id}", "{external_id:api_any}")


_KNOWN = [
    (re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", op.path) + "$"), op.method) for op in OPERATIONS
]


def fallback(request: Request) -> Response:
    """Anything else under /api/v1: 405 on a known path, else 404 (as JSON)."""
    language = request_language(request)
    allowed = sorted({method for pattern, method in _KNOWN if pattern.match(request.url.path)})
    if allowed:
        return error(405, "method", language, headers={"Allow": ", ".join(allowed)})
    return error(404, "not_found", language)


def openapi(_request: Request) -> Response:
    return _json(200, openapi_document())


ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]


def api_routes(context: AppContext) -> list[BaseRoute]:
    routes: list[BaseRoute] = [Route(f"{PREFIX}/openapi.json", openapi, methods=["GET"])]
    routes += [
        Route(_route_path(op), Endpoint(context, op).__call__, methods=[op.method])
        for op in OPERATIONS
    ]
    routes.append(Route(PREFIX + "/{rest:api_any}", fallback, methods=ALL_METHODS))
    return routes
