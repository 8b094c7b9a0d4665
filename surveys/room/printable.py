"""The session link's QR code (PNG, with segno: pure Python) and its A4 sheet (WeasyPrint)."""

from __future__ import annotations

import io

import segno

from surveys.rendering import render_html

QR_SCALE = 12  # 12 px per module: sharp on a projector and on paper


def qr_png(url: str, *, scale: int = QR_SCALE) -> bytes:
    """The QR code of `url` (error correction M, quiet zone of 4 modules)."""

    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def qr_data_uri(url: str, *, scale: int = QR_SCALE) -> str:
    return segno.make_qr(url, error="m").png_data_uri(scale=scale, border=4)


def sheet_html(*, url: str, survey: str, session_code: str, language: str) -> str:
    return render_html(
        "room/sheet.html",
        lang=language,
        url=url,
        survey=survey,
        session_code=session_code,
        qr_data_uri=qr_data_uri(url),
    )


def sheet_pdf(*, url: str, survey: str, session_code: str, language: str) -> bytes:
    """The printable A4 sheet: the QR code, the survey and session, how to answer, the URL."""
    from weasyprint import HTML

    html = sheet_html(url=url, survey=survey, session_code=session_code, language=language)
    return HTML(string=html).write_pdf()
