"""Every setting the project reads from the environment, in one place, each checked with a clear
message (which variable, what was expected, what to do).

`Settings.from_env()` reads them all at once (start-up checks, the production profile, the
channels); the small functions below read one each for the hot paths (the emergency number is
read on every emergency reply, so a bad value elsewhere never stops it). No other module reads
os.environ for configuration (a test checks), and `VARIABLES` lists every name, which the
deployment files are checked against.
"""
from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from datetime import time as dt_time
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Union

from spasm_aid.paths import ROOT

DEFAULT_EMERGENCY_NUMBER = "911"
PROJECT_ROOT = ROOT  # kept: the name other modules use
DEFAULT_VAR_DIR = PROJECT_ROOT / "var"
DEFAULT_ALLOWED_ORIGINS = (
    "http://localhost:5005", "http://127.0.0.1:5005", "http://localhost:8080", "http://127.0.0.1:8080",
)
DEFAULT_TELEGRAM_API = "https://api.telegram.org"
DEFAULT_SLACK_API = "https://slack.com/api/"

# Every variable the project reads, with what it is for (docs/production.md explains them).
VARIABLES = {
    "SPASM_AID_EMERGENCY_NUMBER": "the number the emergency message gives (2-6 digits; 911 by default)",
    "SPASM_AID_VAR_DIR": "where the session log, salt and logs live (var/)",
    "SPASM_AID_DB_URL": "the session log database (SQLite in var/ by default)",
    "SPASM_AID_LOG_TEXT": "1 to keep what people typed in the session log (off by default)",
    "SPASM_AID_LOCALE": "language of the replies (en)",
    "SPASM_AID_PACK_MINUTES": "minutes an ice or heat pack stays on (20)",
    "SPASM_AID_WALK_INTERVAL_MINUTES": "minutes between gentle-walk reminders (120)",
    "SPASM_AID_ALLOWED_ORIGINS": "web pages allowed to talk to the assistant",
    "SPASM_AID_SENDER_SALT": "the salt of the hashed sender ids (a random one in var/ by default)",
    "SPASM_AID_API_TOKEN": "the token of Rasa's HTTP API in the production profile",
    "SPASM_AID_ACTION_PORT": "port of the action server started by make run / make serve",
    "SPASM_AID_ACTION_URL": "production profile: where Rasa calls the actions (read by Rasa from endpoints.production.yml)",
    "ALEXA_SKILL_ID": "the Alexa skill whose requests are accepted",
    "ALEXA_TRUST_ROOTS": "CA bundle for Alexa's signing certificate (certifi's by default)",
    "ALEXA_CERT_MIRROR": "a local mirror of Alexa's certificate URLs (tests)",
    "TELEGRAM_BOT_TOKEN": "the Telegram bot's token",
    "TELEGRAM_WEBHOOK_SECRET": "the secret Telegram sends with every update",
    "TELEGRAM_API_URL": "Telegram's Bot API (tests point it at a local fake)",
    "SLACK_BOT_TOKEN": "the Slack app's bot token",
    "SLACK_SIGNING_SECRET": "the Slack app's signing secret",
    "SLACK_API_URL": "Slack's Web API (tests point it at a local fake)",
    "SPASM_AID_ALERT_HOME_ASSISTANT_WEBHOOK": "household alert: a Home Assistant webhook URL (opt-in)",
    "SPASM_AID_ALERT_TELEGRAM_CHAT": "household alert: a Telegram chat id, through TELEGRAM_BOT_TOKEN (opt-in)",
    "SPASM_AID_ALERT_WEBHOOK": "household alert: any URL that takes a JSON POST (opt-in)",
    "SPASM_AID_PUBLIC_PORT": "production profile: nginx's public port (8080)",
    "SPASM_AID_ACTION_LB_PORT": "production profile: nginx's internal port for the action servers (8055)",
    "SANIC_WORKERS": "production profile: Sanic workers per Rasa server (1)",
    "SPASM_AID_PG_HOST": "production profile: PostgreSQL host",
    "SPASM_AID_PG_PORT": "production profile: PostgreSQL port",
    "SPASM_AID_PG_USER": "production profile: PostgreSQL user",
    "SPASM_AID_PG_PASSWORD": "production profile: PostgreSQL password",
    "SPASM_AID_PG_DATABASE": "production profile: PostgreSQL database",
    "SPASM_AID_REDIS_HOST": "production profile: Redis host",
    "SPASM_AID_REDIS_PORT": "production profile: Redis port",
    "SPASM_AID_REDIS_DB": "production profile: Redis database number",
    "SPASM_AID_REDIS_PREFIX": "production profile: prefix of the Redis keys",
    "SPASM_AID_REDIS_PASSWORD": "production profile: Redis password (none by default)",
    "SPASM_AID_VOICE_RECOGNISERS": "recognisers of the voice connector, each hearing one speaker at a time (2, at most the cores)",
    "SPASM_AID_SHARED_STATE": "memory (one server, the default) or redis: where servers agree that a Slack event or household alert is handled once",
    "SPASM_AID_CHECK_IN_MINUTES": "minutes from the offer to the first follow-up check-in (180)",
    "SPASM_AID_CHECK_IN_MORNING": "local time of the next-morning check-in, HH:MM (09:00)",
    "SPASM_AID_CHECK_IN_SECOND_MINUTES": "tests: minutes from the first check-in to the second, instead of the next morning",
    "SPASM_AID_CHECK_IN_POLL_SECONDS": "how often each Rasa server looks for check-ins that are due (30)",
    "SPASM_AID_MAX_BODY": "production profile: largest request nginx passes on (2200k)",
    "SPASM_AID_ACTION_MAX_BODY": "production profile: largest call to the action servers (16m)",
}

