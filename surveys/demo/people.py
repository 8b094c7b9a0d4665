"""The demo's people: trainers, financers, company contacts and learners, as Core rows."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from surveys.demo.organisation import (
    COMPANY_NAMES,
    FINANCERS,
    FIRST_NAMES,
    LAST_NAMES,
    TRAINERS,
)

ENGLISH_SPEAKER_EVERY = 25  # one learner in 25 reads English


def slug(text: str) -> str:
    """A name as it reads in an e-mail address (no accents, no spaces)."""
    table = str.maketrans("éèêëàâîïôöûüçÉÈÎ'’ ", "eeeeaaiioouucEEI---")
    return text.translate(table).lower()


def _person(
    first: str, last: str, kind: str, email: str, organisation: str, now: datetime
) -> dict[str, Any]:
    return {
        "first_name": first,
        "last_name": last,
        "stakeholder_type": kind,
        "email": email,
        "organisation": organisation,
        "language": "fr",
        "created_at": now,
    }


def _learners(
    rng: random.Random, count: int, companies: tuple[str, ...], now: datetime
) -> list[dict[str, Any]]:
    learners = []
    for index in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"{slug(first)}.{slug(last)}.{index:03d}@apprenants.example.org"
        row = _person(first, last, "learner", email, rng.choice(companies), now)
        row["language"] = "en" if index % ENGLISH_SPEAKER_EVERY == 0 else "fr"
        learners.append(row)
    return learners


def people_rows(
    rng: random.Random, now: datetime, *, learners: int
) -> dict[str, list[dict[str, Any]]]:
    """Every person of the demo by stakeholder type, in the order their ids are given."""
    team = "Équipe pédagogique"
    trainers = [
        _person(
            first, last, "trainer", f"{slug(first)}.{slug(last)}@formateurs.example.org", team, now
        )
        for first, last in TRAINERS
    ]
    financers = [
        _person(
            "Service",
            "Relations OF",
            "financer",
            f"relations-of@{slug(name).replace('.', '')}.example.org",
            name,
            now,
        )
        for name in FINANCERS
    ]
    companies = [
        _person(
            rng.choice(FIRST_NAMES),
            rng.choice(LAST_NAMES),
            "company",
            f"rh@{slug(name)}.example.org",
            name,
            now,
        )
        for name in COMPANY_NAMES
    ]
    return {
        "trainer": trainers,
        "financer": financers,
        "company": companies,
        "learner": _learners(rng, learners, COMPANY_NAMES, now),
    }
