"""SessionLogBroker: a Rasa event broker that feeds the session log.

Configured in endpoints.yml (`event_broker: type: spasm_aid.session_log.broker.SessionLogBroker`).
Rasa publishes every event of every channel here after each turn; `publish` only queues it,
so the reply never waits for the database. Optional keys in endpoints.yml: `url` (else
SPASM_AID_DB_URL, else SQLite at var/sessions.db).
"""
from __future__ import annotations

import logging
from asyncio import AbstractEventLoop
from typing import Any, Dict, Optional, Text

from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from spasm_aid.session_log.writer import SessionLogWriter

logger = logging.getLogger(__name__)


class SessionLogBroker(EventBroker):
    def __init__(self, url: Optional[str] = None, **writer_options: Any) -> None:
        self.writer = SessionLogWriter(url=url, **writer_options)

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: EndpointConfig, event_loop: Optional[AbstractEventLoop] = None
    ) -> "SessionLogBroker":
        url = broker_config.url if broker_config else None
        return cls(url=url)

    def publish(self, event: Dict[Text, Any]) -> None:
        try:
            self.writer.submit(event)
        except Exception:  # the log must never break a reply
            logger.exception("Session log: an event could not be queued.")

    def is_ready(self) -> bool:
        return True

    async def close(self) -> None:
        self.writer.close()
