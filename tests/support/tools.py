"""Required tools: tests skip loudly without them on a developer machine, and fail in CI.

`REQUIRE_ALL_TOOLS=1` (set by `.ci/run` and by `make test` on a machine where it installed the
tools) turns every such skip into a failure, so CI can never go green by not running a test.
"""

from __future__ import annotations

import os

import pytest


def missing_tool(what: str, how: str) -> None:
    message = f"{what} is not available: {how}"
    if os.environ.get("REQUIRE_ALL_TOOLS") == "1":
        pytest.fail(f"REQUIRED TOOL MISSING — {message}", pytrace=False)
    pytest.skip(f"NOT RUN — {message}")
