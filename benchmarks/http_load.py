"""HTTP load on loopback for the benchmarks: `wrk` (C, light on CPU) when installed, else a
minimal asyncio HTTP/1.1 keep-alive client (heavier: compare ratios, not absolute figures).

Both keep their connections alive, as browsers do, and report requests per second and the
latency percentiles of all requests of the run.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Figures:
    label: str
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Target:
    path: str
    method: str = "GET"
    body: str = ""


WRK_SCRIPT = """
local targets = {%s}
local counter = 0
request = function()
  counter = counter + 1
  local target = targets[(counter %% #targets) + 1]
  if target[2] == "" then
    return wrk.format("GET", target[1])
  end
  return wrk.format("POST", target[1],
    {["Content-Type"] = "application/x-www-form-urlencoded"}, target[2])
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %%d %%d %%.1f %%.1f %%.1f %%d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), errors))
end
"""


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def run_wrk(
    label: str, base_url: str, targets: list[Target], connections: int, seconds: int
) -> Figures:
    entries = ", ".join(
        f"{{{_lua_string(t.path)}, {_lua_string(t.body if t.method == 'POST' else '')}}}"
        for t in targets
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % entries)
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            script.name,
            base_url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    line = next(row for row in output.splitlines() if row.startswith("RESULT"))
    requests, duration_us, p50, p95, p99, errors = line.split()[1:]
    return Figures(
        label,
        int(requests),
        int(duration_us) / 1e6,
        float(p50) / 1000,
        float(p95) / 1000,
        float(p99) / 1000,
        int(errors),
    )


def _request_bytes(target: Target, host: str) -> bytes:
    lines = [f"{target.method} {target.path} HTTP/1.1", f"Host: {host}"]
    if target.method == "POST":
        body = target.body.encode()
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> int:
    """One request on a kept-alive connection; returns the status code."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status


def run_asyncio(
    label: str, base_url: str, targets: list[Target], connections: int, seconds: int
) -> Figures:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams (lighter than any full HTTP
    library, still far heavier than wrk: use it only to compare routes within one run)."""
    host, port = base_url.removeprefix("http://").split(":")
    latencies: list[float] = []
    errors = 0

    async def worker(number: int, stop: float) -> None:
        nonlocal errors
        request = _request_bytes(targets[number % len(targets)], f"{host}:{port}")
        reader, writer = await asyncio.open_connection(host, int(port))
        while time.monotonic() < stop:
            started = time.perf_counter()
            status = await _exchange(reader, writer, request)
            latencies.append(time.perf_counter() - started)
            errors += status >= 400
        writer.close()

    async def main() -> float:
        started = time.monotonic()
        await asyncio.gather(*(worker(n, started + seconds) for n in range(connections)))
        return time.monotonic() - started

    elapsed = asyncio.run(main())
    latencies.sort()

    def percentile(share: float) -> float:
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000

    return Figures(
        label, len(latencies), elapsed, percentile(0.50), percentile(0.95), percentile(0.99), errors
    )


Runner = Callable[[str, str, list[Target], int, int], Figures]


def pick_client(choice: str) -> tuple[str, Runner]:
    """`auto` takes wrk when it is installed."""
    if choice == "auto":
        choice = "wrk" if shutil.which("wrk") else "asyncio"
        if choice == "asyncio":
            print(
                "wrk not found: install it with `apt-get install -y wrk` for lighter load "
                "generation; using the minimal asyncio client instead."
            )
    return choice, run_wrk if choice == "wrk" else run_asyncio