Environ = Optional[Mapping[str, str]]


class SettingsError(ValueError):
    """An environment variable has a value the assistant cannot use."""


def _get(name: str, environ: Environ = None, default: str = "") -> str:
    assert name in VARIABLES, f"{name} is not listed in spasm_aid.settings.VARIABLES"
    value = (os.environ if environ is None else environ).get(name, "").strip()
    return value or default


def _int(name: str, default: int, environ: Environ = None, low: int = 0, high: int = 65535) -> int:
    value = _get(name, environ)
    if not value:
        return default
    if not re.fullmatch(r"\d+", value) or not low <= int(value) <= high:
        raise SettingsError(f"{name} must be a whole number from {low} to {high}; got {value!r}. Fix the variable and restart.")
    return int(value)


# said digit by digit wherever they stand, and never junk; the configured number (2 to 6 digits:
# 15 in France, 1122 in Pakistan) is too, after "call", "dial", "ring" or "phone"
WELL_KNOWN_EMERGENCY_NUMBERS = ("911", "999", "112", "000", "111")


def emergency_number(environ: Environ = None) -> str:
    """The number the emergency message tells people to call (SPASM_AID_EMERGENCY_NUMBER)."""
    # set but empty is a mistake, not "use 911": in the UK that default would send people to a wrong number
    source = os.environ if environ is None else environ
    value = source["SPASM_AID_EMERGENCY_NUMBER"].strip() if "SPASM_AID_EMERGENCY_NUMBER" in source else DEFAULT_EMERGENCY_NUMBER
    if not re.fullmatch(r"\d{2,6}", value):
        raise SettingsError(
            f"SPASM_AID_EMERGENCY_NUMBER must be the local emergency number as 2 to 6 digits "
            f"(911 US, 999 UK, 112 EU, 000 AU, 111 NZ); got {value!r}. Fix the variable and restart."
        )
    return value


# The health services a reply names follow the country (clinical-guidance section 1: with 999,
# "call NHS 111 or your GP today"; UK NHS physiotherapy self-referral, section 4). The country is
# read from the number and the locale already configured: 999, or a British English locale.
UK = "uk"
UK_LOCALES = ("en-gb", "en_gb", "en-uk", "en_uk")


def health_service_region(number: str, locale_name: str) -> Optional[str]:
    """"uk" where the UK's services apply (999, or an en-GB locale); None: name no country's."""
    if number == "999" or locale_name.strip().lower() in UK_LOCALES:
        return UK
    return None


SHARED_STATES = ("memory", "redis")


def voice_recognisers(environ: Environ = None) -> int:
    """How many speakers the voice connector hears at once (each recogniser adds about 140 MB)."""
    return _int("SPASM_AID_VOICE_RECOGNISERS", min(2, os.cpu_count() or 1), environ, low=1, high=16)


def shared_state(environ: Environ = None) -> str:
    """Where "handled once" is remembered (spasm_aid/once.py): this server's memory, or Redis
    when several servers answer (the production profile)."""
    value = _get("SPASM_AID_SHARED_STATE", environ, "memory").lower()
    if value not in SHARED_STATES:
        raise SettingsError(f"SPASM_AID_SHARED_STATE must be memory or redis; got {value!r}. Fix the variable and restart.")
    return value


def var_dir(environ: Environ = None) -> Path:
    return Path(_get("SPASM_AID_VAR_DIR", environ, str(DEFAULT_VAR_DIR)))


