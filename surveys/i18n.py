"""The one translation mechanism: every string a person reads comes from these catalogs.

Catalogs are YAML files under `surveys/locales/<language>/` (one file per area, e.g.
`core.yaml`, `respondent.yaml`), merged per language. French is the reference; English must
have the same keys and no key may be defined twice (tests check both). Keys are dotted paths
such as `login.title`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from question_banks.problems import FAST_SAFE_LOADER

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DEFAULT_LANGUAGE = "fr"
SUPPORTED_LANGUAGES = ("fr", "en")
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, path + "."))
        else:
            flat[path] = str(value)
    return flat


def catalog_files(language: str) -> list[Path]:
    return sorted((LOCALES_DIR / language).glob("*.yaml"))


def read_catalog_file(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as handle:
        return _flatten(yaml.load(handle, Loader=FAST_SAFE_LOADER) or {})


@cache
def catalog(language: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in catalog_files(language):
        merged.update(read_catalog_file(path))
    return merged


def normalise_language(language: str | None) -> str:
    code = (language or "").strip().lower()[:2]
    return code if code in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, language: str | None = DEFAULT_LANGUAGE, **params: Any) -> str:
    """The text for `key` in `language` (falling back to French), formatted with `params`."""
    lang = normalise_language(language)
    text = catalog(lang).get(key) or catalog(DEFAULT_LANGUAGE).get(key) or key
    return text.format(**params) if params else text


def label(kind: str, value: str, language: str | None = DEFAULT_LANGUAGE) -> str:
    """Human label of a vocabulary value, e.g. label("role", "learner") -> "Apprenant"."""
    return t(f"vocab.{kind}.{value}", language)


class TranslatableError(ValueError):
    """An error a person reads: raised with a catalog key, shown in the reader's language."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self, language: str | None = DEFAULT_LANGUAGE) -> str:
        return t(self.key, language, **self.params)

    def __str__(self) -> str:
        return self.message(DEFAULT_LANGUAGE)
