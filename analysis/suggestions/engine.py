"""Running the rules (`suggest`), reading their inputs, and writing suggestions out.

`gather_inputs` reads the period's frames (through `analysis.frames`) and the register's entries;
`suggest` runs every rule of `analysis.suggestions.rules.RULES`; `suggestion_dict` and
`suggestions_json` are what `python -m analysis suggestions --json` prints; `action_input`
drafts an improvement-plan entry from a suggestion.

Groups smaller than the organisation's small-group minimum are never compared or named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, fields, replace
from datetime import date
from typing import Any

import pandas as pd
import sqlalchemy as sa

from analysis.action_catalog import ActionCatalog, load_action_catalog
from analysis.frames import (
    AnalysisFilters,
    AnalysisFrames,
    apply_filters,
    load_frames,
    small_group_min,
)
from analysis.register import complaints_frame
from analysis.suggestions.model import SEVERITIES, RuleInputs, Suggestion, SuggestionSettings
from analysis.suggestions.pseudonyms import pseudonymise_trainers
from analysis.suggestions.rules import RULES
from analysis.suggestions.wording import plain_value
from analysis.text import free_text_answers, mark_quotable, tag_comments
from surveys.config import Settings, default_period  # noqa: F401  (re-exported)
from surveys.db import read_session
from surveys.improvement.actions import ActionInput
from surveys.improvement.complaints import list_complaints


def suggest(
    inputs: RuleInputs,
    settings: SuggestionSettings | None = None,
    catalog: ActionCatalog | None = None,
) -> list[Suggestion]:
    """Every rule's suggestions, the most severe first (then in rule order): stable."""
    settings = settings or SuggestionSettings()
    catalog = catalog or load_action_catalog()
    # the small-group rule: no comment of a campaign under the threshold is ever quoted
    comments = mark_quotable(inputs.comments, inputs.answers, settings.small_group_min)
    inputs = replace(inputs, comments=comments)
    found = [
        (SEVERITIES.index(item.severity), position, item.id, item)
        for position, (_name, rule) in enumerate(RULES)
        for item in rule(inputs, settings, catalog)
    ]
    return [item for *_keys, item in sorted(found, key=lambda entry: entry[:3])]


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _json_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_value(item) for item in value]
    return plain_value(value)


def suggestion_dict(item: Suggestion, catalog: ActionCatalog | None = None) -> dict[str, Any]:
    """A suggestion as plain JSON-ready data, with its texts in French and English."""
    catalog = catalog or load_action_catalog()
    evidence = asdict(item.evidence)
    return {
        "id": item.id,
        "rule": item.rule,
        "severity": item.severity,
        "theme": item.theme,
        "indicators": list(item.indicators),
        "title": {language: item.title(language) for language in ("fr", "en")},
        "explanation": {language: item.explanation(language) for language in ("fr", "en")},
        "evidence": _json_value(
            {"period": {"start": evidence.pop("start"), "end": evidence.pop("end")}, **evidence}
        ),
        "actions": [
            {"id": action_id, "title": catalog.get(action_id).title.model_dump()}
            for action_id in item.actions
        ],
    }


def suggestions_json(
    items: Sequence[Suggestion], *, start: date | None, end: date, settings: SuggestionSettings
) -> dict[str, Any]:
    """What `python -m analysis suggestions --json` prints."""
    catalog = load_action_catalog()
    return {
        "period": {"start": start.isoformat() if start else None, "end": end.isoformat()},
        "settings": asdict(settings),
        "count": len(items),
        "suggestions": [suggestion_dict(item, catalog) for item in items],
    }


def inputs_from_frames(
    frames: AnalysisFrames, register: pd.DataFrame, *, start: date | None, end: date, today: date
) -> RuleInputs:
    """The rules' inputs from frames already restricted to the period (`apply_filters`)."""
    return RuleInputs(
        **{item.name: getattr(frames, item.name) for item in fields(frames)},
        comments=tag_comments(free_text_answers(frames.answers)),
        complaints=register,
        start=start,
        end=end,
        today=today,
    )


def gather_inputs(*, engine: sa.Engine, start: date | None, end: date, today: date) -> RuleInputs:
    """The frames for the period (answers and campaigns inside it; solicitations whole, since
    coverage looks back), the tagged free text, and the register's entries of the period."""
    # read whole, then filtered in memory: coverage and hot-cold pairs look across the edges
    frames = apply_filters(load_frames(engine=engine), AnalysisFilters(start=start, end=end))
    with read_session(engine) as session:
        register = complaints_frame(list_complaints(session=session, start=start, end=end))
    return inputs_from_frames(frames, register, start=start, end=end, today=today)


def suggestion_settings(*, engine: sa.Engine, settings: Settings) -> SuggestionSettings:
    """The rules' thresholds, with the organisation's own small-group minimum."""
    return SuggestionSettings(small_group_min=small_group_min(engine=engine, settings=settings))


def action_input(
    item: Suggestion, *, owner: str, due_on: date | None, action_id: str = "", language: str = "fr"
) -> ActionInput:
    """An improvement-plan entry drafted from a suggestion (and one of its recommended
    actions): the action's title, the suggestion's explanation as description."""
    catalog = load_action_catalog()
    # the plan is read by directors and goes into the evidence pack: no trainer's name there
    item = pseudonymise_trainers([item])[0]
    chosen = catalog.get(action_id) if action_id else None
    title = chosen.title.get(language) if chosen else item.title(language)
    description = item.explanation(language)
    if chosen:
        description = f"{chosen.description.get(language)}\n\n{description}"
    return ActionInput(
        title=title[:200],
        owner=owner,
        due_on=due_on,
        theme=item.theme,
        description=description[:5000],
        origin=f"suggestion:{item.id}"[:120],
    )
