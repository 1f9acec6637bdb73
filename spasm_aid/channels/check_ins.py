"""The follow-up check-in worker of this Rasa server (spasm_aid.check_ins.worker), started and
stopped with the server.

It is listed in credentials.yml as an input channel because that is where Rasa lets a project
add to its server: no message comes in here. GET /webhooks/check_ins/ says whether the worker
runs, for people running the assistant (no person's data).
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from spasm_aid import settings
from spasm_aid.check_ins.worker import CheckInWorker

logger = logging.getLogger(__name__)


class CheckInChannel(InputChannel):
    CAN_PUSH = False  # no one talks here; the worker sends through the person's own channel

    @classmethod
    def name(cls) -> Text:
        return "check_ins"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        return cls()

    def __init__(self) -> None:
        self.worker: Optional[CheckInWorker] = None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint("check_ins_webhook", __name__)

        @blueprint.listener("after_server_start")
        async def start_worker(app: Any, _loop: Any) -> None:
            self.worker = CheckInWorker(app, settings.database_url(), settings.check_in_poll_seconds())
            self.worker.start()
            logger.info("Check-ins: this server sends the due ones (every %s s).", self.worker.poll_seconds)

        @blueprint.listener("before_server_stop")
        async def stop_worker(_app: Any, _loop: Any) -> None:
            if self.worker is not None:
                await self.worker.stop()

        @blueprint.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            running = self.worker is not None and self.worker.running
            return response.json({"worker": "running" if running else "stopped"}, status=200 if running else 503)

        return blueprint
