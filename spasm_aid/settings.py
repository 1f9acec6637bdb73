"""Settings read from the environment, each checked with a clear message."""
from __future__ import annotations

import os
import re
from pathlib import Path

from spasm_aid.paths import ROOT

DEFAULT_EMERGENCY_NUMBER = "911"
PROJECT_ROOT = ROOT  # kept: the name other modules use
DEFAULT_VAR_DIR = PROJECT_ROOT / "var"


class SettingsError(ValueError):
    """An environment variable has a value the assistant cannot use."""


def emergency_number() -> str:
    """The number the emergency message tells people to call (SPASM_AID_EMERGENCY_NUMBER)."""
    value = os.environ.get("SPASM_AID_EMERGENCY_NUMBER", DEFAULT_EMERGENCY_NUMBER).strip()
    if not re.fullmatch(r"\d{2,6}", value):
        raise SettingsError(
            f"SPASM_AID_EMERGENCY_NUMBER must be the local emergency number as 2 to 6 digits "
            f"(911 US, 999 UK, 112 EU, 000 AU, 111 NZ); got {value!r}. Fix the variable and restart."
        )
    return value


def var_dir() -> Path:
    return Path(os.environ.get("SPASM_AID_VAR_DIR", str(DEFAULT_VAR_DIR)))


def database_url() -> str:
    """Session log database: SPASM_AID_DB_URL, or SQLite at var/sessions.db."""
    url = os.environ.get("SPASM_AID_DB_URL", "").strip()
    return url or f"sqlite:///{var_dir() / 'sessions.db'}"


def log_text() -> bool:
    """Free text is stored only when SPASM_AID_LOG_TEXT=1 (opt in)."""
    return os.environ.get("SPASM_AID_LOG_TEXT", "0").strip().lower() in ("1", "true", "yes")


def locale() -> str:
    return os.environ.get("SPASM_AID_LOCALE", "en").strip() or "en"


def _minutes(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        minutes = float(value)
    except ValueError:
        raise SettingsError(f"{name} must be a number of minutes, got {value!r}") from None
    if not 0 < minutes <= 24 * 60:
        raise SettingsError(f"{name} must be between 0 and 1440 minutes, got {value!r}")
    return minutes


def pack_minutes() -> float:
    """How long an ice or heat pack stays on (SPASM_AID_PACK_MINUTES; guidance: 15-20)."""
    return _minutes("SPASM_AID_PACK_MINUTES", 20.0)


def walk_interval_minutes() -> float:
    """Gap between gentle-walk reminders (SPASM_AID_WALK_INTERVAL_MINUTES; 'every couple of hours')."""
    return _minutes("SPASM_AID_WALK_INTERVAL_MINUTES", 120.0)


DEFAULT_ALLOWED_ORIGINS = (
    "http://localhost:5005", "http://127.0.0.1:5005", "http://localhost:8080", "http://127.0.0.1:8080",
)


def allowed_origins():
    """Web pages allowed to talk to the assistant (browsers send their Origin): the list in
    SPASM_AID_ALLOWED_ORIGINS (spaces or commas between them), or "*" for any. Clients that are
    not browsers (speakers, messaging webhooks) send no Origin and are not affected."""
    value = os.environ.get("SPASM_AID_ALLOWED_ORIGINS", "").strip()
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
