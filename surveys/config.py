"""The one settings object: every setting is declared once, as data, with its help text.

The README's settings table is checked against `SETTINGS` by a test, so a setting cannot be
added without being documented.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "dev", "placeholder"})
MIN_SECRET_LENGTH = 32
DISPLAY_TIMEZONE = ZoneInfo("Europe/Paris")  # stored in UTC, shown in Paris time


def paris_day(moment: datetime) -> date:
    """The calendar day in France of an aware datetime (the day a person there would say)."""
    return moment.astimezone(DISPLAY_TIMEZONE).date()


@dataclass(frozen=True)
class SettingSpec:
    env: str
    default: str
    help: str


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "APP_ENV", "embedded", "`embedded` (one machine, generated secret) or `production`."
    ),
    SettingSpec(
        "DATA_DIR", "data", "Folder for the SQLite file, the generated secret, the mailbox."
    ),
    SettingSpec("DATABASE_URL", "sqlite:///data/app.db", "SQLAlchemy URL of the database."),
    SettingSpec(
        "PUBLIC_BASE_URL",
        "http://localhost:8501",
        "Base of the links put in emails, and the only origin the staff pages accept.",
    ),
    SettingSpec("SESSION_SECRET", "", "Signs cookies and derives answer links (32+ characters)."),
    SettingSpec("SMTP_HOST", "", "SMTP server; empty = messages go to the local mailbox."),
    SettingSpec("SMTP_PORT", "587", "SMTP port."),
    SettingSpec("SMTP_USER", "", "SMTP login; empty = no authentication."),
    SettingSpec("SMTP_PASSWORD", "", "SMTP password."),
    SettingSpec("SMTP_SECURITY", "starttls", "`none`, `starttls` or `ssl`."),
    SettingSpec("MAIL_FROM", "qualite@example.org", "Sender address of survey emails."),
    SettingSpec("MAIL_RATE_PER_MINUTE", "120", "Most emails sent in one minute."),
    SettingSpec("MAIL_RATE_PER_DAY", "2000", "Most emails sent in one day."),
    SettingSpec(
        "MAIL_RETRY_DAYS", "3", "Days a temporarily refused email is retried before failing."
    ),
    SettingSpec(
        "DISPATCH_LEASE_SECONDS",
        "600",
        "After this, a message left 'sending' by a dead dispatcher is marked unknown.",
    ),
    SettingSpec("DISPATCHER", "on", "`on` runs the email dispatcher inside the web server."),
    SettingSpec("DEMO_DATA", "on", "`on` loads demo data when the database is empty at start."),
    SettingSpec("LOGIN_MAX_FAILURES", "5", "Failed logins before an account is locked."),
    SettingSpec("LOGIN_LOCK_MINUTES", "15", "How long a locked account stays locked."),
    SettingSpec(
        "LOGIN_ADDRESS_MAX_FAILURES",
        "20",
        "Failed logins from one address, whatever the accounts, before that address waits "
        "LOGIN_LOCK_MINUTES.",
    ),
    SettingSpec(
        "TRUSTED_PROXIES",
        "",
        "Addresses or networks (comma-separated) of your reverse proxies: only from them is "
        "`X-Forwarded-For` believed.",
    ),
    SettingSpec("SESSION_HOURS", "12", "Lifetime of a staff session cookie."),
    SettingSpec("SMALL_GROUP_MIN", "5", "Fewest answers a group needs before its results show."),
    SettingSpec("API_RATE_PER_MINUTE", "120", "Most HTTP API calls one key may make in a minute."),
)


class SettingsError(RuntimeError):
    """A setting is missing or unsafe; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    app_env: str
    data_dir: Path
    database_url: str
    public_base_url: str
    session_secret: str
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password: str
    smtp_security: str
    mail_from: str
    mail_rate_per_minute: int
    mail_rate_per_day: int
    mail_retry_days: float
    dispatch_lease_seconds: float
    dispatcher: bool
    demo_data: bool
    login_max_failures: int
    login_lock_minutes: int
    login_address_max_failures: int
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    session_hours: int
    small_group_min: int
    api_rate_per_minute: int = 120
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


