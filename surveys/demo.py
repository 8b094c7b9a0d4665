"""Demo data: a believable French training organisation, with true signals in its answers.

Planted signals (the analysis and the suggestions must find them):
- the technical support theme scores low everywhere (the weak theme);
- the "Développeur web" programme drops between hot and cold surveys;
- one trainer (Bruno Lefèvre) scores below the others on digital mastery and virtual classes.

It also leaves work to do: sessions ending in the coming weeks (their surveys are still to be
sent) and recently invited people who have not answered (reminders are due). Everything is
drawn from a seeded generator, so two loads give the same organisation. Bulk inserts go through
SQLAlchemy Core (the ORM is 10x slower for this).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from question_banks.loader import QuestionCatalog, load_catalog, load_templates
from surveys.audit import record
from surveys.builder.composition import (
    create_survey_from_template,
    publish_survey,
    version_questions,
)
from surveys.campaigns import session_campaign_key, yearly_campaign_key
from surveys.config import DISPLAY_TIMEZONE
from surveys.models import (
    Answer,
    Campaign,
    Complaint,
    Enrolment,
    EvidenceNote,
    ImprovementAction,
    Invitation,
    NamedResponse,
    OrganisationSettings,
    OutboundMessage,
    Person,
    Programme,
    Response,
    StaffUser,
    SurveyPlan,
    TrainingSession,
)
from surveys.staff.accounts import create_user
from surveys.tokens import hash_token, make_token

PARIS = DISPLAY_TIMEZONE
DEMO_SEED = 20261127
WEAK_THEME = "technical_support"
DROPPING_PROGRAMME = "DEV-WEB"
WEAK_TRAINER_EMAIL = "bruno.lefevre@formateurs.example.org"

PROGRAMMES = (
    ("DEV-WEB", "Développeur web et web mobile (titre professionnel)", "training", "hybrid"),
    ("MGT-DIST", "Manager une équipe à distance", "training", "remote"),
    ("BUR-COLLAB", "Bureautique et outils collaboratifs", "training", "remote"),
    ("COMPTA-PAIE", "Gestionnaire de paie", "training", "hybrid"),
    ("ANG-PRO", "Anglais professionnel en classe virtuelle", "training", "remote"),
    ("BILAN", "Bilan de compétences", "skills_assessment", "hybrid"),
)
FINANCERS = (
    "OPCO Atlas",
    "OPCO EP",
    "Akto",
    "Opco 2i",
    "Constructys",
    "Uniformation",
    "OCAPIAT",
    "France Travail",
    "Transitions Pro Île-de-France",
    "Transitions Pro Occitanie",
    "Région Occitanie",
    "Agefiph",
)
TRAINERS = (
    ("Claire", "Moreau"),
    ("Bruno", "Lefèvre"),
    ("Nadia", "Benali"),
    ("Julien", "Roux"),
    ("Sophie", "Garnier"),
    ("Thomas", "Petit"),
    ("Émilie", "Faure"),
    ("Karim", "Haddad"),
)
FIRST_NAMES = (
    "Léa",
    "Hugo",
    "Chloé",
    "Lucas",
    "Manon",
    "Nathan",
    "Camille",
    "Enzo",
    "Inès",
    "Louis",
    "Sarah",
    "Jules",
    "Jade",
    "Gabriel",
    "Zoé",
    "Arthur",
    "Lina",
    "Raphaël",
    "Emma",
    "Adam",
    "Louise",
    "Mohamed",
    "Alice",
    "Théo",
    "Yasmine",
    "Paul",
    "Clara",
    "Maxime",
    "Anaïs",
    "Noah",
)
LAST_NAMES = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lefebvre",
    "Mercier",
    "Boyer",
    "Blanc",
    "Guerin",
    "Chevalier",
    "Nguyen",
    "Diallo",
)
COMPANY_NAMES = (
    "Occitanie Logistique",
    "Garonne Bâtiment",
    "Pyrénées Santé",
    "Midi Imprimerie",
    "Canal Informatique",
    "Capitole Assurances",
    "Lauragais Agro",
    "Tarn Mécanique",
    "Aveyron Bois",
    "Gers Distribution",
    "Hérault Tourisme",
    "Aude Énergie",
    "Lot Transports",
    "Ariège Textile",
    "Rouergue Conseil",
    "Cévennes Habitat",
    "Minervois Vins",
    "Quercy Métal",
    "Comminges Services",
    "Albigeois Médical",
    "Camargue Events",
    "Causses Numérique",
    "Roussillon Froid",
    "Bigorre Électrique",
    "Ségala Paysage",
    "Volvestre Auto",
    "Lomagne Finance",
    "Corbières Édition",
    "Larzac Outdoor",
    "Cerdagne Hôtellerie",
)
DEMO_STAFF = (
    ("admin@formasud.example.org", "admin", "Demo-admin-2026", "Alix Admin"),
    ("qualite@formasud.example.org", "quality", "Demo-qualite-2026", "Quentin Qualité"),
    ("direction@formasud.example.org", "director", "Demo-direction-2026", "Diane Directrice"),
)
LEARNERS_TOTAL = 600
SESSIONS_PAST = 36
SESSIONS_COMING = 4
HOT_ANSWER_RATE = 0.72
COLD_ANSWER_RATE = 0.48
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


@dataclass
class DemoSummary:
    counts: dict[str, int] = field(default_factory=dict)
    staff_accounts: list[tuple[str, str, str]] = field(default_factory=list)


class DemoAlreadyLoaded(RuntimeError):
    """The database already holds data: the demo refuses to add a second organisation."""


def _paris(day: date, hour: int = 17) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=PARIS).astimezone(UTC)


def _insert(session: Session, model: type, rows: list[dict[str, Any]]) -> list[Any]:
    """Bulk insert with Core and return the new primary keys in the order of `rows`."""
    if not rows:
        return []
    statement = sa.insert(model).returning(model.id, sort_by_parameter_order=True)  # type: ignore[attr-defined]
    return list(session.scalars(statement, rows))


def _slug(text: str) -> str:
    table = str.maketrans("éèêëàâîïôöûüçÉÈÎ'’ ", "eeeeaaiioouucEEI---")
    return text.translate(table).lower()


def _people(rng: random.Random, now: datetime) -> dict[str, list[dict[str, Any]]]:
    trainers = [
        {
            "first_name": first,
            "last_name": last,
            "stakeholder_type": "trainer",
            "email": f"{_slug(first)}.{_slug(last)}@formateurs.example.org",
            "organisation": "Équipe pédagogique",
            "language": "fr",
            "created_at": now,
        }
        for first, last in TRAINERS
    ]
    financers = [
        {
            "first_name": "Service",
            "last_name": "Relations OF",
            "stakeholder_type": "financer",
            "email": f"relations-of@{_slug(name).replace('.', '')}.example.org",
            "organisation": name,
            "language": "fr",
            "created_at": now,
        }
        for name in FINANCERS
    ]
    companies = [
        {
            "first_name": rng.choice(FIRST_NAMES),
            "last_name": rng.choice(LAST_NAMES),
            "stakeholder_type": "company",
            "email": f"rh@{_slug(name)}.example.org",
            "organisation": name,
            "language": "fr",
            "created_at": now,
        }
        for name in COMPANY_NAMES
    ]
    learners = []
    for index in range(LEARNERS_TOTAL):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        learners.append(
            {
                "first_name": first,
                "last_name": last,
                "stakeholder_type": "learner",
                "email": f"{_slug(first)}.{_slug(last)}.{index:03d}@apprenants.example.org",
                "organisation": rng.choice(COMPANY_NAMES),
                "created_at": now,
                "language": "en" if index % 25 == 0 else "fr",
            }
        )
    return {"trainer": trainers, "financer": financers, "company": companies, "learner": learners}


def _session_dates(today: date, count_past: int, count_coming: int) -> list[tuple[date, date]]:
    """Sessions spread over the last 18 months, plus a few ending in the coming weeks."""
    dates = []
    for index in range(count_past):
        end = today - timedelta(days=4 + index * 15)
        dates.append((end - timedelta(days=20), end))
    for index in range(count_coming):
        end = today + timedelta(days=5 + index * 7)
        dates.append((end - timedelta(days=25), end))
    return dates


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


def _answer_rows(
    rng: random.Random,
    questions: list[dict[str, Any]],
    *,
    timing: str,
    programme: str,
    weak_trainer: bool,
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for question in questions:
        mean = BASE_MEAN + THEME_SHIFT.get(question["theme"], 0.0)
        if timing == "cold" and programme == DROPPING_PROGRAMME:
            mean -= COLD_DROP
        if weak_trainer and question["theme"] in WEAK_TRAINER_THEMES:
            mean += WEAK_TRAINER_SHIFT
        kind = question["type"]
        if kind == "likert5":
            rows.append({"question_id": question["id"], "number": _sample_likert(rng, mean)})
        elif kind == "nps":
            rows.append({"question_id": question["id"], "number": _sample_nps(rng, mean)})
        elif kind == "yes_no":
            answer = "yes" if rng.random() < (mean / 5.0) else "no"
            rows.append({"question_id": question["id"], "text": answer})
        elif kind in ("single_choice", "multi_choice"):
            values = [option["value"] for option in question.get("options") or []]
            picks = rng.sample(values, k=1 if kind == "single_choice" else min(2, len(values)))
            rows.extend({"question_id": question["id"], "text": value} for value in picks)
        else:
            text = _comment(rng, timing=timing, weak_trainer=weak_trainer)
            if text:
                rows.append({"question_id": question["id"], "text": text})
    return rows


@dataclass
class _Plan:
    plan_id: int
    version_id: int
    questions: list[dict[str, Any]]
    anonymous: bool
    audience: str
    timing: str
    offset_days: int | None


class _Builder:
    """Holds the generator and the ids created so far; one method per kind of row."""

    def __init__(self, session: Session, *, now: datetime, session_secret: str) -> None:
        self.session = session
        self.now = now
        self.secret = session_secret
        self.rng = random.Random(DEMO_SEED)
        self.counts: dict[str, int] = {}
        self.pending_answers: list[dict[str, Any]] = []

    def add(self, model: type, rows: list[dict[str, Any]]) -> list[Any]:
        ids = _insert(self.session, model, rows)
        self.counts[model.__tablename__] = self.counts.get(model.__tablename__, 0) + len(ids)  # type: ignore[attr-defined]
        return ids

    def invitation_row(
        self, campaign_id: int, person_id: int, language: str, created_at: datetime
    ) -> dict[str, Any]:
        salt = f"{self.rng.getrandbits(128):032x}"
        token = make_token(salt=salt, session_secret=self.secret)
        return {
            "campaign_id": campaign_id,
            "person_id": person_id,
            "token_salt": salt,
            "token_hash": hash_token(token),
            "language": language,
            "status": "sent",
            "created_at": created_at,
        }


def _plans(builder: _Builder, catalog: QuestionCatalog, programme_ids: dict[str, int]) -> dict:
    """Publish one survey per ready-made template and attach the default plans."""
    session = builder.session
    templates = {template.id: template for template in load_templates(catalog=catalog)}
    versions = {}
    for template_id, template in templates.items():
        survey = create_survey_from_template(session=session, template=template, actor="demo")
        version = publish_survey(session=session, survey=survey, catalog=catalog, actor="demo")
        versions[template_id] = version
    plans: dict[tuple[str | None, str], _Plan] = {}

    def attach(programme: str | None, template_id: str, offset: int | None) -> None:
        version = versions[template_id]
        template = templates[template_id]
        plan = SurveyPlan(
            programme_id=programme_ids[programme] if programme else None,
            survey_id=version.survey_id,
            audience=template.audience,
            timing=template.timing,
            offset_days=offset or 0,
            send_time="17:00" if template.timing == "hot" else "10:00",
        )
        session.add(plan)
        session.flush()
        plans[(programme, template_id)] = _Plan(
            plan.id,
            version.id,
            version_questions(version.definition),
            version.anonymous,
            template.audience,
            template.timing,
            offset,
        )

    for code, _name, kind, _modality in PROGRAMMES:
        cold = "learner_cold_skills_assessment" if kind == "skills_assessment" else "learner_cold"
        attach(code, "learner_hot", 0)
        attach(code, cold, 180 if kind == "skills_assessment" else 90)
        attach(code, "company_cold", 90)
        attach(code, "trainer_debrief", 0)
    attach(None, "financer_annual", None)
    return plans


def _campaign_row(
    key: str, plan: _Plan, *, label: str, scheduled: datetime, session_id: int | None
) -> dict[str, Any]:
    return {
        "key": key,
        "plan_id": plan.plan_id,
        "survey_version_id": plan.version_id,
        "session_id": session_id,
        "audience": plan.audience,
        "timing": plan.timing,
        "label": label,
        "scheduled_at": scheduled,
        "closes_at": scheduled + timedelta(days=30),
        "reminder_offsets_days": [3, 7],
        "created_at": scheduled,
    }


def _run_campaign(
    builder: _Builder,
    campaign_id: int,
    plan: _Plan,
    people: list[tuple[int, str]],
    *,
    scheduled: datetime,
    rate: float,
    programme: str,
    weak_trainer: bool,
) -> None:
    """Invite `people`, send their emails and reminders, and let some of them answer."""
    rng, now = builder.rng, builder.now
    age_days = (now - scheduled).days
    invitation_ids = builder.add(
        Invitation,
        [
            builder.invitation_row(campaign_id, person_id, language, scheduled)
            for person_id, language in people
        ],
    )
    messages, responses, links, finished = [], [], [], []
    for invitation_id, (person_id, language) in zip(invitation_ids, people, strict=True):
        messages.append(
            {
                "invitation_id": invitation_id,
                "kind": "invitation",
                "sequence": 0,
                "status": "sent",
                "due_at": scheduled,
                "sent_at": scheduled,
                "attempts": 1,
                "created_at": scheduled,
            }
        )
        answered = rng.random() < rate and age_days >= 1
        answer_day = min(rng.choice((0, 1, 2, 4, 6, 9)), max(age_days - 1, 0))
        reminders = [
            offset
            for offset in (3, 7)
            if offset <= age_days and (not answered or offset < answer_day)
        ]
        for sequence, offset in enumerate(reminders, start=1):
            at = scheduled + timedelta(days=offset)
            messages.append(
                {
                    "invitation_id": invitation_id,
                    "kind": "reminder",
                    "sequence": sequence,
                    "status": "sent",
                    "due_at": at,
                    "sent_at": at,
                    "attempts": 1,
                    "created_at": scheduled,
                }
            )
        if answered:
            submitted = scheduled + timedelta(days=answer_day, hours=rng.randint(1, 20))
            response_id = f"{rng.getrandbits(128):032x}"
            responses.append(
                {
                    "id": response_id,
                    "campaign_id": campaign_id,
                    "survey_version_id": plan.version_id,
                    "anonymous": plan.anonymous,
                    "language": language,
                    "submitted_on": submitted.date(),
                }
            )
            if not plan.anonymous:
                links.append(
                    {
                        "response_id": response_id,
                        "invitation_id": invitation_id,
                        "person_id": person_id,
                        "submitted_at": submitted,
                    }
                )
            finished.append((invitation_id, submitted, len(reminders)))
            for row in _answer_rows(
                rng,
                plan.questions,
                timing=plan.timing,
                programme=programme,
                weak_trainer=weak_trainer,
            ):
                builder.pending_answers.append({"response_id": response_id, **row})
        elif reminders:
            finished.append((invitation_id, None, len(reminders)))
    builder.add(OutboundMessage, messages)
    if responses:
        builder.session.execute(sa.insert(Response), responses)
        builder.counts["response"] = builder.counts.get("response", 0) + len(responses)
    if links:
        builder.session.execute(sa.insert(NamedResponse), links)
    _update_invitations(builder, finished, scheduled)


def _update_invitations(
    builder: _Builder, finished: list[tuple[int, datetime | None, int]], scheduled: datetime
) -> None:
    table = Invitation.__table__  # type: ignore[attr-defined]
    for invitation_id, submitted, reminder_count in finished:
        values: dict[str, Any] = {"sent_at": scheduled, "reminder_count": reminder_count}
        if submitted is not None:
            values.update(status="completed", completed_at=submitted, opened_at=submitted)
        builder.session.execute(sa.update(table).where(table.c.id == invitation_id).values(values))
    builder.session.execute(
        sa.update(table).where(table.c.sent_at.is_(None)).values(sent_at=scheduled)
    )


def load_demo(*, session: Session, now: datetime, session_secret: str) -> DemoSummary:
    """Create the demo organisation in an empty database (refuses a non-empty one)."""
    if session.exec(select(Programme.id).limit(1)).first() is not None:
        raise DemoAlreadyLoaded(
            "La base contient déjà des données : la démonstration n'a pas été chargée une seconde "
            "fois (rien n'a été modifié). Utilisez une base vide pour la recharger."
        )
    builder = _Builder(session, now=now, session_secret=session_secret)
    rng = builder.rng
    _organisation(session)
    catalog = load_catalog()
    programme_ids = dict(
        zip(
            [code for code, *_ in PROGRAMMES],
            builder.add(
                Programme,
                [
                    {"code": code, "name": name, "kind": kind, "created_at": now}
                    for code, name, kind, _ in PROGRAMMES
                ],
            ),
            strict=True,
        )
    )
    people = _people(rng, now)
    person_ids = {kind: builder.add(Person, rows) for kind, rows in people.items()}
    languages = {kind: [row["language"] for row in rows] for kind, rows in people.items()}
    plans = _plans(builder, catalog, programme_ids)
    today = now.astimezone(PARIS).date()
    dates = _session_dates(today, SESSIONS_PAST, SESSIONS_COMING)
    learner_pool = list(range(LEARNERS_TOTAL))
    per_session = LEARNERS_TOTAL // len(dates)
    weak_trainer_index = next(
        i for i, row in enumerate(people["trainer"]) if row["email"] == WEAK_TRAINER_EMAIL
    )
    session_rows, enrolments, financer_use = [], [], {}
    for index, (start, end) in enumerate(dates):
        code, _name, _kind, modality = PROGRAMMES[index % len(PROGRAMMES)]
        session_rows.append(
            {
                "code": f"{code}-{start:%y%m}-{index:02d}",
                "programme_id": programme_ids[code],
                "start_date": start,
                "end_date": end,
                "modality": modality,
                "created_at": now,
                "lms": "Moodle" if index % 3 else "360Learning",
            }
        )
    session_ids = builder.add(TrainingSession, session_rows)
    for index, session_id in enumerate(session_ids):
        code = PROGRAMMES[index % len(PROGRAMMES)][0]
        start, end = dates[index]
        learners = learner_pool[index * per_session : (index + 1) * per_session]
        trainers = [index % len(TRAINERS), (index + 3) % len(TRAINERS)][: 1 + index % 2]
        financer = index % len(FINANCERS)
        company = index % len(COMPANY_NAMES)
        financer_use[financer] = max(financer_use.get(financer, end), end)
        enrolments += [
            {
                "person_id": person_ids["learner"][i],
                "session_id": session_id,
                "role": "learner",
                "created_at": now,
            }
            for i in learners
        ]
        enrolments += [
            {
                "person_id": person_ids["trainer"][i],
                "session_id": session_id,
                "role": "trainer",
                "created_at": now,
            }
            for i in trainers
        ]
        enrolments.append(
            {
                "person_id": person_ids["financer"][financer],
                "session_id": session_id,
                "role": "financer",
                "created_at": now,
            }
        )
        enrolments.append(
            {
                "person_id": person_ids["company"][company],
                "session_id": session_id,
                "role": "company",
                "created_at": now,
            }
        )
        weak = weak_trainer_index in trainers
        for template_id, audience, indexes in (
            ("learner_hot", "learner", learners),
            ("trainer_debrief", "trainer", trainers),
            (
                "learner_cold_skills_assessment" if code == "BILAN" else "learner_cold",
                "learner",
                learners,
            ),
            ("company_cold", "company", [company]),
        ):
            plan = plans[(code, template_id)]
            scheduled = _paris(
                end + timedelta(days=plan.offset_days or 0), 17 if plan.timing == "hot" else 10
            )
            if scheduled > now:
                continue  # still to be sent: the dispatcher's work on a fresh install
            campaign_id = builder.add(
                Campaign,
                [
                    _campaign_row(
                        session_campaign_key(plan.plan_id, session_id),
                        plan,
                        label=f"{template_id} {session_rows[index]['code']}",
                        scheduled=scheduled,
                        session_id=session_id,
                    )
                ],
            )[0]
            invited = [(person_ids[audience][i], languages[audience][i]) for i in indexes]
            rate = HOT_ANSWER_RATE if plan.timing == "hot" else COLD_ANSWER_RATE
            _run_campaign(
                builder,
                campaign_id,
                plan,
                invited,
                scheduled=scheduled,
                rate=rate if audience == "learner" else 0.8,
                programme=code,
                weak_trainer=weak,
            )
    builder.add(Enrolment, enrolments)
    _financer_campaigns(builder, plans[(None, "financer_annual")], person_ids, languages, today)
    builder.add(Answer, builder.pending_answers)
    _improvement_loop(
        session,
        now=now,
        learners=person_ids["learner"],
        financers=person_ids["financer"],
        sessions=session_ids,
    )
    staff = _staff(session)
    record(session, actor="demo", action="demo.load", details=builder.counts)
    return DemoSummary(counts=builder.counts, staff_accounts=staff)


DEMO_COMPLAINTS = (
    # (days ago, kind, theme, summary, days to acknowledge, to answer, to close)
    (300, "incident", "technical_support", "Identifiants refusés sur la plateforme", 1, 2, 3),
    (240, "incident", "technical_support", "Plateforme inaccessible pendant deux jours", 0, 1, 2),
    (150, "complaint", "technical_support", "Aucune réponse de l'assistance technique", 3, 9, 12),
    (95, "incident", "virtual_classroom", "Son coupé pendant la classe virtuelle", 1, 1, 2),
    (
        40,
        "complaint",
        "technical_support",
        "Bug bloquant non résolu depuis une semaine",
        2,
        6,
        None,
    ),
    (
        6,
        "difficulty",
        "accessibility",
        "Vidéos sans sous-titres pour une apprenante sourde",
        None,
        None,
        None,
    ),
)
DEMO_ACTIONS = (
    # (title, theme, origin, status, due in days, done days ago)
    (
        "Mettre à jour le guide de connexion et réinitialiser les identifiants à l'entrée",
        "lms_ergonomics",
        "réclamation",
        "done",
        -200,
        210,
    ),
    (
        "Créer un centre d'aide et une hotline joignable de 9 h à 18 h",
        "technical_support",
        "suggestion",
        "in_progress",
        30,
        None,
    ),
    (
        "Former les formateurs à l'outil de classe virtuelle (salles de sous-groupes, partage)",
        "trainer_digital_mastery",
        "suggestion",
        "planned",
        -10,
        None,
    ),
)


def _improvement_loop(
    session: Session,
    *,
    now: datetime,
    learners: list[int],
    financers: list[int],
    sessions: list[int],
) -> None:
    """A register, a plan and evidence notes, so indicators 31 and 32 have something to show."""
    for index, (ago, kind, theme, summary, ack, answer, close) in enumerate(DEMO_COMPLAINTS):
        received = now - timedelta(days=ago)

        def after(days: int | None, start: datetime = received) -> datetime | None:
            return None if days is None else start + timedelta(days=days, hours=3)

        status = (
            "closed"
            if close is not None
            else "answered"
            if answer is not None
            else ("acknowledged" if ack is not None else "received")
        )
        session.add(
            Complaint(
                kind=kind,
                source="email" if index % 2 else "enquête",
                stakeholder_type="learner",
                person_id=learners[index * 37],
                session_id=sessions[index],
                theme=theme,
                summary=summary,
                received_on=received.date(),
                status=status,
                acknowledged_at=after(ack),
                answered_at=after(answer),
                closed_at=after(close),
                answer="Réponse envoyée et solution proposée." if answer is not None else "",
                created_by="qualite@formasud.example.org",
                created_at=received,
            )
        )
    for title, theme, origin, status, due, done in DEMO_ACTIONS:
        session.add(
            ImprovementAction(
                title=title,
                theme=theme,
                origin=origin,
                status=status,
                owner="Quentin Qualité",
                due_on=(now + timedelta(days=due)).date(),
                done_on=(now - timedelta(days=done)).date() if done else None,
                created_at=now - timedelta(days=240),
            )
        )
    session.add(
        EvidenceNote(
            stakeholder_type="financer",
            person_id=financers[0],
            organisation=FINANCERS[0],
            kind="webinar",
            occurred_on=(now - timedelta(days=60)).date(),
            summary="Webinaire de l'OPCO sur la qualité des formations à distance : nos résultats "
            "de satisfaction y ont été présentés et discutés.",
            created_by="demo",
        )
    )
    session.flush()


def _staff(session: Session) -> list[tuple[str, str, str]]:
    """The demo's staff accounts (skipping any that already exist)."""
    created = []
    for email, role, password, name in DEMO_STAFF:
        if session.exec(select(StaffUser).where(StaffUser.email == email)).first() is None:
            create_user(session=session, email=email, role=role, password=password, full_name=name)
        created.append((email, role, password))
    return created


