"""The staff pages of the surveys package."""

from surveys.pages.registry import ALL_STAFF, DESIGNERS, PageSpec

PAGES = (
    PageSpec("surveys/pages/home.py", "nav.home", ALL_STAFF, "nav.section_main",
             ":material/home:", order=0),
    PageSpec("surveys/pages/builder.py", "builder.nav.compose", DESIGNERS, "nav.section_design",
             ":material/edit_note:", order=5),
    PageSpec("surveys/pages/plans.py", "builder.nav.plans", DESIGNERS, "nav.section_design",
             ":material/event_repeat:", order=30),
    PageSpec("surveys/pages/people.py", "nav.people", DESIGNERS, "nav.section_send",
             ":material/groups:", order=10),
    PageSpec("surveys/pages/people_import.py", "people_import.nav", DESIGNERS,
             "nav.section_send", ":material/upload_file:", order=15),
    PageSpec("surveys/pages/users.py", "nav.users", ("admin",), "nav.section_admin",
             ":material/manage_accounts:", order=10),
    PageSpec("surveys/pages/organisation.py", "nav.organisation", ("admin",),
             "nav.section_admin", ":material/apartment:", order=20),
    PageSpec("surveys/pages/privacy.py", "nav.privacy", DESIGNERS, "nav.section_admin",
             ":material/shield_person:", order=30),
    PageSpec("surveys/pages/audit.py", "nav.audit", ("admin",), "nav.section_admin",
             ":material/history:", order=40),
)
