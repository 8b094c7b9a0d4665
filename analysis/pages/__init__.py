"""The staff pages of the analysis package."""

from surveys.pages.registry import PageSpec

PAGES: tuple[PageSpec, ...] = ()
