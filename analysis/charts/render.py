"""Charts to pictures without a browser (vl-convert), for the dashboard and the PDF alike."""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

import altair as alt
import vl_convert

FONT = "DejaVu Sans"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
WIDTH = 560


def share_axis(field: str, title: str | None) -> alt.X:
    """The x axis of a share or a rate: from 0 to 100 %."""
    return alt.X(
        f"{field}:Q", title=title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])
    )


def chart_png(chart: alt.TopLevelMixin, *, scale: float = 2.0) -> bytes:
    """The chart as a PNG image (vl-convert, no browser)."""
    return vl_convert.vegalite_to_png(chart.to_json(), scale=scale)


@cache
def _fonts_registered() -> bool:
    if FONT_DIR.exists():
        vl_convert.register_font_directory(str(FONT_DIR))
    return True


def png_data_uri(chart: alt.TopLevelMixin | None) -> str | None:
    """The chart as a `data:image/png;base64,...` URI with the font registered (for documents
    printed without a browser); None when there is nothing to draw."""
    if chart is None:
        return None
    _fonts_registered()
    png = vl_convert.vegalite_to_png(chart.to_dict(), scale=2)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
