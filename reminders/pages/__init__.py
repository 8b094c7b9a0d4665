"""The staff pages of the reminders package."""

from surveys.pages.registry import PageSpec

PAGES: tuple[PageSpec, ...] = ()
