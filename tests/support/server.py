"""The real server (`streamlit run streamlit_app.py`) on a free loopback port, for browser and
HTTP tests. Started as a subprocess with its own DATA_DIR and database."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_SECONDS = 60


@dataclass
class RunningServer:
    base_url: str
    process: subprocess.Popen
    env: dict[str, str]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def server_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    port = overrides.pop("PORT", None) or str(free_port())
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "PYTHONPATH": str(ROOT),
        "DISPATCHER": "off",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "SESSION_SECRET": "browser-test-secret-" + "s" * 32,
        "PORT": port,
    }
    env.pop("DATABASE_URL", None)
    env.update(overrides)
    return env


def run_python(
    env: dict[str, str], *args: str, check: bool = False, timeout: int = 300
) -> subprocess.CompletedProcess:
    """`python <args>` in a child process from the project root, with exactly `env`; its
    output captured as text. The caller checks the return code unless `check`."""
    captured = {"cwd": ROOT, "env": env, "capture_output": True, "text": True}
    return subprocess.run([sys.executable, *args], check=check, timeout=timeout, **captured)


def run_cli(
    env: dict[str, str], *args: str, check: bool = True, timeout: int = 300
) -> subprocess.CompletedProcess:
    """`python -m <args>` (a project command: `surveys demo`, `analysis report` ...)."""
    return run_python(env, "-m", *args, check=check, timeout=timeout)


def streamlit_command(port: int | str) -> list[str]:
    """The command that serves the staff app and the respondent routes on loopback `port`."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "streamlit_app.py"),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
    ]


def start_server(env: dict[str, str]) -> RunningServer:
    port = env["PORT"]
    command = streamlit_command(port)
    log = open(Path(env["DATA_DIR"]) / "server.log", "w")  # noqa: SIM115  (kept open for the process)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return RunningServer(base_url, process, env)
        except OSError:
            time.sleep(0.3)
        if process.poll() is not None:
            break
    process.kill()
    raise RuntimeError(f"server did not start: see {env['DATA_DIR']}/server.log")


@dataclass
class LiveServer:
    """Routes served in a thread (`serve_in_thread`) and the context they work on."""

    base_url: str
    context: Any  # surveys.runtime.AppContext


@contextmanager
def serve_in_thread(app: Any, port: int) -> Iterator[str]:
    """`app` (an ASGI app: the same Starlette routes as the real server) served by uvicorn in a
    thread on loopback `port`, no access log; yields its base URL, stops when the block ends."""
    import uvicorn

    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
