"""Schemathesis, a third-party property-based tester, runs every operation of the OpenAPI
document against the real server (`streamlit run streamlit_app.py`, demo data loaded), in
its coverage phase (edge and negative cases) and its fuzzing phase, with all of its checks:
no server error, every status code and header documented, every body matching its schema,
valid data accepted, invalid data and missing credentials refused."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from surveys.config import load_settings
from surveys.runtime import build_context
from tests.api.support import bearer, new_key
from tests.support.server import RunningServer, run_cli, server_env, start_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def api_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, str]]:
    data_dir: Path = tmp_path_factory.mktemp("api") / "data"
    env = server_env(data_dir, DEMO_DATA="off", API_RATE_PER_MINUTE="1000000")
    run_cli(env, "surveys", "demo")
    context = build_context(load_settings(env))
    key = new_key(context, "schemathesis")
    context.engine.dispose()
    server = start_server(env)
    try:
        yield server, key
    finally:
        server.stop()


@pytest.mark.timeout(1500)
def test_every_operation_holds_to_its_documented_contract(api_server, tmp_path: Path) -> None:
    server, key = api_server
    command = [
        *(sys.executable, "-m", "schemathesis.cli", "run"),
        f"{server.base_url}/api/v1/openapi.json",
        *("--header", f"Authorization: Bearer {key}"),
        *("--phases", "examples,coverage,fuzzing"),
        *("--checks", "all"),
        *("--max-examples", "25"),
        "--no-color",
    ]
    result = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=1200, check=False
    )
    report = result.stdout[-6000:] + result.stderr[-2000:]
    assert result.returncode == 0, report
    assert "12 selected / 12 total" in result.stdout, report
    assert " failed" not in result.stdout.split("SUMMARY")[-1], report


def test_the_document_lists_every_operation_and_needs_no_key(api_server) -> None:
    server, key = api_server
    document = httpx.get(f"{server.base_url}/api/v1/openapi.json", timeout=30).json()
    assert document["openapi"] == "3.1.0"
    operations = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }
    assert len(operations) == 12
    assert ("PUT", "/api/v1/people") in operations
    unknown = httpx.get(f"{server.base_url}/api/v1/nothing-here", headers=bearer(key), timeout=30)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
