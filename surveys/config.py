"""The one settings object: every setting is declared once, as data, with its help text.

The README's settings table is checked against `SETTINGS` by a test, so a setting cannot be
added without being documented.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "dev", "placeholder"})
MIN_SECRET_LENGTH = 32
DISPLAY_TIMEZONE = ZoneInfo("Europe/Paris")  # stored in UTC, shown in Paris time


def paris_day(moment: datetime) -> date:
    """The calendar day in France of an aware datetime (the day a person there would say)."""
    return moment.astimezone(DISPLAY_TIMEZONE).date()


DEFAULT_PERIOD_DAYS = 365


def default_period(today: date) -> tuple[date, date]:
    """The default period of every staff page: the twelve months up to `today`, both ends
    included (365 days; the yearly rhythm of indicator 30)."""
    return today - timedelta(days=DEFAULT_PERIOD_DAYS - 1), today


@dataclass(frozen=True)
class SettingSpec:
    env: str
    default: str
    help: str


class SettingsError(RuntimeError):
    """A setting is missing or unsafe; the message says which and how to fix it."""


# A parser turns the environment's text into the setting's value; `earlier` holds the values
# of the settings declared above it (DATABASE_URL follows DATA_DIR, for instance).
Parser = Callable[[str, str, Mapping[str, Any]], Any]


def _as_is(_name: str, raw: str, _earlier: Mapping[str, Any]) -> str:
    return raw


def _stripped(_name: str, raw: str, _earlier: Mapping[str, Any]) -> str:
    return raw.strip()


def _switch(_name: str, raw: str, _earlier: Mapping[str, Any]) -> bool:
    return raw.strip().lower() in {"on", "1", "true", "yes"}


def _integer(name: str, raw: str, _earlier: Mapping[str, Any]) -> int:
    try:
        return int(raw)
    except ValueError as error:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}.") from error


def _number(name: str, raw: str, _earlier: Mapping[str, Any]) -> float:
    try:
        value = float(raw)
    except ValueError as error:
        raise SettingsError(f"{name} must be a number, got {raw!r}.") from error
    if value <= 0:
        raise SettingsError(f"{name} must be greater than zero, got {raw!r}.")
    return value


def _app_env(_name: str, raw: str, _earlier: Mapping[str, Any]) -> str:
    app_env = raw.strip().lower()
    if app_env not in {"embedded", "production"}:
        raise SettingsError(f"APP_ENV must be 'embedded' or 'production', got {app_env!r}.")
    return app_env


def _smtp_security(_name: str, raw: str, _earlier: Mapping[str, Any]) -> str:
    security = raw.strip().lower()
    if security not in {"none", "starttls", "ssl"}:
        raise SettingsError(f"SMTP_SECURITY must be none, starttls or ssl, got {security!r}.")
    return security


def _base_url(_name: str, raw: str, _earlier: Mapping[str, Any]) -> str:
    return raw.rstrip("/")


def _data_dir(_name: str, value: str, _earlier: Mapping[str, Any]) -> Path:
    path = Path(value)
    return path if path.is_absolute() else PROJECT_ROOT / path


def _database_url(_name: str, url: str, earlier: Mapping[str, Any]) -> str:
    """Relative SQLite paths under `data/` follow DATA_DIR, so one setting moves everything."""
    data_dir = earlier["data_dir"]
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/"):
        relative = url[len(prefix) :]
        if relative.startswith("data/"):
            return prefix + str(data_dir / relative[len("data/") :])
        return prefix + str(PROJECT_ROOT / relative)
    return url


def _embedded_secret(data_dir: Path) -> str:
    """Generate the secret once and keep it under data/, readable by its owner only."""
    path = data_dir / "session_secret"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value, encoding="utf-8")
    path.chmod(0o600)
    return value


def _secret(_name: str, raw: str, earlier: Mapping[str, Any]) -> str:
    unsafe = raw.strip().lower() in PLACEHOLDER_SECRETS or len(raw.strip()) < MIN_SECRET_LENGTH
    if not unsafe:
        return raw.strip()
    if earlier["app_env"] == "production":
        raise SettingsError(
            "SESSION_SECRET is missing or is a placeholder. In production set it to a random "
            f"value of at least {MIN_SECRET_LENGTH} characters, for example the output of "
            '`python -c "import secrets; print(secrets.token_urlsafe(48))"`.'
        )
    return _embedded_secret(earlier["data_dir"])


def _networks(
    _name: str, raw: str, _earlier: Mapping[str, Any]
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    networks = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as error:
            raise SettingsError(
                f"TRUSTED_PROXIES must list IP addresses or networks (e.g. 10.0.0.5, "
                f"10.0.0.0/24), got {item!r}."
            ) from error
    return tuple(networks)


def setting(default: str, help: str, parse: Parser = _as_is) -> Any:
    """Declare a setting: its environment variable is the field's name in capitals."""
    return field(metadata={"default": default, "help": help, "parse": parse})


