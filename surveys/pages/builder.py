"""Survey builder: create a survey (template or scratch), compose it, preview it exactly as
respondents will see it, publish frozen versions, duplicate, archive."""

import streamlit as st

from surveys.pages.builder_create import show_create
from surveys.pages.builder_parts import load, pick_survey, show_flash, survey_label
from surveys.pages.builder_pick import show_custom_form, show_picker
from surveys.pages.builder_publish import show_preview, show_publication
from surveys.pages.builder_questions import show_sections
from surveys.pages.builder_settings import show_settings
from surveys.pages.common import staff_page, tr

staff_page("builder.title", "builder.intro")
survey_id = pick_survey()
show_flash()
if survey_id is None:
    show_create()
    st.stop()

loaded = load(survey_id)
st.subheader(survey_label(loaded.survey))
if loaded.survey.status == "archived":
    st.info(tr("builder.archived_notice"))
names = [tr(f"builder.tab_{name}") for name in ("questions", "settings", "preview", "publish")]
questions, settings, preview, publication = st.tabs(
    names, key=f"builder_tab_{survey_id}", on_change="rerun"
)
if questions.open:
    with questions:
        show_sections(loaded)
        with st.expander(
            tr("builder.add_from_banks"), expanded=not loaded.survey.draft["sections"]
        ):
            show_picker(loaded)
        with st.expander(tr("builder.add_custom_title")):
            show_custom_form(loaded)
if settings.open:
    with settings:
        show_settings(loaded)
if preview.open:
    with preview:
        show_preview(loaded)
if publication.open:
    with publication:
        show_publication(loaded)
