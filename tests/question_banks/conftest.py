"""Fixtures for the question bank tests: valid data to break, and files written in tmp_path."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

WriteBank = Callable[..., Path]


@pytest.fixture
def question_data() -> Callable[..., dict[str, Any]]:
    """A factory of valid question dicts; keyword arguments override or add fields."""

    def make(**fields: Any) -> dict[str, Any]:
        data = {
            "id": "demo-question",
            "type": "likert5",
            "text": {"fr": "Êtes-vous satisfait ?", "en": "Are you satisfied?"},
            "audiences": ["learner"],
            "timings": ["hot"],
            "indicators": [30],
        }
        return {**data, **fields}

    return make


@pytest.fixture
def write_bank(tmp_path: Path) -> WriteBank:
    """Write a bank file `<name>.yaml` holding these questions (or this raw text)."""

    def write(name: str = "demo", questions: list[Any] | None = None, raw: str | None = None):
        path = tmp_path / f"{name}.yaml"
        if raw is None:
            bank = {
                "bank": name,
                "theme": {"id": name, "label": {"fr": "Démo", "en": "Demo"}},
                "questions": questions or [],
            }
            raw = yaml.safe_dump(bank, allow_unicode=True, sort_keys=False)
        path.write_text(raw, encoding="utf-8")
        return path

    return write
