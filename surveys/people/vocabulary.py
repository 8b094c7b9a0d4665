"""The words organisations' files use: headers, stakeholder types, modalities, languages.

Matching ignores case, accents and punctuation (`normalise`), so "Date de début", "date debut"
and "DATE-DE-DEBUT" are one header. Each table maps a normalised word to the value we store.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


@lru_cache(maxsize=8192)  # files repeat the same words ("Stagiaire", "Hybride") on every row
def normalise(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: "Date de début" -> "date de debut"."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", bare.lower()).split())


def _synonyms(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {normalise(word): value for value, words in table.items() for word in words}


HEADER_SYNONYMS = _synonyms(
    {
        "last_name": (
            "nom",
            "nom de famille",
            "nom d'usage",
            "last name",
            "lastname",
            "surname",
            "family name",
            "name",
        ),
        "first_name": ("prénom", "prenom", "first name", "firstname", "given name"),
        "email": (
            "email",
            "e-mail",
            "courriel",
            "mail",
            "adresse e-mail",
            "adresse email",
            "adresse mail",
            "adresse électronique",
            "email address",
        ),
        "stakeholder_type": (
            "type",
            "rôle",
            "role",
            "profil",
            "catégorie",
            "categorie",
            "type de partie prenante",
            "partie prenante",
            "stakeholder",
            "stakeholder type",
        ),
        "organisation": (
            "organisation",
            "organization",
            "entreprise",
            "structure",
            "société",
            "employeur",
            "organisme",
            "company",
            "employer",
        ),
        "session_code": (
            "code session",
            "code de session",
            "session",
            "session code",
            "code",
            "n° session",
            "numéro de session",
            "id session",
        ),
        "programme": (
            "formation",
            "programme",
            "program",
            "intitulé de la formation",
            "intitulé formation",
            "intitulé",
            "training",
            "course",
        ),
        "start_date": ("date de début", "date début", "début", "start date", "start", "du"),
        "end_date": ("date de fin", "date fin", "fin", "end date", "end", "au"),
        "modality": ("modalité", "modalite", "modality", "mode", "format", "mode de formation"),
        "language": ("langue", "language", "lang"),
        "status": (
            "statut",
            "status",
            "état",
            "etat",
            "situation",
            "statut stagiaire",
            "statut de l'inscription",
            "enrolment status",
        ),
        "status_changed_on": (
            "date de statut",
            "date du statut",
            "date statut",
            "date de changement de statut",
            "status date",
            "status changed on",
        ),
    }
)
STAKEHOLDER_SYNONYMS = _synonyms(
    {
        "learner": (
            "apprenant",
            "apprenante",
            "stagiaire",
            "bénéficiaire",
            "beneficiaire",
            "participant",
            "participante",
            "alternant",
            "alternante",
            "learner",
            "trainee",
            "student",
            "apprenti",
            "apprentie",
        ),
        "financer": ("financeur", "financer", "funder", "opco", "france travail", "cpf"),
        "trainer": (
            "formateur",
            "formatrice",
            "intervenant",
            "intervenante",
            "trainer",
            "teacher",
            "équipe pédagogique",
            "equipe pedagogique",
            "tuteur",
            "tutrice",
        ),
        "company": (
            "entreprise",
            "employeur",
            "company",
            "employer",
            "client",
            "commanditaire",
            "entreprise d'accueil",
        ),
    }
)
MODALITY_SYNONYMS = _synonyms(
    {
        "onsite": (
            "présentiel",
            "presentiel",
            "sur site",
            "onsite",
            "on site",
            "in person",
            "face to face",
            "en présentiel",
        ),
        "remote": (
            "distanciel",
            "à distance",
            "a distance",
            "distance",
            "foad",
            "en ligne",
            "remote",
            "online",
            "e-learning",
            "elearning",
            "classe virtuelle",
        ),
        "hybrid": ("hybride", "mixte", "blended", "hybrid", "multimodal", "multimodale"),
    }
)
LANGUAGE_SYNONYMS = _synonyms(
    {
        "fr": ("fr", "français", "francais", "french", "fra"),
        "en": ("en", "anglais", "english", "eng", "gb", "uk"),
    }
)