def _financer_campaigns(
    builder: _Builder,
    plan: _Plan,
    person_ids: dict[str, list[int]],
    languages: dict[str, list[str]],
    today: date,
) -> None:
    """Last year's yearly financer survey went to all but two financers (a coverage gap)."""
    year = today.year - 1
    scheduled = _paris(date(year, 11, 15), 10)
    campaign_id = builder.add(
        Campaign,
        [
            _campaign_row(
                yearly_campaign_key(plan.plan_id, year),
                plan,
                label=f"financer_annual {year}",
                scheduled=scheduled,
                session_id=None,
            )
        ],
    )[0]
    invited = list(zip(person_ids["financer"][:-2], languages["financer"][:-2], strict=True))
    _run_campaign(
        builder,
        campaign_id,
        plan,
        invited,
        scheduled=scheduled,
        rate=0.6,
        programme="",
        weak_trainer=False,
    )


def _organisation(session: Session) -> None:
    organisation = session.get(OrganisationSettings, 1) or OrganisationSettings(id=1, name="")
    organisation.name = "Formasud Numérique"
    organisation.contact_email = "qualite@formasud.example.org"
    organisation.support_email = "assistance@formasud.example.org"
    organisation.support_phone = "05 61 00 00 00"
    organisation.privacy_contact = "dpo@formasud.example.org"
    organisation.address = "12 allée des Demoiselles, 31400 Toulouse"
    session.add(organisation)
    session.flush()
