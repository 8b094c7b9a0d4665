"""Routes of the server itself: health (database reachable) and the shared stylesheet."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from surveys.rendering import ASSETS_DIR
from surveys.runtime import AppContext


def health(context: AppContext) -> Callable[[Request], Response]:
    def endpoint(_request: Request) -> Response:
        try:
            with context.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError:
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    return endpoint


def stylesheet(_request: Request) -> Response:
    return FileResponse(
        ASSETS_DIR / "site.css",
        media_type="text/css",
        headers={"Cache-Control": "public, max-age=3600"},
    )


def system_routes(context: AppContext) -> list[BaseRoute]:
    return [
        Route("/healthz", health(context), methods=["GET"]),
        Route("/assets/site.css", stylesheet, methods=["GET"]),
    ]
