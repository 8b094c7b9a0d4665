"""Question-bank data for the tests that break it on purpose."""

from __future__ import annotations

from typing import Any

TEXT = {"fr": "Texte", "en": "Text"}


def template_data(**fields: Any) -> dict[str, Any]:
    """A valid survey template (hot, learner, one section of two shipped questions) as the YAML
    file holds it; `fields` override or add keys."""
    return {
        "id": "demo_template",
        "title": TEXT,
        "intro": TEXT,
        "closing": TEXT,
        "audience": "learner",
        "timing": "hot",
        "offset_days": 0,
        "sections": [
            {"id": "main", "title": TEXT, "questions": ["overall-satisfaction", "free-liked-most"]}
        ],
        **fields,
    }
