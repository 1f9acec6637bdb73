"""Settings read from the environment, each checked with a clear message."""
from __future__ import annotations

import os
import re
from pathlib import Path

DEFAULT_EMERGENCY_NUMBER = "911"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
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
