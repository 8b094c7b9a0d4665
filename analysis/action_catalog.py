"""The catalogue of recommended improvement actions, kept as data (`data/actions.yaml`).

Each action says which topics it answers: a question-bank theme, or one of the situations the
suggestion rules detect (`SITUATIONS`). A suggestion recommends the actions whose topics match
its own, most specific first. The file is validated when it is loaded: an unknown key, a
missing translation, an unknown topic or a duplicate id is an error naming the action.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from question_banks.problems import FAST_SAFE_LOADER
from question_banks.schema import LocalizedText

CATALOG_PATH = Path(__file__).resolve().parent / "data" / "actions.yaml"
SITUATIONS = (
    "response_rate",
    "solicitation",
    "complaints",
    "hot_cold",
    "trainer",
    "programme",
    "modality",
)
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class ActionCatalogError(ValueError):
    """The catalogue file is invalid; the message names the file and the action."""


def known_topics() -> frozenset[str]:
    from question_banks.loader import load_catalog

    return frozenset({theme.id for theme in load_catalog().themes} | set(SITUATIONS))


class CatalogAction(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=SLUG, max_length=60)
    title: LocalizedText
    description: LocalizedText
    topics: tuple[str, ...] = Field(min_length=1)
    indicators: tuple[int, ...] = Field(min_length=1)
    source: str = Field(min_length=1)

    @field_validator("topics")
    @classmethod
    def _topics_known(cls, topics: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(topics) - known_topics())
        if unknown:
            raise ValueError(f"unknown topic(s): {', '.join(unknown)}")
        return topics

    @field_validator("indicators")
    @classmethod
    def _qualiopi_indicators(cls, indicators: tuple[int, ...]) -> tuple[int, ...]:
        if any(not 1 <= value <= 32 for value in indicators):
            raise ValueError("Qualiopi indicators go from 1 to 32")
        return indicators


class ActionCatalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    actions: tuple[CatalogAction, ...] = Field(min_length=1)

    @field_validator("actions")
    @classmethod
    def _unique_ids(cls, actions: tuple[CatalogAction, ...]) -> tuple[CatalogAction, ...]:
        ids = [action.id for action in actions]
        duplicates = sorted({value for value in ids if ids.count(value) > 1})
        if duplicates:
            raise ValueError(f"duplicate action id(s): {', '.join(duplicates)}")
        return actions

    def get(self, action_id: str) -> CatalogAction:
        for action in self.actions:
            if action.id == action_id:
                return action
        raise KeyError(action_id)

    def recommend(self, topics: Sequence[str], *, limit: int = 4) -> tuple[str, ...]:
        """Ids of the actions answering `topics`: most topics matched first, then the earliest
        topic matched (topics are given most specific first), then the action with the fewest
        topics (the most dedicated), then catalogue order."""
        ranked = []
        for position, action in enumerate(self.actions):
            matched = [topics.index(topic) for topic in action.topics if topic in topics]
            if matched:
                ranked.append(
                    (-len(matched), min(matched), len(action.topics), position, action.id)
                )
        return tuple(item[-1] for item in sorted(ranked)[:limit])


def read_action_catalog(path: Path | str) -> ActionCatalog:
    path = Path(path)
    try:
        return ActionCatalog.model_validate(
            yaml.load(path.read_text(encoding="utf-8"), Loader=FAST_SAFE_LOADER)
        )
    except (yaml.YAMLError, ValidationError) as error:
        raise ActionCatalogError(f"{path.name}: {error}") from error


@cache
def load_action_catalog() -> ActionCatalog:
    """The shipped catalogue, read and validated once per process."""
    return read_action_catalog(CATALOG_PATH)
