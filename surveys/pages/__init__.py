"""The staff pages of the surveys package."""

from surveys.pages.registry import ALL_STAFF, DESIGNERS, PageSpec

PAGES = (
    PageSpec("surveys/pages/home.py", "nav.home", ALL_STAFF, "nav.section_main",
             ":material/home:", order=0),
    PageSpec("surveys/pages/people.py", "nav.people", DESIGNERS, "nav.section_send",
             ":material/groups:", order=10),
    PageSpec("surveys/pages/users.py", "nav.users", ("admin",), "nav.section_admin",
             ":material/manage_accounts:", order=10),
    PageSpec("surveys/pages/organisation.py", "nav.organisation", ("admin",),
             "nav.section_admin", ":material/apartment:", order=20),
)
