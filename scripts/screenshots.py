"""Screenshots of the staff pages (French and English, 1440 px) and of the answer form
(390 px), with the real server on the demo data and Debian's Chromium.

    PYTHONPATH=. python scripts/screenshots.py [--out docs/screenshots] [--only home,dashboard]

`--only scenes` takes the pages in a given state (`scripts/screenshot_scenes.py`: who has
answered, per-question results, the people page's editing, the 390 px phone views).

The dashboard is also taken on its dropout tab (`dashboard_dropouts_<lang>.png`, the whole
page, after its charts have drawn).

PNGs are reduced to a 256-colour palette so that they stay small in the repository.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from PIL import Image
from screenshot_scenes import ADMIN, login, shoot_scenes
from sqlmodel import select

from streamlit_app import pages_for
from surveys.campaigns import invitation_token
from surveys.db import create_db_engine, read_session, write_session
from surveys.i18n import t
from surveys.models import Campaign, Invitation, StaffUser, utc_now
from tests.support.browser import chromium
from tests.support.server import run_cli, server_env, start_server


def _small_png(path: Path) -> None:
    image = Image.open(path).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def _set_language(database_url: str, language: str) -> None:
    with write_session(create_db_engine(database_url)) as session:
        user = session.exec(select(StaffUser).where(StaffUser.email == ADMIN[0])).one()
        user.language = language
        session.add(user)


def _answer_link(database_url: str, secret: str) -> str:
    """The link of an invitation of an open campaign that has not been answered yet."""
    with read_session(create_db_engine(database_url)) as session:
        invitation = session.exec(
            select(Invitation)
            .join(Campaign, Campaign.id == Invitation.campaign_id)
            .where(Campaign.closes_at > utc_now(), Invitation.status == "sent")
            .order_by(Invitation.id.desc())
        ).first()
        return f"/r/{invitation_token(invitation, session_secret=secret)}"


def _settle(page) -> None:
    """Wait until the page's script has finished (Streamlit's running widget gone) and the
    charts have drawn."""
    page.wait_for_selector("h1", timeout=60000)
    page.wait_for_timeout(1000)
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=90000
    )
    page.wait_for_timeout(1000)
    page.wait_for_function(  # Vega draws the charts after the script ends: wait for each one
        "[...document.querySelectorAll('.vega-embed')].every(c => c.querySelector('canvas, svg'))",
        timeout=90000,
    )
    page.wait_for_timeout(1500)


def _staff_pages(browser, base: str, out: Path, only: set[str], database_url: str) -> None:
    for language in ("fr", "en"):
        _set_language(database_url, language)
        context, page = login(browser, base, 1440)
        for index, spec in enumerate(pages_for("admin")):
            name = spec.url_path or Path(spec.path).stem
            if only and name not in only:
                continue
            page.goto(f"{base}/{'' if index == 0 else name}")  # the first page is the default
            _settle(page)
            target = out / f"{name}_{language}.png"
            page.screenshot(path=str(target))
            _small_png(target)
            print(target)
            if name == "dashboard":
                _dropout_tab(page, out, language)
        context.close()


def _dropout_tab(page, out: Path, language: str) -> None:
    """The dashboard's dropout tab, the whole page, once its charts have drawn."""
    page.get_by_role("tab", name=t("analysis.dashboard.tab_dropouts", language)).click()
    title = page.get_by_text(t("analysis.dropouts.rate_title", language), exact=True)
    title.first.wait_for(state="visible", timeout=60000)
    page.set_viewport_size({"width": 1440, "height": 2600})  # the app scrolls inside itself
    page.wait_for_timeout(5000)  # Vega draws the charts after the tab shows
    target = out / f"dashboard_dropouts_{language}.png"
    page.screenshot(path=str(target))
    page.set_viewport_size({"width": 1440, "height": 1000})
    _small_png(target)
    print(target)


def _answer_form(browser, base: str, out: Path, link: str) -> None:
    for language in ("fr", "en"):
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        page = context.new_page()
        page.goto(f"{base}{link}?lang={language}")
        target = out / f"answer_form_390_{language}.png"
        page.screenshot(path=str(target))
        _small_png(target)
        page.screenshot(path=str(out / f"answer_form_390_{language}_full.png"), full_page=True)
        _small_png(out / f"answer_form_390_{language}_full.png")
        print(target)
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="screens-"))
    env = server_env(folder, DEMO_DATA="off")
    run_cli(env, "surveys", "demo")
    database_url = f"sqlite:///{folder / 'app.db'}"
    server = start_server(env)
    try:
        with chromium() as browser:
            only = {name for name in args.only.split(",") if name}
            if not only or "answer_form" in only:
                link = _answer_link(database_url, env["SESSION_SECRET"])
                _answer_form(browser, server.base_url, out, link)
            if not only or "scenes" in only:
                shoot_scenes(
                    browser, server.base_url, out, database_url, env, _set_language, _small_png
                )
            pages = only - {"answer_form", "scenes"}
            if not only or pages:
                _staff_pages(browser, server.base_url, out, pages, database_url)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
