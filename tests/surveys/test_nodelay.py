"""TCP_NODELAY on the listening socket: connections accepted by asyncio from a socket bound the
way Streamlit binds it (`socket.socket(family)`, protocol number 0) get Nagle off only when
the listener has it (asyncio's own per-connection setting skips protocol 0)."""

from __future__ import annotations

import asyncio
import socket

from streamlit.web.server.starlette.starlette_server import _bind_socket

from surveys.http.nodelay import disable_nagle_on_listeners, nodelay_is_set


async def accepted_nodelay(listener: socket.socket) -> bool:
    """Accept one real connection through asyncio (as uvicorn does) and read the option of
    the server side of it."""
    seen: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            seen.set_result(nodelay_is_set(transport.get_extra_info("socket")))
            transport.close()

    server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
    port = listener.getsockname()[1]
    _reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        return await asyncio.wait_for(seen, 10)
    finally:
        writer.close()
        server.close()


def streamlit_listener() -> socket.socket:
    return _bind_socket("127.0.0.1", 0, 16)


def test_a_listener_bound_like_streamlits_gives_connections_with_nagle_on() -> None:
    # The fault this module repairs: if Streamlit or asyncio fix it, this test says so.
    listener = streamlit_listener()
    assert listener.proto == 0
    assert asyncio.run(accepted_nodelay(listener)) is False


def test_after_the_fix_every_accepted_connection_has_nagle_off() -> None:
    listener = streamlit_listener()
    assert disable_nagle_on_listeners(listener.getsockname()[1]) == 1
    assert nodelay_is_set(listener)
    assert asyncio.run(accepted_nodelay(listener)) is True


def test_only_the_listener_on_the_given_port_is_touched() -> None:
    ours, other = streamlit_listener(), streamlit_listener()
    client = socket.create_connection(other.getsockname())  # a connected socket, not a listener
    try:
        assert disable_nagle_on_listeners(ours.getsockname()[1]) == 1
        assert not nodelay_is_set(other)
        assert not nodelay_is_set(client)
    finally:
        for sock in (ours, other, client):
            sock.close()


def test_no_listener_on_the_port_changes_nothing() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        unused = probe.getsockname()[1]
    assert disable_nagle_on_listeners(unused) == 0
