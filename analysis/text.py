"""Free-text answers: themes, recurring terms, and comments that read as a complaint.

Pure functions over a frame of free-text answers (a `text` column; any other column, such as
`response_id`, `submitted_on` or `programme`, is carried along). The words come from a French
lexicon kept as data (`analysis/data/lexicon_fr.yaml`), validated when it is loaded. Matching
is done on a folded form of the text (lowercase, no accents, punctuation read as spaces), so
"Problème" and "probleme" are the same word.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError, field_validator

from analysis.frames.small_groups import quotable_campaigns
from question_banks.problems import FAST_SAFE_LOADER

DATA_DIR = Path(__file__).resolve().parent / "data"
LEXICON_PATH = DATA_DIR / "lexicon_fr.yaml"
MIN_TERM_LENGTH = 4
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "Œ": "oe", "Æ": "ae"})
_NOT_WORD = re.compile(r"[^a-z0-9]+")


class LexiconError(ValueError):
    """The lexicon file is invalid; the message names the file and the entry."""


def fold(text: str) -> str:
    """Lowercase, without accents, punctuation and apostrophes read as spaces."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES).casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_WORD.sub(" ", plain).strip()


def _term_pattern(terms: Iterable[str]) -> re.Pattern[str]:
    """One regular expression for a list of terms ("connex*" = a word starting so)."""
    parts = [
        re.escape(term[:-1]) + r"\w*" if term.endswith("*") else re.escape(term) for term in terms
    ]
    return re.compile(r"\b(?:" + "|".join(sorted(parts, key=len, reverse=True)) + r")\b")


def _check_terms(terms: list[str], where: str) -> list[str]:
    seen: set[str] = set()
    for term in terms:
        bare = term.removesuffix("*")
        if not bare or fold(bare) != bare:
            raise ValueError(f"{where}: {term!r} must be written lowercase without accents")
        if term in seen:
            raise ValueError(f"{where}: {term!r} is listed twice")
        seen.add(term)
    return terms


class Lexicon(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    themes: dict[str, list[str]]
    complaint_markers: list[str]
    complaint_exclusions: list[str] = []
    stopwords: list[str] = []
    _theme_patterns: dict[str, re.Pattern[str]] = PrivateAttr(default_factory=dict)
    _marker_pattern: re.Pattern[str] | None = PrivateAttr(default=None)
    _exclusion_pattern: re.Pattern[str] | None = PrivateAttr(default=None)
    _stopwords: frozenset[str] = PrivateAttr(default=frozenset())

    @field_validator("themes")
    @classmethod
    def _themes_known(cls, themes: dict[str, list[str]]) -> dict[str, list[str]]:
        from question_banks.loader import load_catalog

        known = {theme.id for theme in load_catalog().themes}
        for theme, terms in themes.items():
            if theme not in known:
                raise ValueError(f"unknown theme {theme!r} (themes: {', '.join(sorted(known))})")
            if not terms:
                raise ValueError(f"theme {theme!r} has no term")
            _check_terms(terms, f"theme {theme!r}")
        return themes

    @field_validator("complaint_markers", "complaint_exclusions")
    @classmethod
    def _markers_folded(cls, terms: list[str]) -> list[str]:
        return _check_terms(terms, "complaint terms")

    def model_post_init(self, _context: object) -> None:
        # compiled once per lexicon: tagging thousands of comments reuses them
        self._theme_patterns = {theme: _term_pattern(terms) for theme, terms in self.themes.items()}
        self._marker_pattern = _term_pattern(self.complaint_markers)
        self._exclusion_pattern = (
            _term_pattern(self.complaint_exclusions) if self.complaint_exclusions else None
        )
        self._stopwords = frozenset(fold(word) for word in self.stopwords)

    def theme_patterns(self) -> dict[str, re.Pattern[str]]:
        return self._theme_patterns

    def marker_pattern(self) -> re.Pattern[str]:
        return self._marker_pattern

    def exclusion_pattern(self) -> re.Pattern[str] | None:
        return self._exclusion_pattern

    def stopword_set(self) -> frozenset[str]:
        return self._stopwords


def read_lexicon(path: Path | str) -> Lexicon:
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=FAST_SAFE_LOADER) or {}
        return Lexicon.model_validate(data)
    except (yaml.YAMLError, ValidationError) as error:
        raise LexiconError(f"{path.name}: {error}") from error


