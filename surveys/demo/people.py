"""The demo's people: trainers, financers, company contacts and learners, as Core rows."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from surveys.demo.organisation import FINANCERS, FIRST_NAMES, LAST_NAMES, TRAINERS
from surveys.demo.scale import DemoScale, company_names, financer_names

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


def _trainers(rng: random.Random, count: int, now: datetime) -> list[dict[str, Any]]:
    team = "Équipe pédagogique"
    rows = [
        _person(
            first, last, "trainer", f"{slug(first)}.{slug(last)}@formateurs.example.org", team, now
        )
        for first, last in TRAINERS
    ]
    for index in range(len(TRAINERS), count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"{slug(first)}.{slug(last)}.{index:03d}@formateurs.example.org"
        rows.append(_person(first, last, "trainer", email, team, now))
    return rows


def _financers(names: tuple[str, ...], now: datetime) -> list[dict[str, Any]]:
    rows = []
    for index, name in enumerate(names):
        domain = slug(name).replace(".", "")
        email = (
            f"relations-of@{domain}.example.org"
            if index < len(FINANCERS)
            else f"relations-of-{index:03d}@financeurs.example.org"
        )
        rows.append(_person("Service", "Relations OF", "financer", email, name, now))
    return rows


def people_rows(
    rng: random.Random, now: datetime, scale: DemoScale
) -> dict[str, list[dict[str, Any]]]:
    """Every person of the demo by stakeholder type, in the order their ids are given."""
    companies = company_names(scale)
    trainers = _trainers(rng, scale.trainers, now)
    financers = _financers(financer_names(scale), now)
    contacts = [
        _person(
            rng.choice(FIRST_NAMES),
            rng.choice(LAST_NAMES),
            "company",
            f"rh@{slug(name)}.example.org",
            name,
            now,
        )
        for name in companies
    ]
    return {
        "trainer": trainers,
        "financer": financers,
        "company": contacts,
        "learner": _learners(rng, scale.learners, companies, now),
    }
