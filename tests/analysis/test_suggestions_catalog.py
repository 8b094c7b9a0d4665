"""The recommended-actions catalogue: data, validated when loaded, drawn from the guide."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.action_catalog import (
    ActionCatalogError,
    load_action_catalog,
    read_action_catalog,
)

VALID_ACTION = """
  - id: {id}
    title: {{fr: "Titre", en: "Title"}}
    description: {{fr: "Description", en: "Description"}}
    topics: [{topics}]
    indicators: [{indicators}]
    source: "Guide AINOA"
"""


def catalogue(tmp_path: Path, *actions: dict) -> Path:
    path = tmp_path / "actions.yaml"
    body = "".join(
        VALID_ACTION.format(
            **{"id": "a", "topics": "technical_support", "indicators": "32", **action}
        )
        for action in actions
    )
    path.write_text("actions:" + body, encoding="utf-8")
    return path


def test_the_shipped_catalogue_holds_the_good_practices_of_the_guide() -> None:
    ids = {action.id for action in load_action_catalog().actions}
    assert {
        "help-centre-hotline",
        "complaint-procedure",
        "ticketing-tool",
        "lms-evolution",
        "software-updates",
        "equipment",
        "lms-benchmark",
        "innovation-newsletter",
        "accessibility-in-modules",
        "replays",
        "trainer-tool-training",
        "update-content-after-debriefs",
        "reminder-policy",
        "reminder-channels",
        "financer-yearly-solicitation",
        "financer-webinars",
    } <= ids


def test_every_shipped_action_reads_in_french_and_english_and_cites_its_source() -> None:
    for action in load_action_catalog().actions:
        assert action.title.fr != action.title.en or action.title.fr.isupper()
        assert action.description.fr and action.description.en and action.source


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        (({"topics": "weather"},), "unknown topic(s): weather"),
        (({"indicators": "33"},), "from 1 to 32"),
        (({"id": "Bad Id"},), "id"),
        (({}, {}), "duplicate action id(s): a"),
    ],
)
def test_a_broken_catalogue_is_refused_naming_the_file_and_the_problem(
    tmp_path: Path, actions: tuple[dict, ...], message: str
) -> None:
    with pytest.raises(ActionCatalogError) as refusal:
        read_action_catalog(catalogue(tmp_path, *actions))
    assert "actions.yaml" in str(refusal.value)
    assert message in str(refusal.value)


def test_a_missing_translation_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "actions.yaml"
    path.write_text(
        catalogue(tmp_path, {}).read_text().replace('en: "Title"', 'en: ""'), encoding="utf-8"
    )
    with pytest.raises(ActionCatalogError, match="missing English text"):
        read_action_catalog(path)


@pytest.mark.parametrize(
    ("topics", "first"),
    [
        (["technical_support", "complaints"], "help-centre-hotline"),
        (["response_rate"], "reminder-policy"),
        (["trainer", "trainer_digital_mastery", "virtual_classroom"], "trainer-tool-training"),
        (["trainer", "trainer_digital_mastery"], "trainer-peer-support"),
        (["hot_cold", "transfer_to_work"], "transfer-follow-up"),
        (["accessibility"], "accessibility-in-modules"),
    ],
)
def test_recommendations_put_the_most_specific_action_first(topics: list[str], first: str) -> None:
    assert load_action_catalog().recommend(topics)[0] == first
