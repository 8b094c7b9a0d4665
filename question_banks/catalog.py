"""The catalog: every known question, in order, with lookups and filters."""

import unicodedata
from collections.abc import Iterable, Iterator

from question_banks.schema import Bank, Question, Theme


class DuplicateQuestionError(ValueError):
    pass


def fold(text: str) -> str:
    """Lowercase without accents, so that "accessibilite" finds "Accessibilité"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _searchable(question: Question) -> str:
    parts = [question.id, question.text.fr, question.text.en]
    if question.help:
        parts += [question.help.fr, question.help.en]
    parts += [f"{choice.fr} {choice.en}" for choice in question.choices()]
    return fold(" ".join(parts))


class QuestionCatalog:
    """Questions in bank order then file order; ids are unique. Immutable: extend with
    `with_extra`, which returns a new catalog."""

    def __init__(self, questions: Iterable[Question], themes: Iterable[Theme] = ()) -> None:
        self.questions: tuple[Question, ...] = tuple(questions)
        self.themes: tuple[Theme, ...] = tuple(themes)
        self._by_id: dict[str, Question] = {}
        for question in self.questions:
            if question.id in self._by_id:
                raise DuplicateQuestionError(f"duplicate question id {question.id!r}")
            self._by_id[question.id] = question

    @classmethod
    def from_banks(cls, banks: Iterable[Bank]) -> "QuestionCatalog":
        banks = list(banks)
        questions = [question for bank in banks for question in bank.questions]
        return cls(questions, [bank.theme for bank in banks])

    def __len__(self) -> int:
        return len(self.questions)

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)

    def __contains__(self, question_id: object) -> bool:
        return question_id in self._by_id

    def __getitem__(self, question_id: str) -> Question:
        return self._by_id[question_id]

    def get(self, question_id: str) -> Question | None:
        return self._by_id.get(question_id)

    def get_theme(self, theme_id: str) -> Theme | None:
        return next((theme for theme in self.themes if theme.id == theme_id), None)

    def select(self, question_ids: Iterable[str]) -> list[Question]:
        """The questions with these ids, in the order given (KeyError on an unknown id)."""
        return [self._by_id[question_id] for question_id in question_ids]

    def filter(
        self,
        *,
        theme: str | None = None,
        audience: str | None = None,
        timing: str | None = None,
        indicator: int | None = None,
        text: str | None = None,
    ) -> list[Question]:
        """Questions matching every given criterion; `text` searches ids, French and English
        wordings, help and answer labels, ignoring case and accents (all words must match)."""
        words = fold(text).split() if text else []
        return [
            question
            for question in self.questions
            if (theme is None or question.theme == theme)
            and (audience is None or audience in question.audiences)
            and (timing is None or timing in question.timings)
            and (indicator is None or indicator in question.indicators)
            and all(word in _searchable(question) for word in words)
        ]

    def with_extra(
        self, questions: Iterable[Question], themes: Iterable[Theme] = ()
    ) -> "QuestionCatalog":
        """A new catalog with extra (custom) questions appended; a reused id raises
        DuplicateQuestionError. Questions may name a theme the catalog does not know."""
        known_theme_ids = {theme.id for theme in self.themes}
        new_themes = [theme for theme in themes if theme.id not in known_theme_ids]
        return QuestionCatalog([*self.questions, *questions], [*self.themes, *new_themes])