def database_url(environ: Environ = None) -> str:
    """Session log database: SPASM_AID_DB_URL, or SQLite at var/sessions.db."""
    return _get("SPASM_AID_DB_URL", environ) or f"sqlite:///{var_dir(environ) / 'sessions.db'}"


def log_text(environ: Environ = None) -> bool:
    """Free text is stored only when SPASM_AID_LOG_TEXT=1 (opt in)."""
    return _get("SPASM_AID_LOG_TEXT", environ, "0").lower() in ("1", "true", "yes")


def locale(environ: Environ = None) -> str:
    return _get("SPASM_AID_LOCALE", environ, "en")


def _minutes(name: str, default: float, environ: Environ = None) -> float:
    value = _get(name, environ)
    if not value:
        return default
    try:
        minutes = float(value)
    except ValueError:
        raise SettingsError(f"{name} must be a number of minutes, got {value!r}") from None
    if not 0 < minutes <= 24 * 60:
        raise SettingsError(f"{name} must be between 0 and 1440 minutes, got {value!r}")
    return minutes


def pack_minutes(environ: Environ = None) -> float:
    """How long an ice or heat pack stays on (SPASM_AID_PACK_MINUTES; guidance: 15-20)."""
    return _minutes("SPASM_AID_PACK_MINUTES", 20.0, environ)


def walk_interval_minutes(environ: Environ = None) -> float:
    """Gap between gentle-walk reminders (SPASM_AID_WALK_INTERVAL_MINUTES; 'every couple of hours')."""
    return _minutes("SPASM_AID_WALK_INTERVAL_MINUTES", 120.0, environ)


def check_in_minutes(environ: Environ = None) -> float:
    """Minutes from the offer to the first check-in (clinical-guidance section 7: "a few hours later")."""
    return _minutes("SPASM_AID_CHECK_IN_MINUTES", 180.0, environ)


def check_in_second_minutes(environ: Environ = None) -> Optional[float]:
    """Minutes from the first check-in to the second; None (the default): the next morning."""
    return _minutes("SPASM_AID_CHECK_IN_SECOND_MINUTES", 0.0, environ) or None


def check_in_morning(environ: Environ = None) -> dt_time:
    """Local time of the next-morning check-in (SPASM_AID_CHECK_IN_MORNING, HH:MM; 09:00)."""
    value = _get("SPASM_AID_CHECK_IN_MORNING", environ) or "09:00"
    found = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value.strip())
    if not found:
        raise SettingsError(f"SPASM_AID_CHECK_IN_MORNING must be a time like 09:00, got {value!r}")
    return dt_time(int(found.group(1)), int(found.group(2)))


def check_in_poll_seconds(environ: Environ = None) -> float:
    """How often each Rasa server looks for due check-ins (SPASM_AID_CHECK_IN_POLL_SECONDS; 30)."""
    value = _get("SPASM_AID_CHECK_IN_POLL_SECONDS", environ)
    if not value:
        return 30.0
    try:
        seconds = float(value)
    except ValueError:
        raise SettingsError(f"SPASM_AID_CHECK_IN_POLL_SECONDS must be a number of seconds, got {value!r}") from None
    if not 0.1 <= seconds <= 3600:
        raise SettingsError(f"SPASM_AID_CHECK_IN_POLL_SECONDS must be between 0.1 and 3600, got {value!r}")
    return seconds


def allowed_origins(environ: Environ = None) -> Union[str, List[str]]:
    """Web pages allowed to talk to the assistant (browsers send their Origin): the list in
    SPASM_AID_ALLOWED_ORIGINS (spaces or commas between them), or "*" for any. Clients that are
    not browsers (speakers, messaging webhooks) send no Origin and are not affected."""
    value = _get("SPASM_AID_ALLOWED_ORIGINS", environ)
    if value == "*":
        return "*"
    origins = [o.rstrip("/") for o in re.split(r"[\s,]+", value) if o] or list(DEFAULT_ALLOWED_ORIGINS)
    bad = [o for o in origins if not re.match(r"^https?://[^/\s]+$", o)]
    if bad:
        raise SettingsError(
            f"SPASM_AID_ALLOWED_ORIGINS: {bad} are not origins; expected scheme://host[:port], e.g. https://clinic.example"
        )
    return origins


def origin_allowed(origin) -> bool:
    """A request without an Origin header is not from a web page: allowed."""
    if not origin:
        return True
    allowed = allowed_origins()
    return allowed == "*" or origin.rstrip("/") in allowed


