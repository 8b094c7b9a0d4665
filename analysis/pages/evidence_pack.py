import streamlit as st

from analysis.evidence import collect_evidence, document_cache, evidence_document, evidence_pdf
from analysis.pages.improve_shared import improve_page, today
from surveys import formatting
from surveys.pages.common import READERS, context, lang, tr

_, start, end = improve_page("pack", "pack_period", READERS)
language = st.radio(
    tr("improve.pages.pack_language"),
    ["fr", "en"],
    key="pack_language",
    index=0 if lang() == "fr" else 1,
    horizontal=True,
    format_func=lambda value: {"fr": "Français", "en": "English"}[value],
)
if st.button(tr("improve.pages.pack_build"), key="pack_build", type="primary"):
    with st.spinner(tr("improve.pages.pack_building")):
        cache = document_cache(context().settings.data_dir)
        data = collect_evidence(
            engine=context().engine,
            settings=context().settings,
            start=start,
            end=end,
            today=min(today(), end),
            language=language,
            cache=cache,
        )
        document = evidence_document(data, language)
        pdf = evidence_pdf(document, cache)
        st.session_state["evidence_pack"] = (document.html, pdf, start, end)
built = st.session_state.get("evidence_pack")
if built:
    html, pdf, built_start, built_end = built
    name = f"dossier-preuves-{built_start:%Y%m%d}-{built_end:%Y%m%d}"
    st.success(
        tr(
            "improve.pages.pack_ready",
            start=formatting.day(built_start, lang()),
            end=formatting.day(built_end, lang()),
        )
    )
    left, right = st.columns(2)
    left.download_button(
        tr("improve.pages.pack_pdf"),
        pdf,
        f"{name}.pdf",
        "application/pdf",
        key="pack_pdf",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
    )
    right.download_button(
        tr("improve.pages.pack_html"),
        html.encode("utf-8"),
        f"{name}.html",
        "text/html",
        key="pack_html",
        icon=":material/html:",
        on_click="ignore",
    )
