"""The demo's answers, drawn from a seeded generator around the signals it plants.

Planted signals (the analysis and the suggestions must find them):
- the technical support theme scores low everywhere (`WEAK_THEME`);
- the "Développeur web" programme drops between hot and cold surveys (`DROPPING_PROGRAMME`);
- one trainer (Bruno Lefèvre) scores below the others on digital mastery and virtual classes;
- learners who drop out mostly name their workload and connection problems
  (`DROPOUT_CAUSE_WEIGHTS`), the causes proper to distance training.
"""

from __future__ import annotations

import random
from typing import Any

WEAK_THEME = "technical_support"
DROPPING_PROGRAMME = "DEV-WEB"
WEAK_TRAINER_EMAIL = "bruno.lefevre@formateurs.example.org"
HOT_ANSWER_RATE = 0.72
COLD_ANSWER_RATE = 0.48
OTHER_AUDIENCE_ANSWER_RATE = 0.8
FINANCER_ANSWER_RATE = 0.6
DROPOUT_ANSWER_RATE = 0.65
DROPOUT_CAUSES_QUESTION = "dropout-causes"
DROPOUT_TEXT_QUESTION = "dropout-free-text"
DROPOUT_CAUSE_WEIGHTS = {
    "workload": 6,
    "connection": 5,
    "remote_support": 3,
    "personal": 3,
    "pace": 2,
    "equipment": 1,
    "content": 1,
    "other": 1,
}
DROPOUT_COMMENTS = (
    "Avec mon poste à temps plein, je n'arrivais plus à suivre les modules le soir.",
    "Ma connexion à la campagne coupait pendant chaque classe virtuelle.",
    "J'aurais eu besoin qu'un formateur me rappelle quand j'ai pris du retard.",
    "Un déménagement imprévu, je reprendrai la formation l'an prochain.",
    "Le rythme des séances à distance était trop soutenu pour moi.",
)
BASE_MEAN = 4.15
THEME_SHIFT = {WEAK_THEME: -1.35, "accessibility": -0.2, "lms_ergonomics": -0.15}
COLD_DROP = 1.0
WEAK_TRAINER_SHIFT = -1.1
WEAK_TRAINER_THEMES = ("trainer_digital_mastery", "virtual_classroom", "overall_satisfaction")
COMMENTS = {
    "positive": (
        "Formation très claire, le formateur était disponible et à l'écoute.",
        "Les replays des classes virtuelles m'ont beaucoup aidé à rattraper une séance.",
        "Très bon équilibre entre les séances à distance et les journées en présentiel.",
        "Contenus concrets, directement applicables dans mon poste.",
        "La plateforme est simple à prendre en main, merci pour le guide de démarrage.",
    ),
    "support": (
        "Impossible de joindre la hotline quand j'avais un problème de connexion.",
        "Le support technique a mis plus d'une semaine à résoudre mon bug sur la plateforme.",
        "Je n'ai pas trouvé qui contacter en cas de problème technique.",
        "Mes identifiants ne fonctionnaient pas et personne n'a répondu à mon mail.",
        "L'assistance technique est trop lente, j'ai perdu deux jours de formation.",
    ),
    "trainer": (
        "Le formateur avait du mal avec l'outil de classe virtuelle, beaucoup de temps perdu.",
        "Les salles de sous-groupes n'ont jamais fonctionné pendant les séances.",
        "Son et partage d'écran souvent coupés pendant la classe virtuelle.",
    ),
    "cold": (
        "Avec le recul, j'ai peu appliqué ce que j'ai appris : il manquait des cas pratiques.",
        "Trois mois après, j'aurais aimé un suivi ou des ressources complémentaires.",
        "J'utilise aujourd'hui les outils vus en formation chaque semaine.",
    ),
}


