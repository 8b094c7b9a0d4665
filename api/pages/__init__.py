"""The staff pages of the API package: keys and webhooks (admins only)."""

from surveys.pages.registry import PageSpec

PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "api/pages/keys.py",
        "api.nav.keys",
        ("admin",),
        "nav.section_admin",
        ":material/key:",
        order=50,
    ),
    PageSpec(
        "api/pages/webhooks.py",
        "api.nav.webhooks",
        ("admin",),
        "nav.section_admin",
        ":material/webhook:",
        order=60,
    ),
)
