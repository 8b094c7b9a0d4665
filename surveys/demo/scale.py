"""How big the demo organisation is: `STANDARD` (the one `python -m surveys demo` loads) or
`LARGE` (`--scale large`: about 50,000 people, 2,000 sessions and 1,000,000 answers).

The large organisation is the standard one grown the way such organisations grow: the same six
programmes run in ten towns, more trainers, client companies and financers, sessions of uneven
size over two years, and anonymous cold surveys of learners. The planted signals stay (the weak
theme, the dropping programme in every town, the weak trainer), so the dashboard and the
suggestions have the same things to find.
"""

from __future__ import annotations

from dataclasses import dataclass

from surveys.demo.organisation import COMPANY_NAMES, FINANCERS, PROGRAMMES

TOWNS = (  # (town, the code its programmes end with)
    ("Toulouse", ""),
    ("Montpellier", "MPL"),
    ("Perpignan", "PGN"),
    ("Nîmes", "NIM"),
    ("Albi", "ALB"),
    ("Tarbes", "TAR"),
    ("Rodez", "ROD"),
    ("Carcassonne", "CAR"),
    ("Montauban", "MTB"),
    ("Auch", "AUC"),
)
LEGAL_FORMS = ("SAS", "SARL", "SA", "SCOP")


@dataclass(frozen=True)
class Programme:
    """One programme of the demo; `base` is the code of the six it is a local run of."""

    code: str
    name: str
    kind: str
    modality: str
    base: str


@dataclass(frozen=True)
class DemoScale:
    """Sizes of the demo organisation; sessions end over `past_span_days` before today and
    `coming_span_days` after it; `uneven_sessions` draws each session's size around the mean;
    the surveys made from `anonymous_templates` keep no link between answers and people."""

    name: str
    learners: int
    sessions_past: int
    sessions_coming: int
    towns: int = 1
    trainers: int = 8
    companies: int = 30
    financers: int = 12
    past_span_days: int = 540
    coming_span_days: int = 28
    uneven_sessions: bool = False
    anonymous_templates: tuple[str, ...] = ()

    @property
    def sessions(self) -> int:
        return self.sessions_past + self.sessions_coming


STANDARD = DemoScale("standard", learners=600, sessions_past=36, sessions_coming=4)
LARGE = DemoScale(
    "large",
    learners=48_000,
    sessions_past=1_940,
    sessions_coming=60,
    towns=len(TOWNS),
    trainers=420,
    companies=1_500,
    financers=40,
    past_span_days=730,
    uneven_sessions=True,
    anonymous_templates=("learner_cold", "learner_cold_skills_assessment"),
)
SCALES = {scale.name: scale for scale in (STANDARD, LARGE)}


def programmes(scale: DemoScale) -> list[Programme]:
    """The six programmes, then their runs in the other towns (`DEV-WEB-MON`...)."""
    result = [
        Programme(code, name, kind, modality, code) for code, name, kind, modality in PROGRAMMES
    ]
    for town, suffix in TOWNS[1 : scale.towns]:
        result += [
            Programme(f"{code}-{suffix}", f"{name} – {town}", kind, modality, code)
            for code, name, kind, modality in PROGRAMMES
        ]
    return result


def company_names(scale: DemoScale) -> tuple[str, ...]:
    """The thirty companies, then more named like them (place, trade, legal form)."""
    places = [name.split()[0] for name in COMPANY_NAMES]
    trades = [" ".join(name.split()[1:]) for name in COMPANY_NAMES]
    extra = (
        f"{place} {trade} {form}"
        for form in LEGAL_FORMS
        for place in places
        for trade in trades
        if f"{place} {trade}" not in COMPANY_NAMES
    )
    names = list(COMPANY_NAMES)
    while len(names) < scale.companies:
        names.append(next(extra))
    return tuple(names[: scale.companies])


def financer_names(scale: DemoScale) -> tuple[str, ...]:
    """The twelve financers, then the local delegations of the six OPCOs in the other towns."""
    extra = [f"{name} – délégation {town}" for town, _ in TOWNS[1:] for name in FINANCERS[:6]]
    return (*FINANCERS, *extra)[: scale.financers]