def answer_rate(audience: str, timing: str, scope: str = "completed") -> float:
    """How many of those invited answer: learners less often cold than hot, and those who
    dropped out less often than those who stayed."""
    if scope == "dropped_out":
        return DROPOUT_ANSWER_RATE
    if audience == "financer":
        return FINANCER_ANSWER_RATE
    if audience != "learner":
        return OTHER_AUDIENCE_ANSWER_RATE
    return HOT_ANSWER_RATE if timing == "hot" else COLD_ANSWER_RATE


def _sample_likert(rng: random.Random, mean: float) -> int:
    value = rng.gauss(min(max(mean, 1.0), 5.0), 0.8)
    return int(min(5, max(1, round(value))))


def _sample_nps(rng: random.Random, mean: float) -> int:
    return int(min(10, max(0, round(rng.gauss(mean * 2.1, 1.4)))))


def _comment(rng: random.Random, *, timing: str, weak_trainer: bool) -> str | None:
    if rng.random() < 0.45:
        return None
    roll = rng.random()
    if roll < 0.35:
        pool = COMMENTS["support"]
    elif weak_trainer and roll < 0.6:
        pool = COMMENTS["trainer"]
    elif timing == "cold" and roll < 0.75:
        pool = COMMENTS["cold"]
    else:
        pool = COMMENTS["positive"]
    return rng.choice(pool)


def _mean(theme: str, *, timing: str, programme: str, weak_trainer: bool) -> float:
    mean = BASE_MEAN + THEME_SHIFT.get(theme, 0.0)
    if timing == "cold" and programme == DROPPING_PROGRAMME:
        mean -= COLD_DROP
    if weak_trainer and theme in WEAK_TRAINER_THEMES:
        mean += WEAK_TRAINER_SHIFT
    return mean


def _dropout_causes(rng: random.Random) -> list[str]:
    """One or two causes, the usual ones more often."""
    causes, weights = list(DROPOUT_CAUSE_WEIGHTS), list(DROPOUT_CAUSE_WEIGHTS.values())
    first = rng.choices(causes, weights)[0]
    second = rng.choices(causes, weights)[0] if rng.random() < 0.4 else first
    return sorted({first, second})


def _row(question_id: str, *, number: int | None = None, text: str | None = None) -> dict:
    # Every row has the same keys, so Core sends them in one executemany.
    return {"question_id": question_id, "number": number, "text": text}


def _answers_to(
    rng: random.Random, question: dict[str, Any], mean: float, *, timing: str, weak_trainer: bool
) -> list[dict[str, Any]]:
    """The answer rows (without their response) of one question."""
    kind, question_id = question["type"], question["id"]
    if question_id == DROPOUT_CAUSES_QUESTION:
        return [_row(question_id, text=cause) for cause in _dropout_causes(rng)]
    if question_id == DROPOUT_TEXT_QUESTION:
        return [_row(question_id, text=rng.choice(DROPOUT_COMMENTS))] if rng.random() < 0.6 else []
    if kind == "likert5":
        return [_row(question_id, number=_sample_likert(rng, mean))]
    if kind == "nps":
        return [_row(question_id, number=_sample_nps(rng, mean))]
    if kind == "yes_no":
        return [_row(question_id, text="yes" if rng.random() < mean / 5.0 else "no")]
    if kind in ("single_choice", "multi_choice"):
        values = [option["value"] for option in question.get("options") or []]
        picks = rng.sample(values, k=1 if kind == "single_choice" else min(2, len(values)))
        return [_row(question_id, text=value) for value in picks]
    text = _comment(rng, timing=timing, weak_trainer=weak_trainer)
    return [_row(question_id, text=text)] if text else []


def answer_rows(
    rng: random.Random,
    questions: list[dict[str, Any]],
    *,
    timing: str,
    programme: str,
    weak_trainer: bool,
) -> list[dict[str, Any]]:
    """One response's answers: every question of its version, drawn around the signals."""
    rows: list[dict[str, Any]] = []
    for question in questions:
        mean = _mean(
            question["theme"], timing=timing, programme=programme, weak_trainer=weak_trainer
        )
        rows += _answers_to(rng, question, mean, timing=timing, weak_trainer=weak_trainer)
    return rows