@cache
def load_lexicon() -> Lexicon:
    """The shipped French lexicon, read and validated once per process."""
    return read_lexicon(LEXICON_PATH)


# -- One comment ------------------------------------------------------------------------------


def themes_of(text: str, lexicon: Lexicon | None = None) -> tuple[str, ...]:
    """The lexicon themes a comment speaks of, in the lexicon's order."""
    folded = fold(text)
    patterns = (lexicon or load_lexicon()).theme_patterns()
    return tuple(theme for theme, pattern in patterns.items() if pattern.search(folded))


def complaint_markers(text: str, lexicon: Lexicon | None = None) -> tuple[str, ...]:
    """The complaint words found in a comment, once phrases such as "aucun problème" are
    left out. Empty when the comment does not read as a complaint."""
    lexicon = lexicon or load_lexicon()
    folded = fold(text)
    exclusions = lexicon.exclusion_pattern()
    if exclusions is not None:
        folded = exclusions.sub(" ", folded)
    found = lexicon.marker_pattern().findall(folded)
    return tuple(dict.fromkeys(found))


# -- A frame of comments ----------------------------------------------------------------------


def free_text_answers(answers: pd.DataFrame) -> pd.DataFrame:
    """The free-text answers of an answers frame (type "text", non-blank), in a stable order."""
    if answers.empty or "text" not in answers:
        return answers.head(0).copy()
    mask = answers["type"].astype(str).eq("text") if "type" in answers else answers["text"].notna()
    texts = answers[mask & answers["text"].notna()].copy()
    texts["text"] = texts["text"].astype(str)
    texts = texts[texts["text"].str.strip() != ""]
    order = [column for column in ("submitted_on", "response_id", "question_id") if column in texts]
    if order:
        texts = texts.sort_values(order, kind="stable")
    return texts.reset_index(drop=True)


def tag_comments(comments: pd.DataFrame, lexicon: Lexicon | None = None) -> pd.DataFrame:
    """The comments with three more columns: `themes` (tuple of theme ids), `complaint`
    (bool) and `markers` (the complaint words found)."""
    lexicon = lexicon or load_lexicon()
    tagged = comments.copy()
    texts = tagged["text"].astype(str) if len(tagged) else pd.Series([], dtype=object)
    # identical comments are frequent (and tagging is per text): tag each distinct text once
    distinct = {
        text: (themes_of(text, lexicon), complaint_markers(text, lexicon))
        for text in dict.fromkeys(texts)
    }
    tagged["themes"] = [distinct[text][0] for text in texts]
    tagged["markers"] = [distinct[text][1] for text in texts]
    tagged["complaint"] = [bool(distinct[text][1]) for text in texts]
    return tagged


def flagged_comments(tagged: pd.DataFrame) -> pd.DataFrame:
    """The comments that read as a complaint: those to offer to the register."""
    if tagged.empty:
        return tagged
    return tagged[tagged["complaint"]].reset_index(drop=True)


def theme_mentions(tagged: pd.DataFrame) -> pd.DataFrame:
    """Per theme: comments that mention it, how many read as complaints, and their share.
    Sorted by complaints then mentions (descending), then theme id."""
    columns = ["theme", "comments", "complaints", "complaint_share"]
    rows: dict[str, list[int]] = {}
    for themes, complaint in zip(
        tagged.get("themes", []), tagged.get("complaint", []), strict=True
    ):
        for theme in themes:
            counts = rows.setdefault(theme, [0, 0])
            counts[0] += 1
            counts[1] += int(bool(complaint))
    table = pd.DataFrame(
        [(theme, n, k, round(k / n, 3)) for theme, (n, k) in rows.items()], columns=columns
    )
    return table.sort_values(
        ["complaints", "comments", "theme"], ascending=[False, False, True], ignore_index=True
    )


@lru_cache(maxsize=65536)
def _folded_parts(written: str) -> tuple[str, ...]:
    """A written word, folded, in its parts (words repeat: folded once each)."""
    return tuple(fold(written).split())


def _words(text: str) -> list[tuple[str, str]]:
    """(folded, as written in lowercase) for each word of a comment."""
    words = []
    for written in re.findall(r"\w+", text.translate(_LIGATURES).casefold()):
        parts = _folded_parts(written)
        words += [(part, written if len(parts) == 1 else part) for part in parts]
    return words