@dataclass(frozen=True)
class Settings:
    """Every setting, declared once, in the order they are read and checked."""

    app_env: str = setting(
        "embedded", "`embedded` (one machine, generated secret) or `production`.", _app_env
    )
    data_dir: Path = setting(  # noqa: RUF009  (`setting` is a dataclasses.field)
        "data", "Folder for the SQLite file, the generated secret, the mailbox.", _data_dir
    )
    database_url: str = setting(
        "sqlite:///data/app.db", "SQLAlchemy URL of the database.", _database_url
    )
    public_base_url: str = setting(
        "http://localhost:8501",
        "Base of the links put in emails, and the only origin the staff pages accept.",
        _base_url,
    )
    session_secret: str = setting(
        "", "Signs cookies and derives answer links (32+ characters).", _secret
    )
    smtp_host: str = setting(
        "", "SMTP server; empty = messages go to the local mailbox.", _stripped
    )
    smtp_port: int = setting("587", "SMTP port.", _integer)
    smtp_user: str = setting("", "SMTP login; empty = no authentication.")
    smtp_password: str = setting("", "SMTP password.")
    smtp_security: str = setting("starttls", "`none`, `starttls` or `ssl`.", _smtp_security)
    mail_from: str = setting("qualite@example.org", "Sender address of survey emails.", _stripped)
    mail_rate_per_minute: int = setting("120", "Most emails sent in one minute.", _integer)
    mail_rate_per_day: int = setting("2000", "Most emails sent in one day.", _integer)
    mail_retry_days: float = setting(
        "3", "Days a temporarily refused email is retried before failing.", _number
    )
    dispatch_lease_seconds: float = setting(
        "600",
        "After this, a message left 'sending' by a dead dispatcher is marked unknown.",
        _number,
    )
    dispatcher: bool = setting(
        "on", "`on`: the web server starts the email dispatcher as its child process.", _switch
    )
    demo_data: bool = setting(
        "on", "`on` loads demo data when the database is empty at start.", _switch
    )
    login_max_failures: int = setting("5", "Failed logins before an account is locked.", _integer)
    login_lock_minutes: int = setting("15", "How long a locked account stays locked.", _integer)
    login_address_max_failures: int = setting(
        "20",
        "Failed logins from one address, whatever the accounts, before that address waits "
        "LOGIN_LOCK_MINUTES.",
        _integer,
    )
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = setting(
        "",
        "Addresses or networks (comma-separated) of your reverse proxies: only from them is "
        "`X-Forwarded-For` believed.",
        _networks,
    )
    session_hours: int = setting("12", "Lifetime of a staff session cookie.", _integer)
    small_group_min: int = setting(
        "5", "Fewest answers a group needs before its results show.", _integer
    )
    api_rate_per_minute: int = setting(
        "120", "Most HTTP API calls one key may make in a minute.", _integer
    )
    extra: dict[str, str] = field(default_factory=dict)
    public_base_url_set: bool = True  # False: PUBLIC_BASE_URL left to its default

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"

    @property
    def mailbox_dir(self) -> Path:
        return self.data_dir / "mailbox"

    @property
    def smtp_configured(self) -> bool:
        return bool(self.smtp_host)


_DECLARED = tuple(item for item in fields(Settings) if "parse" in item.metadata)
SETTINGS: tuple[SettingSpec, ...] = tuple(
    SettingSpec(item.name.upper(), item.metadata["default"], item.metadata["help"])
    for item in _DECLARED
)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from the environment (or the given mapping)."""
    source = os.environ if env is None else env
    values: dict[str, Any] = {}
    for item in _DECLARED:
        name = item.name.upper()
        raw = source.get(name, item.metadata["default"])
        values[item.name] = item.metadata["parse"](name, raw, values)
    values["public_base_url_set"] = bool(source.get("PUBLIC_BASE_URL", "").strip())
    return Settings(**values)
