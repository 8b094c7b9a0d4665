import pandas as pd
import streamlit as st

from analysis import charts
from analysis.charts.memo import figure_of
from analysis.labels import display_table
from analysis.pages.figures import downloads, show_figure
from analysis.pages.shared import filter_bar, language, refresh_button
from analysis.pages.shared import tables as dashboard_tables
from surveys.config import paris_day
from surveys.formatting import display_frame
from surveys.models import utc_now
from surveys.pages.common import READERS, staff_page, tr

staff_page("analysis.coverage.title", "analysis.coverage.intro", roles=READERS)
with st.expander(tr("analysis.filters.title"), expanded=False):
    filters = filter_bar("coverage", period_only=True)
    refresh_button()
code = language()
numbers = dashboard_tables(filters, groups=("coverage",))
alerts = numbers["coverage_alerts"]
st.subheader(tr("analysis.coverage.alerts"))
if alerts.empty:
    st.success(tr("analysis.coverage.no_alert"))
else:
    for row in display_frame(display_table(alerts, code), code).itertuples(index=False):
        st.warning(" — ".join(str(value) for value in row if value), icon=":material/warning:")
    downloads("alertes", display_table(alerts, code), "coverage_alerts")
show_figure(
    figure_of(
        charts.coverage_chart,
        numbers["coverage"],
        now=pd.Timestamp(paris_day(utc_now())),
        language=code,
    ),
    "coverage_matrix",
)
