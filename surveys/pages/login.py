import streamlit as st

from surveys.i18n import t

st.title(t("common.app_name"))
st.info(t("login.please_login"))
st.link_button(t("login.go_to_login"), "/auth/login", type="primary")
st.caption(f"{t('common.app_name', 'en')} — [{t('login.go_to_login', 'en')}](/auth/login?lang=en)")