def _raw(env: Mapping[str, str]) -> dict[str, str]:
    return {spec.env: env.get(spec.env, spec.default) for spec in SETTINGS}


def _resolve_data_dir(value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else PROJECT_ROOT / path


def _resolve_database_url(url: str, data_dir: Path) -> str:
    """Relative SQLite paths under `data/` follow DATA_DIR, so one setting moves everything."""
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


def _secret(raw: str, *, production: bool, data_dir: Path) -> str:
    unsafe = raw.strip().lower() in PLACEHOLDER_SECRETS or len(raw.strip()) < MIN_SECRET_LENGTH
    if not unsafe:
        return raw.strip()
    if production:
        raise SettingsError(
            "SESSION_SECRET is missing or is a placeholder. In production set it to a random "
            f"value of at least {MIN_SECRET_LENGTH} characters, for example the output of "
            '`python -c "import secrets; print(secrets.token_urlsafe(48))"`.'
        )
    return _embedded_secret(data_dir)


def _integer(raw: dict[str, str], name: str) -> int:
    try:
        return int(raw[name])
    except ValueError as error:
        raise SettingsError(f"{name} must be a whole number, got {raw[name]!r}.") from error


def _number(raw: dict[str, str], name: str) -> float:
    try:
        value = float(raw[name])
    except ValueError as error:
        raise SettingsError(f"{name} must be a number, got {raw[name]!r}.") from error
    if value <= 0:
        raise SettingsError(f"{name} must be greater than zero, got {raw[name]!r}.")
    return value


def _networks(raw: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
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


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from the environment (or the given mapping)."""
    source = os.environ if env is None else env
    raw = _raw(source)
    app_env = raw["APP_ENV"].strip().lower()
    if app_env not in {"embedded", "production"}:
        raise SettingsError(f"APP_ENV must be 'embedded' or 'production', got {app_env!r}.")
    security = raw["SMTP_SECURITY"].strip().lower()
    if security not in {"none", "starttls", "ssl"}:
        raise SettingsError(f"SMTP_SECURITY must be none, starttls or ssl, got {security!r}.")
    data_dir = _resolve_data_dir(raw["DATA_DIR"])
    production = app_env == "production"
    return Settings(
        app_env=app_env,
        data_dir=data_dir,
        database_url=_resolve_database_url(raw["DATABASE_URL"], data_dir),
        public_base_url=raw["PUBLIC_BASE_URL"].rstrip("/"),
        session_secret=_secret(raw["SESSION_SECRET"], production=production, data_dir=data_dir),
        smtp_host=raw["SMTP_HOST"].strip(),
        smtp_port=_integer(raw, "SMTP_PORT"),
        smtp_user=raw["SMTP_USER"],
        smtp_password=raw["SMTP_PASSWORD"],
        smtp_security=security,
        mail_from=raw["MAIL_FROM"].strip(),
        mail_rate_per_minute=_integer(raw, "MAIL_RATE_PER_MINUTE"),
        mail_rate_per_day=_integer(raw, "MAIL_RATE_PER_DAY"),
        mail_retry_days=_number(raw, "MAIL_RETRY_DAYS"),
        dispatch_lease_seconds=_number(raw, "DISPATCH_LEASE_SECONDS"),
        dispatcher=raw["DISPATCHER"].strip().lower() in {"on", "1", "true", "yes"},
        demo_data=raw["DEMO_DATA"].strip().lower() in {"on", "1", "true", "yes"},
        login_max_failures=_integer(raw, "LOGIN_MAX_FAILURES"),
        login_lock_minutes=_integer(raw, "LOGIN_LOCK_MINUTES"),
        login_address_max_failures=_integer(raw, "LOGIN_ADDRESS_MAX_FAILURES"),
        trusted_proxies=_networks(raw["TRUSTED_PROXIES"]),
        session_hours=_integer(raw, "SESSION_HOURS"),
        small_group_min=_integer(raw, "SMALL_GROUP_MIN"),
        public_base_url_set=bool(source.get("PUBLIC_BASE_URL", "").strip()),
        api_rate_per_minute=_integer(raw, "API_RATE_PER_MINUTE"),
    )
