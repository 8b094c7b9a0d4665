"""A throwaway PostgreSQL server for the test session (initdb + pg_ctl on loopback)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.support.ports import free_port


@dataclass
class PostgresServer:
    data_dir: Path
    port: int
    bin_dir: Path
    as_postgres: bool

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        _run(
            self,
            [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "immediate", "stop"],
            check=False,
        )
        shutil.rmtree(self.data_dir, ignore_errors=True)


def find_bin_dir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for candidate in candidates:
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _run(server: PostgresServer, command: list[str], check: bool = True) -> None:
    if server.as_postgres:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=check, capture_output=True, timeout=60)


def start_postgres() -> PostgresServer | None:
    """Start a server in a temporary folder, or None when PostgreSQL is not installed."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        return None
    as_postgres = os.geteuid() == 0  # PostgreSQL refuses to run as root
    data_dir = Path(tempfile.mkdtemp(prefix="pgtest-"))
    if as_postgres:
        shutil.chown(data_dir, user="postgres")
    server = PostgresServer(data_dir, free_port(), bin_dir, as_postgres)
    _run(
        server,
        [
            str(bin_dir / "initdb"),
            "-D",
            str(data_dir),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        ],
    )
    options = f"-p {server.port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off"
    _run(
        server,
        [
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data_dir),
            "-o",
            options,
            "-w",
            "-l",
            str(data_dir / "log"),
            "start",
        ],
    )
    return server
