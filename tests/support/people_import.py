"""The people-import tests' French export and how they run an import (in-process and by the
command line), shared by the import test modules."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from sqlmodel import func, select

from surveys.db import read_session
from surveys.models import Enrolment, Person, Programme, TrainingSession
from surveys.people.reading import guess_mapping, read_table
from surveys.people.report import ImportReport
from surveys.people.writing import import_people
from surveys.runtime import AppContext
from tests.support.demo_database import context_environment
from tests.support.server import run_cli

FRENCH_HEADER = (
    "Nom;Prénom;Courriel;Rôle;Entreprise;Code session;Formation;Date de début;"
    "Date de fin;Modalité;Langue"
)
FRENCH_ROWS = (
    "Lefèvre;Éloïse;eloise.lefevre@example.org;Stagiaire;Garonne Bâtiment;DW-2611;"
    "Développeur web;02/11/2026;27/11/2026;Hybride;Français",
    "Dupont;Noël;NOEL.DUPONT@example.org;apprenant;Canal Informatique;DW-2611;"
    "Développeur web;02/11/2026;27/11/2026;hybride;",
    "Service;Relations OF;relations@opco.example.org;Financeur;OPCO Atlas;DW-2611;"
    "Développeur web;02/11/2026;27/11/2026;Hybride;fr",
    "Moreau;Claire;claire.moreau@example.org;Formatrice;Équipe pédagogique;DW-2611;"
    "Développeur web;02/11/2026;27/11/2026;Hybride;anglais",
    "Martin;Zoé;zoe.martin@exemple;Stagiaire;;DW-2611;Développeur web;02/11/2026;"
    "27/11/2026;Hybride;",
    "Petit;Hugo;hugo.petit@example.org;Visiteur;;DW-2611;Développeur web;02/11/2026;"
    "27/11/2026;Hybride;",
    "Roux;Léa;lea.roux@example.org;Stagiaire;;PAIE-2612;Gestionnaire de paie;31/02/2026;"
    "27/12/2026;Distanciel;",
    "Garnier;Inès;;Stagiaire;;DW-2611;Développeur web;02/11/2026;27/11/2026;Hybride;",
)


def run_import(
    context: AppContext, data: bytes, name: str = "export.csv", **options: Any
) -> ImportReport:
    """Import `data` (a file named `name`) with the guessed mapping; `options` go to
    `import_people` (dry_run, now)."""
    table = read_table(data, name)
    return import_people(
        engine=context.engine,
        table=table,
        mapping=guess_mapping(table.headers),
        actor="test",
        **options,
    )


def counts(context: AppContext) -> dict[str, int]:
    """How many people, sessions, programmes and enrolments the database holds."""
    with read_session(context.engine) as session:
        return {
            model.__tablename__: session.exec(select(func.count()).select_from(model)).one()
            for model in (Person, TrainingSession, Programme, Enrolment)
        }


def cli(context: AppContext, path: Path) -> subprocess.CompletedProcess[str]:
    """`python -m surveys import-people PATH` on `context`'s database (return code unchecked)."""
    env = context_environment(context)
    return run_cli(env, "surveys", "import-people", str(path), check=False, timeout=120)
