"""One translation mechanism: complete English catalog, no duplicate keys, placeholders kept."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from surveys.i18n import SUPPORTED_LANGUAGES, catalog, catalog_files, read_catalog_file, t


def test_english_has_exactly_the_french_keys() -> None:
    assert set(catalog("en")) == set(catalog("fr"))


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_no_key_is_defined_in_two_files(language: str) -> None:
    counts = Counter(key for path in catalog_files(language) for key in read_catalog_file(path))
    assert [key for key, seen in counts.items() if seen > 1] == []


def test_translations_keep_the_same_placeholders() -> None:
    placeholder = re.compile(r"{(\w+)}")
    english = catalog("en")
    for key, french in catalog("fr").items():
        assert set(placeholder.findall(french)) == set(placeholder.findall(english[key])), key


def test_unknown_language_falls_back_to_french() -> None:
    assert t("login.title", "de") == t("login.title", "fr") == "Connexion"
    assert t("login.title", "en") == "Log in"
