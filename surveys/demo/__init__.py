"""Demo data: a believable French training organisation, with true signals in its answers.

It also leaves work to do: sessions ending in the coming weeks (their surveys are still to be
sent) and recently invited people who have not answered (reminders are due). Everything is
drawn from a seeded generator, so two loads give the same organisation. Bulk inserts go through
SQLAlchemy Core (the ORM is 10x slower for this).

The wing, one room per kind of row: `organisation` (names, settings, staff accounts),
`scale` (standard or large), `people`, `sessions`, `plans` (published surveys and their
plans), `campaigns` (invitations, messages, responses), `answers` (the planted signals),
`improvement` (indicators 31 and 32), `builder` (bulk Core inserts) and `loader`
(`load_demo`, which puts them together).
"""

from surveys.demo.answers import (
    DROPPING_PROGRAMME,
    WEAK_THEME,
    WEAK_TRAINER_EMAIL,
    WEAK_TRAINER_THEMES,
)
from surveys.demo.builder import DEMO_SEED
from surveys.demo.loader import DemoAlreadyLoaded, DemoSummary, load_demo
from surveys.demo.organisation import (
    COMPANY_NAMES,
    DEMO_STAFF,
    FINANCERS,
    PROGRAMMES,
    TRAINERS,
)
from surveys.demo.scale import LARGE, SCALES, STANDARD, DemoScale

__all__ = [
    "COMPANY_NAMES",
    "DEMO_SEED",
    "DEMO_STAFF",
    "DROPPING_PROGRAMME",
    "FINANCERS",
    "LARGE",
    "PROGRAMMES",
    "SCALES",
    "STANDARD",
    "TRAINERS",
    "WEAK_THEME",
    "WEAK_TRAINER_EMAIL",
    "WEAK_TRAINER_THEMES",
    "DemoAlreadyLoaded",
    "DemoScale",
    "DemoSummary",
    "load_demo",
]
