"""The staff pages of the question banks (page layer: may import streamlit and surveys)."""

from surveys.pages.registry import DESIGNERS, PageSpec

PAGES = (
    PageSpec(
        "question_banks/pages/browse.py",
        "nav.banks",
        DESIGNERS,
        "nav.section_design",
        ":material/quiz:",
        order=10,
    ),
    PageSpec(
        "question_banks/pages/custom.py",
        "nav.custom_questions",
        DESIGNERS,
        "nav.section_design",
        ":material/edit_note:",
        order=20,
    ),
)
