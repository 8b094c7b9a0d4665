"""Fixtures of the analysis tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.demo_database import build_demo_database


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the demo organisation's SQLite database as of DEMO_NOW, built once per
    test module (the commands under test write their output beside it)."""
    folder = tmp_path_factory.mktemp("demo")
    build_demo_database(folder)
    return folder
