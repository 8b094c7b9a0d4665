"""TCP_NODELAY on the server's listening socket, so that no response waits 40 ms in the kernel.

uvicorn (under Streamlit 1.67) writes a response in two parts: its head, then its body. On a
kept-alive connection the second, small write waits for the client's ACK of the first
(Nagle's algorithm), and the client delays that ACK by about 40 ms (delayed ACK): every
request after the first on a connection took 41-48 ms, whatever the route (measured with
`wrk -c1`: 22 req/s on `/_stcore/health`; 2,000 req/s with `Connection: close`).

asyncio turns Nagle off on every connection it accepts, but only when the socket's protocol
number is `IPPROTO_TCP`, and Streamlit binds its listening socket with `socket.socket(family)`,
whose protocol number is 0: the check fails silently. Connections inherit TCP_NODELAY from
their listening socket (Linux, macOS and the BSDs), so setting it once on the listener, before
the first connection is accepted, fixes every connection, the staff websocket included.

The listener is found among the process's open file descriptors (the server binds it before
it imports the app and runs its lifespan, and keeps no public reference to it).
"""

from __future__ import annotations

import contextlib
import os
import socket
import stat
from pathlib import Path

FD_FOLDERS = (Path("/proc/self/fd"), Path("/dev/fd"))


def _open_descriptors() -> list[int]:
    for folder in FD_FOLDERS:
        with contextlib.suppress(OSError):
            return sorted(int(name) for name in os.listdir(folder) if name.isdigit())
    return []


def _is_listener_on(sock: socket.socket, port: int) -> bool:
    return (
        sock.family in (socket.AF_INET, socket.AF_INET6)
        and sock.type == socket.SOCK_STREAM
        and sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) == 1
        and sock.getsockname()[1] == port
    )


def _set_on_descriptor(descriptor: int, port: int) -> bool:
    try:
        if not stat.S_ISSOCK(os.fstat(descriptor).st_mode):
            return False
        copy = socket.socket(fileno=os.dup(descriptor))
    except OSError:
        return False
    with copy:  # closes the duplicate only: the option belongs to the shared socket
        try:
            if not _is_listener_on(copy, port):
                return False
            copy.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            return False
    return True


def disable_nagle_on_listeners(port: int) -> int:
    """Set TCP_NODELAY on every TCP socket of this process listening on `port`; returns how
    many (0 under AppTest or when the server was started some other way)."""
    return sum(_set_on_descriptor(descriptor, port) for descriptor in _open_descriptors())


def nodelay_is_set(sock: socket.socket) -> bool:
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
