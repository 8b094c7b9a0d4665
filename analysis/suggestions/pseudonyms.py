"""Trainers named by a letter: what the evidence pack (which directors download) shows.

Results per trainer serve the quality team's follow-up (indicators 21-22: the trainers'
skills); they are computed only from groups of at least the small-group minimum and shown
by name only to the roles of `analysis.frames.TRAINER_RESULT_ROLES`. Anywhere else a trainer
becomes "Formateur A", "Formateur B"... (in the order the suggestions come), and the comments
quoted from their sessions are left out, since a comment may name them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from string import ascii_uppercase

from analysis.suggestions.model import Suggestion
from analysis.suggestions.wording import Pseudonym


def _letter(position: int) -> str:
    letters = ascii_uppercase
    return letters[position] if position < len(letters) else f"{position + 1}"


def names_a_trainer(item: Suggestion) -> bool:
    return item.params.get("dimension") == "trainer"


def pseudonymise_trainers(items: Sequence[Suggestion]) -> list[Suggestion]:
    """The suggestions with every trainer's name replaced by a letter."""
    letters: dict[str, Pseudonym] = {}
    chosen = []
    for item in items:
        if not names_a_trainer(item):
            chosen.append(item)
            continue
        name = str(item.params.get("group", ""))
        letter = letters.setdefault(name, Pseudonym(_letter(len(letters))))
        evidence = replace(item.evidence, groups=(letter, *item.evidence.groups[1:]), verbatims=())
        params = {**item.params, "group": letter}
        chosen.append(replace(item, subject=f"trainer:{letter}", params=params, evidence=evidence))
    return chosen