def sender_salt_value(environ: Environ = None) -> str:
    """SPASM_AID_SENDER_SALT, or "" (then the session log keeps a random salt in var/)."""
    return _get("SPASM_AID_SENDER_SALT", environ)


def action_port(environ: Environ = None) -> int:
    return _int("SPASM_AID_ACTION_PORT", 5055, environ, low=1)


def _read_all(readers: Dict[str, Callable[[], Any]]) -> Dict[str, Any]:
    """Every value read; a SettingsError naming every variable that is wrong at once."""
    values, problems = {}, []
    for name, read in readers.items():
        try:
            values[name] = read()
        except SettingsError as error:
            problems.extend(str(error).splitlines())
    if problems:
        raise SettingsError("\n".join(problems))
    return values


@dataclass(frozen=True)
class AlexaSettings:
    skill_id: Optional[str]
    trust_roots: Optional[str]  # None: certifi's bundle
    cert_mirror: str

    @classmethod
    def from_env(cls, environ: Environ = None) -> AlexaSettings:
        return cls(_get("ALEXA_SKILL_ID", environ) or None, _get("ALEXA_TRUST_ROOTS", environ) or None,
                   _get("ALEXA_CERT_MIRROR", environ).rstrip("/"))


@dataclass(frozen=True)
class PlatformSettings:
    """A messaging platform's bot token, the secret its requests are checked with (Telegram's
    webhook secret, Slack's signing secret) and its API's address."""

    bot_token: str
    secret: str
    api_url: str

    @classmethod
    def read(cls, platform: str, secret_name: str, default_api: str, environ: Environ = None) -> PlatformSettings:
        return cls(_get(f"{platform}_BOT_TOKEN", environ), _get(f"{platform}_{secret_name}", environ),
                   _get(f"{platform}_API_URL", environ, default_api))

    @classmethod
    def telegram(cls, environ: Environ = None) -> PlatformSettings:
        return cls.read("TELEGRAM", "WEBHOOK_SECRET", DEFAULT_TELEGRAM_API, environ)

    @classmethod
    def slack(cls, environ: Environ = None) -> PlatformSettings:
        return cls.read("SLACK", "SIGNING_SECRET", DEFAULT_SLACK_API, environ)


@dataclass(frozen=True)
class AlertSettings:
    """Where the household alert goes (spasm_aid/alerts.py); nothing is sent unless one is set."""

    home_assistant_webhook: str
    telegram_chat: str
    webhook: str

    @classmethod
    def from_env(cls, environ: Environ = None) -> AlertSettings:
        urls = {}
        for field_name, name in (("home_assistant_webhook", "SPASM_AID_ALERT_HOME_ASSISTANT_WEBHOOK"),
                                 ("webhook", "SPASM_AID_ALERT_WEBHOOK")):
            value = _get(name, environ)
            if value and not re.match(r"^https?://[^\s/]+", value):
                raise SettingsError(f"{name} must be an http(s) URL, e.g. http://homeassistant.local:8123/api/webhook/<id>; got {value!r}.")
            urls[field_name] = value
        chat = _get("SPASM_AID_ALERT_TELEGRAM_CHAT", environ)
        if chat and not re.fullmatch(r"-?[0-9]{1,20}|@[A-Za-z0-9_]{5,64}", chat):
            raise SettingsError(f"SPASM_AID_ALERT_TELEGRAM_CHAT must be a chat id (digits) or @channelname; got {chat!r}.")
        return cls(urls["home_assistant_webhook"], chat, urls["webhook"])


_SIZE = re.compile(r"\d+[km]?")


