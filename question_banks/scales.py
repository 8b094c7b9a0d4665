"""Answer scales, declared once as data: the form renderer and the analysis both read them."""

from typing import NamedTuple


class Choice(NamedTuple):
    """One answer a respondent can pick: the stored value and its label in each language."""

    value: int | str
    fr: str
    en: str

    def label(self, language: str) -> str:
        return self.en if language == "en" else self.fr


# Five points each, from the worst (value 1) to the best (value 5), as (French, English) words.
LIKERT_SCALES: dict[str, tuple[tuple[str, str], ...]] = {
    "satisfaction": (
        ("Pas du tout satisfait", "Not at all satisfied"),
        ("Peu satisfait", "Not very satisfied"),
        ("Moyennement satisfait", "Moderately satisfied"),
        ("Satisfait", "Satisfied"),
        ("Très satisfait", "Very satisfied"),
    ),
    "agreement": (
        ("Pas du tout d'accord", "Strongly disagree"),
        ("Plutôt pas d'accord", "Somewhat disagree"),
        ("Ni d'accord ni pas d'accord", "Neither agree nor disagree"),
        ("Plutôt d'accord", "Somewhat agree"),
        ("Tout à fait d'accord", "Strongly agree"),
    ),
    "ease": (
        ("Très difficile", "Very difficult"),
        ("Plutôt difficile", "Fairly difficult"),
        ("Ni facile ni difficile", "Neither easy nor difficult"),
        ("Plutôt facile", "Fairly easy"),
        ("Très facile", "Very easy"),
    ),
    "usefulness": (
        ("Pas du tout utile", "Not at all useful"),
        ("Peu utile", "Not very useful"),
        ("Moyennement utile", "Moderately useful"),
        ("Utile", "Useful"),
        ("Très utile", "Very useful"),
    ),
}
DEFAULT_LIKERT_SCALE = "satisfaction"

NPS_MIN, NPS_MAX = 0, 10
NPS_END_LABELS: dict[int, tuple[str, str]] = {
    NPS_MIN: ("Pas du tout probable", "Not at all likely"),
    NPS_MAX: ("Extrêmement probable", "Extremely likely"),
}

YES_NO_CHOICES = (Choice("yes", "Oui", "Yes"), Choice("no", "Non", "No"))


def likert_choices(scale: str) -> list[Choice]:
    return [Choice(value, fr, en) for value, (fr, en) in enumerate(LIKERT_SCALES[scale], start=1)]


def nps_choices() -> list[Choice]:
    """0 to 10; the two ends carry their words ("0 – Pas du tout probable")."""
    choices = []
    for value in range(NPS_MIN, NPS_MAX + 1):
        fr, en = NPS_END_LABELS.get(value, ("", ""))
        suffix_fr, suffix_en = (f" – {fr}", f" – {en}") if fr else ("", "")
        choices.append(Choice(value, f"{value}{suffix_fr}", f"{value}{suffix_en}"))
    return choices
