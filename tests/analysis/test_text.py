"""Free text: themes from the French lexicon, recurring terms, complaint-like comments."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.text import (
    LexiconError,
    complaint_markers,
    flagged_comments,
    fold,
    free_text_answers,
    load_lexicon,
    read_lexicon,
    recurring_terms,
    tag_comments,
    theme_mentions,
    themes_of,
    verbatims,
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Problème d'accès à l'ÉCRAN", "probleme d acces a l ecran"),
        ("Cœur  de   métier !", "coeur de metier"),
        ("sous-groupes", "sous groupes"),
    ],
)
def test_fold_lowercases_drops_accents_and_reads_punctuation_as_spaces(
    text: str, folded: str
) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("comment", "themes"),
    [
        ("Impossible de joindre la hotline", ("technical_support",)),
        ("Mes identifiants ne fonctionnaient pas", ("lms_ergonomics",)),
        ("Son et partage d'écran coupés pendant la classe virtuelle", ("virtual_classroom",)),
        ("Pas de sous-titres sur les vidéos", ("accessibility",)),
        ("Ils sont venus nombreux", ()),  # "son" is a whole word: "sont" is not sound
        ("Les connexions étaient lentes", ("lms_ergonomics",)),  # "connex*" is a prefix
    ],
)
def test_comments_are_tagged_with_the_themes_of_the_lexicon(
    comment: str, themes: tuple[str, ...]
) -> None:
    assert themes_of(comment) == themes


@pytest.mark.parametrize(
    ("comment", "complaint"),
    [
        ("L'assistance technique est trop lente, j'ai perdu deux jours.", True),
        ("Personne n'a répondu à mon mail.", True),
        ("Les salles de sous-groupes n'ont jamais fonctionné.", True),
        ("Je souhaite déposer une réclamation.", True),
        ("Formation très claire, formateur à l'écoute.", False),
        ("Aucun problème, tout était parfait.", False),
        ("Rien à signaler.", False),
        ("Pas de problème de connexion mais un bug sur le quiz.", True),
    ],
)
def test_a_comment_reads_as_a_complaint_only_with_a_complaint_marker(
    comment: str, complaint: bool
) -> None:
    assert bool(complaint_markers(comment)) is complaint


def _comments(*texts: str) -> pd.DataFrame:
    return pd.DataFrame({"response_id": [f"r{i}" for i in range(len(texts))], "text": list(texts)})


def test_tagging_a_frame_adds_themes_markers_and_the_complaint_flag() -> None:
    tagged = tag_comments(_comments("Hotline injoignable, bug bloquant.", "Très bon rythme."))
    assert tagged["themes"].tolist() == [("technical_support",), ("content_pace",)]
    assert tagged["complaint"].tolist() == [True, False]
    assert flagged_comments(tagged)["response_id"].tolist() == ["r0"]


def test_theme_mentions_count_comments_and_complaints_per_theme() -> None:
    tagged = tag_comments(
        _comments(
            "Hotline injoignable.",
            "La hotline a mis une semaine, bug jamais résolu.",
            "Hotline très réactive, merci.",
            "Classe virtuelle : son coupé.",
        )
    )
    table = theme_mentions(tagged)
    assert table.values.tolist() == [
        ["technical_support", 3, 2, 0.667],
        ["virtual_classroom", 1, 1, 1.0],
    ]


def test_recurring_terms_count_each_comment_once_and_keep_two_word_phrases() -> None:
    comments = _comments(
        "Support technique lent, support technique absent.",
        "Le support technique ne répond pas.",
        "Support technique injoignable.",
        "La plateforme est lente.",
        "Réponse lente.",
    )
    terms = recurring_terms(comments, min_count=2)
    # "support" and "technique" only ever come together: the phrase alone stands for them
    assert terms.values.tolist() == [["support technique", 3], ["lente", 2]]


def test_verbatims_are_real_comments_most_repeated_first() -> None:
    tagged = tag_comments(
        _comments("Hotline lente.", "Bug de la plateforme.", "Hotline lente.", "Très bien.")
    )
    assert verbatims(tagged, complaint=True, limit=2) == ["Hotline lente.", "Bug de la plateforme."]
    assert verbatims(tagged, theme="accessibility") == []


def test_free_text_answers_keep_only_non_blank_text_answers_in_a_stable_order() -> None:
    answers = pd.DataFrame(
        {
            "response_id": ["b", "a", "c", "d"],
            "question_id": ["q", "q", "q", "n"],
            "type": ["text", "text", "text", "likert5"],
            "text": ["Deux", "Un", "  ", None],
            "submitted_on": pd.to_datetime(
                ["2026-01-02", "2026-01-01", "2026-01-01", "2026-01-01"]
            ),
        }
    )
    assert free_text_answers(answers)["text"].tolist() == ["Un", "Deux"]


def test_the_shipped_lexicon_loads_and_knows_every_multimodal_theme() -> None:
    lexicon = load_lexicon()
    assert {
        "lms_ergonomics",
        "accessibility",
        "technical_support",
        "virtual_classroom",
        "trainer_digital_mastery",
    } <= set(lexicon.themes)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("themes: {weather: [pluie]}\ncomplaint_markers: [bug]\n", "unknown theme 'weather'"),
        ("themes: {accessibility: [Accès]}\ncomplaint_markers: [bug]\n", "without accents"),
        ("themes: {accessibility: [rgaa, rgaa]}\ncomplaint_markers: [bug]\n", "listed twice"),
        ("themes: {}\ncomplaint_markers: [bug]\nextra: 1\n", "extra"),
        ("themes: {}\ncomplaint_markers: [bug]\nstopwords: [on]\n", "valid string"),
    ],
)
def test_a_broken_lexicon_is_refused_naming_the_file_and_the_entry(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError) as refusal:
        read_lexicon(path)
    assert "broken.yaml" in str(refusal.value)
    assert message in str(refusal.value)