def _terms(text: str, stopwords: frozenset[str]) -> dict[str, str]:
    """The words and two-word phrases of a comment (folded -> as written); stopwords and
    short words are left out and break phrases."""
    words = [
        (folded, written)
        if len(folded) >= MIN_TERM_LENGTH and folded not in stopwords and not folded.isdigit()
        else None
        for folded, written in _words(text)
    ]
    terms = {word[0]: word[1] for word in words if word}
    for first, second in pairwise(words):
        if first and second:
            terms[f"{first[0]} {second[0]}"] = f"{first[1]} {second[1]}"
    return terms


def recurring_terms(
    comments: pd.DataFrame,
    lexicon: Lexicon | None = None,
    *,
    top: int = 15,
    min_count: int = 3,
) -> pd.DataFrame:
    """The words and two-word phrases found in the most comments (each comment counts once
    per term), shown as most often written. Ties are broken alphabetically: a stable list."""
    stopwords = (lexicon or load_lexicon()).stopword_set()
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    # the same comment written by several people is read once and counted as often
    texts = Counter(comments.get("text", pd.Series([], dtype=object)).astype(str))
    for text, times in texts.items():
        for folded, written in _terms(text, stopwords).items():
            counts[folded] += times
            spellings.setdefault(folded, Counter())[written] += times
    # a word seen only inside one phrase ("virtuelle" in "classe virtuelle") says nothing more
    phrases = [term for term in counts if " " in term]
    subsumed = {
        word for phrase in phrases for word in phrase.split() if counts[word] == counts[phrase]
    }
    ranked = sorted(
        ((term, n) for term, n in counts.items() if n >= min_count and term not in subsumed),
        key=lambda item: (-item[1], item[0]),
    )[:top]
    rows = [
        (min(spellings[term].items(), key=lambda item: (-item[1], item[0]))[0], n)
        for term, n in ranked
    ]
    return pd.DataFrame(rows, columns=["term", "count"])


def verbatims(
    tagged: pd.DataFrame,
    *,
    theme: str | None = None,
    complaint: bool | None = None,
    limit: int = 3,
) -> list[str]:
    """A few real comments, the most repeated first (ties alphabetically): never rewritten.
    Comments marked not `quotable` (see `mark_quotable`) are never quoted."""
    if tagged.empty:
        return []
    keep = (
        tagged["quotable"].astype(bool) if "quotable" in tagged else pd.Series(True, tagged.index)
    )
    if theme is not None:
        keep &= tagged["themes"].map(lambda themes: theme in themes)
    if complaint is not None:
        keep &= tagged["complaint"] == complaint
    texts = Counter(" ".join(text.split()) for text in tagged.loc[keep, "text"].astype(str))
    return [text for text, _n in sorted(texts.items(), key=lambda item: (-item[1], item[0]))][
        :limit
    ]


def mark_quotable(comments: pd.DataFrame, answers: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """The comments with a `quotable` column: False for those of campaigns with fewer than
    `threshold` respondents, and for all when `answers` hold fewer respondents than that."""
    marked = comments.copy()
    enough = answers["response_id"].nunique() >= threshold if len(answers) else False
    chosen = quotable_campaigns(answers, threshold) if enough else set()
    column = marked["campaign_id"] if "campaign_id" in marked else pd.Series(None, marked.index)
    marked["quotable"] = column.isin(chosen).fillna(False).astype(bool)
    return marked


REGISTER_COLUMNS = ("response_id", "submitted_on", "audience", "theme", "text")


def register_candidates(
    tagged: pd.DataFrame, recorded: set[str], *, limit: int = 50
) -> pd.DataFrame:
    """Complaint-like comments not yet in the register, newest first, each with the theme to
    file it under (its first theme, or "other"): what the suggestions page offers to record."""
    flagged = flagged_comments(tagged)
    if flagged.empty:
        return pd.DataFrame(columns=list(REGISTER_COLUMNS))
    flagged = flagged[~flagged["response_id"].astype(str).isin(recorded)].copy()
    flagged["theme"] = flagged["themes"].map(lambda themes: themes[0] if themes else "other")
    for column in REGISTER_COLUMNS:
        if column not in flagged:
            flagged[column] = None
    order = [column for column in ("submitted_on", "response_id") if flagged[column].notna().any()]
    if order:
        flagged = flagged.sort_values(order, ascending=False, kind="stable")
    table = flagged[list(REGISTER_COLUMNS)].drop_duplicates("response_id").head(limit)
    table["response_id"] = table["response_id"].astype(str)
    return table.reset_index(drop=True)