@dataclass(frozen=True)
class ProductionSettings:
    """The production profile's own settings (tools/production.py; docs/production.md)."""

    public_port: int = 8080
    action_port: int = 8055
    sanic_workers: int = 1
    pg_host: str = "127.0.0.1"
    pg_port: int = 5432
    pg_user: str = "postgres"
    pg_password: str = ""
    pg_database: str = "spasm_aid"
    redis_host: str = "127.0.0.1"
    redis_port: int = 6379
    redis_db: int = 0
    redis_prefix: str = "spasmaid"
    redis_password: str = ""
    # The largest request nginx passes on: a voice recording of up to 2 MiB. Each channel refuses
    # what is too big for it below that (64 KiB of JSON on REST), reading the refused text for a
    # red flag first, which nginx cannot do.
    max_body: str = "2200k"
    # Action calls carry the whole conversation (the tracker), so the internal hop to the action
    # servers needs far more than a message: 64k broke conversations after about 20 turns.
    action_max_body: str = "16m"
    api_token: str = ""

    @classmethod
    def from_env(cls, environ: Environ = None) -> ProductionSettings:
        d = cls()

        def size(name: str, default: str) -> str:
            value = _get(name, environ, default).lower()
            if not _SIZE.fullmatch(value):
                raise SettingsError(f"{name} must be an nginx size such as 2200k or 16m; got {value!r}.")
            return value

        readers = dict(
            public_port=lambda: _int("SPASM_AID_PUBLIC_PORT", d.public_port, environ, low=1),
            action_port=lambda: _int("SPASM_AID_ACTION_LB_PORT", d.action_port, environ, low=1),
            sanic_workers=lambda: _int("SANIC_WORKERS", d.sanic_workers, environ, low=1, high=64),
            pg_host=lambda: _get("SPASM_AID_PG_HOST", environ, d.pg_host),
            pg_port=lambda: _int("SPASM_AID_PG_PORT", d.pg_port, environ, low=1),
            pg_user=lambda: _get("SPASM_AID_PG_USER", environ, d.pg_user),
            # a password is taken as given, spaces and all
            pg_password=lambda: (os.environ if environ is None else environ).get("SPASM_AID_PG_PASSWORD", ""),
            pg_database=lambda: _get("SPASM_AID_PG_DATABASE", environ, d.pg_database),
            redis_host=lambda: _get("SPASM_AID_REDIS_HOST", environ, d.redis_host),
            redis_port=lambda: _int("SPASM_AID_REDIS_PORT", d.redis_port, environ, low=1),
            redis_db=lambda: _int("SPASM_AID_REDIS_DB", d.redis_db, environ, high=1024),
            redis_prefix=lambda: _get("SPASM_AID_REDIS_PREFIX", environ, d.redis_prefix),
            redis_password=lambda: (os.environ if environ is None else environ).get("SPASM_AID_REDIS_PASSWORD", ""),
            max_body=lambda: size("SPASM_AID_MAX_BODY", d.max_body),
            action_max_body=lambda: size("SPASM_AID_ACTION_MAX_BODY", d.action_max_body),
            api_token=lambda: _get("SPASM_AID_API_TOKEN", environ),
        )
        return cls(**_read_all(readers))


@dataclass(frozen=True)
class Settings:
    emergency_number: str = DEFAULT_EMERGENCY_NUMBER
    var_dir: Path = DEFAULT_VAR_DIR
    database_url: str = f"sqlite:///{DEFAULT_VAR_DIR / 'sessions.db'}"
    log_text: bool = False
    locale: str = "en"
    pack_minutes: float = 20.0
    walk_interval_minutes: float = 120.0
    allowed_origins: Union[str, Tuple[str, ...]] = DEFAULT_ALLOWED_ORIGINS
    sender_salt: str = ""
    action_port: int = 5055
    shared_state: str = "memory"
    voice_recognisers: int = 2
    alexa: AlexaSettings = field(default_factory=lambda: AlexaSettings.from_env({}))
    telegram: PlatformSettings = field(default_factory=lambda: PlatformSettings.telegram({}))
    slack: PlatformSettings = field(default_factory=lambda: PlatformSettings.slack({}))
    production: ProductionSettings = field(default_factory=ProductionSettings)
    alerts: AlertSettings = field(default_factory=lambda: AlertSettings.from_env({}))

    @property
    def region(self) -> Optional[str]:
        """Whose health services the replies name (health_service_region)."""
        return health_service_region(self.emergency_number, self.locale)

    @classmethod
    def from_env(cls, environ: Environ = None) -> Settings:
        """Every setting, checked; a SettingsError lists every variable that is wrong at once."""
        readers = {
            "emergency_number": emergency_number, "var_dir": var_dir, "database_url": database_url,
            "log_text": log_text, "locale": locale, "pack_minutes": pack_minutes,
            "walk_interval_minutes": walk_interval_minutes, "allowed_origins": allowed_origins,
            "sender_salt": sender_salt_value, "action_port": action_port, "shared_state": shared_state,
            "voice_recognisers": voice_recognisers, "alexa": AlexaSettings.from_env,
            "telegram": PlatformSettings.telegram, "slack": PlatformSettings.slack,
            "production": ProductionSettings.from_env, "alerts": AlertSettings.from_env,
        }
        values = _read_all({name: functools.partial(read, environ) for name, read in readers.items()})
        if isinstance(values["allowed_origins"], list):
            values["allowed_origins"] = tuple(values["allowed_origins"])
        return cls(**values)
