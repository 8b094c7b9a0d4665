"""Where the shipped banks and templates live."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BANKS_DIR = PACKAGE_DIR / "banks"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
