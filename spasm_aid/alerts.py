"""The household alert (opt-in): when a conversation routes to emergency, tell a contact the
household configured, because no assistant on these platforms can call emergency services and
a person on the floor may not reach a phone.

Targets, each set by an environment variable (spasm_aid.settings): a Home Assistant webhook (an
automation can then notify phones, flash lights, unlock a smart lock), a Telegram chat (through
the bot of TELEGRAM_BOT_TOKEN), a generic JSON webhook. The alert says only when, on which
channel, and the number the person was told to call: no health details. It is sent on its own
thread, each target tried up to three times, so it never delays a reply, and a dead target
changes nothing for the person; the outcome is written to the session row (`alert`). One alert
per session, even when its emergency turns land on several servers (spasm_aid/once.py).
"""
from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Dict, List, Mapping, Optional, Tuple

from spasm_aid import once, replies, settings

logger = logging.getLogger(__name__)
ATTEMPTS = 3
ALERT_MEMORY_SECONDS = 2 * 24 * 3600  # longer than any session lasts
TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Alert:
    session_id: str
    channel: str
    when: datetime
    number: str

    def text(self) -> str:
        return replies.text(replies.HOUSEHOLD_ALERT, self.number, time=self.when.strftime("%H:%M UTC (%d %b)"),
                            channel=self.channel)

    def json(self) -> Dict[str, str]:
        return {"event": "spasm_aid_emergency", "message": self.text(), "time": self.when.isoformat(),
                "channel": self.channel, "call": self.number}


def post_json(url: str, body: Mapping[str, object]) -> None:
    """POST JSON; raise on a failure or a status other than 2xx."""
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        if not 200 <= response.status < 300:
            raise OSError(f"HTTP {response.status}")


def targets(config: Optional[settings.AlertSettings] = None) -> List[Tuple[str, Callable[[Alert], None]]]:
    """(name, send) for every configured target."""
    config = config or settings.AlertSettings.from_env()
    found: List[Tuple[str, Callable[[Alert], None]]] = []
    if config.home_assistant_webhook:
        found.append(("home_assistant", lambda alert: post_json(config.home_assistant_webhook, alert.json())))
    if config.telegram_chat:
        telegram = settings.PlatformSettings.telegram()
        url = f"{telegram.api_url.rstrip('/')}/bot{telegram.bot_token}/sendMessage"
        found.append(("telegram", lambda alert: post_json(url, {"chat_id": config.telegram_chat, "text": alert.text()})))
    if config.webhook:
        found.append(("webhook", lambda alert: post_json(config.webhook, alert.json())))
    return found


class HouseholdAlerts:
    """Sends each alert on a thread of its own (at most MAX_AT_ONCE at a time), so one slow or dead
    target never holds up another alert; `send` never blocks or raises."""

    MAX_AT_ONCE = 8

    def __init__(self, on_result: Callable[[str, str], None],
                 send_to: Optional[List[Tuple[str, Callable[[Alert], None]]]] = None, backoff: float = 1.0,
                 claims: Optional[once.Once] = None) -> None:
        self.targets = targets() if send_to is None else send_to
        self.claims = claims
        self.on_result = on_result  # (session id, "home_assistant:sent,webhook:failed") -> the session row
        self.backoff = backoff
        self._slots = threading.BoundedSemaphore(self.MAX_AT_ONCE)

    @property
    def enabled(self) -> bool:
        return bool(self.targets)

    def send(self, alert: Alert) -> None:
        if self.enabled:
            threading.Thread(target=self._send_now, args=(alert,), name="household-alert", daemon=True).start()

    def _send_now(self, alert: Alert) -> None:
        # another server may have seen this session's first emergency too (asked here, on the
        # alert's own thread, so a slow Redis never holds up the session log)
        if not once.first(f"household-alert:{alert.session_id}", ALERT_MEMORY_SECONDS, self.claims):
            logger.info("Household alert for session %s already sent by another server.", alert.session_id)
            return
        with self._slots:
            outcome = ",".join(f"{name}:{self._deliver(name, send, alert)}" for name, send in self.targets)
        try:
            self.on_result(alert.session_id, outcome)
        except Exception:  # recording the outcome must not stop the alerts
            logger.exception("Household alert: could not record the outcome.")

    def _deliver(self, name: str, send: Callable[[Alert], None], alert: Alert) -> str:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                send(alert)
                logger.info("Household alert sent to %s (session %s).", name, alert.session_id)
                return "sent"
            except (OSError, urllib.error.URLError, ValueError) as error:
                logger.warning("Household alert to %s failed (attempt %d of %d): %s", name, attempt, ATTEMPTS, error)
                if attempt < ATTEMPTS:
                    time.sleep(self.backoff * 2 ** (attempt - 1))
        return "failed"
