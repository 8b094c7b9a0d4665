"""Peak memory of the real server under an attack of chunked POST bodies.

    .venv/bin/python benchmarks/body_limit_bench.py [--clients 4] [--fields 300] [--rounds 2]

Starts the real server (`streamlit run streamlit_app.py`, fresh SQLite database, no demo
data) on a free loopback port, measures its resident memory at rest, then lets `--clients`
unauthenticated clients each send `--rounds` chunked POSTs (no Content-Length) of `--fields`
fields of 1 MB, alternately to `/auth/login` and `/auth/logout`, while the server's RSS is
sampled every 20 ms. Prints the resting and peak RSS, their difference, the statuses seen and
the megabytes offered. Target (hardening issue): peak under 150 MB.
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.server import RunningServer, run_cli, server_env, start_server  # noqa: E402

FIELD_BYTES = 1_000_000  # 1 MB, under Starlette's own 1 MiB limit per form field


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0.0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.02)


def chunked_post(port: int, path: str, fields: int) -> str:
    """One chunked POST of `fields` fields of 1 MB; the status line's code, or how it ended."""
    field = b"x" * FIELD_BYTES
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=120) as connection:
            connection.sendall(head.encode())
            for number in range(fields):
                chunk = b"f%d=" % number + field + b"&"
                connection.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
            connection.sendall(b"0\r\n\r\n")
            reply = connection.recv(200)
    except OSError as error:  # the server answered early and closed: the body was refused
        return f"closed ({type(error).__name__})"
    return reply.split(b" ", 2)[1].decode() if reply else "closed (empty)"


def attack(server: RunningServer, clients: int, fields: int, rounds: int) -> Counter[str]:
    port = int(server.env["PORT"])
    statuses: Counter[str] = Counter()
    lock = threading.Lock()

    def client(number: int) -> None:
        for round_number in range(rounds):
            path = "/auth/login" if (number + round_number) % 2 == 0 else "/auth/logout"
            status = chunked_post(port, path, fields)
            with lock:
                statuses[f"{path} {status}"] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--fields", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = server_env(Path(folder), DEMO_DATA="off")
        run_cli(env, "surveys", "init")
        server = start_server(env)
        try:
            time.sleep(2)
            resting = rss_mb(server.process.pid)
            sampler = Sampler(server.process.pid)
            sampler.start()
            started = time.monotonic()
            statuses = attack(server, args.clients, args.fields, args.rounds)
            elapsed = time.monotonic() - started
            time.sleep(0.5)
            sampler.running = False
            sampler.join()
        finally:
            server.stop()
    offered = args.clients * args.rounds * args.fields
    print(f"attack: {args.clients} clients x {args.rounds} chunked POSTs x {args.fields} MB")
    print(f"offered: {offered} MB in {elapsed:.1f} s")
    print(f"server RSS at rest: {resting:.0f} MB")
    print(f"server RSS peak:    {sampler.peak:.0f} MB (+{sampler.peak - resting:.0f} MB)")
    print(f"target: peak < 150 MB -> {'met' if sampler.peak < 150 else 'NOT met'}")
    for status, count in sorted(statuses.items()):
        print(f"  {status}: {count}")


if __name__ == "__main__":
    main()
