"""The server's outer guard on a small Starlette app: bodies, origins, framing headers."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket, WebSocketDisconnect

from surveys.http.guards import ServerGuard, allowed_origins, origin_of


async def echo(request: Request) -> PlainTextResponse:
    return PlainTextResponse(str(len(await request.body())))


async def stream(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text("hello")
    await websocket.close()


def guarded(base: str = "https://enquetes.example.org") -> TestClient:
    app = Starlette(
        routes=[Route("/echo", echo, methods=["POST"]), WebSocketRoute("/_stcore/stream", stream)],
        middleware=[Middleware(ServerGuard, public_base_url=base, max_body_bytes=1000)],
    )
    return TestClient(app, base_url=base)


def pieces(total: int, size: int = 100):
    for _ in range(total // size):
        yield b"x" * size


def test_bodies_within_the_limit_reach_the_route_whole_chunked_or_not() -> None:
    client = guarded()
    assert client.post("/echo", content=b"a=1").text == "3"
    assert client.post("/echo", content=pieces(1000)).text == "1000"


def test_a_larger_body_is_refused_in_french_by_default_and_in_english_on_request() -> None:
    client = guarded()
    refused = client.post("/echo", content=pieces(5000))
    assert refused.status_code == 413 and "Requête trop volumineuse" in refused.text
    english = client.post("/echo", content=b"x" * 2000, headers={"accept-language": "en-GB"})
    assert english.status_code == 413 and "Request too large" in english.text
    assert refused.headers["x-frame-options"] == "SAMEORIGIN"


@pytest.mark.parametrize(
    ("origin", "opens"),
    [
        ("https://enquetes.example.org", True),
        ("https://ENQUETES.example.org:443", True),
        ("http://enquetes.example.org", False),
        ("https://enquetes.example.org:8443", False),
        ("https://evil.example", False),
        ("null", False),
    ],
)
def test_the_staff_websocket_opens_only_for_the_apps_origin(origin: str, opens: bool) -> None:
    client = guarded()
    if opens:
        with client.websocket_connect("/_stcore/stream", headers={"origin": origin}) as socket:
            assert socket.receive_text() == "hello"
        return
    with (
        pytest.raises(WebSocketDisconnect),
        client.websocket_connect("/_stcore/stream", headers={"origin": origin}),
    ):
        pass


def test_loopback_names_of_the_same_port_are_one_origin() -> None:
    assert allowed_origins("http://localhost:8501") == {
        "http://localhost:8501",
        "http://127.0.0.1:8501",
        "http://[::1]:8501",
    }
    assert origin_of("http://127.0.0.1:9999/page") == "http://127.0.0.1:9999"
    assert origin_of("not a url") == ""
