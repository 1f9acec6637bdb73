"""The REST channel with input checks: POST /webhooks/rest/webhook
{"sender": "<conversation id>", "message": "<text>", "metadata": {...optional}}.

Rasa's own REST channel answers malformed input with an empty list or an HTML page; this one
answers 400 (413 too large, 415 compressed) with {"error": <what was expected, and the emergency
number>, "messages": [<the reply to show: the emergency message if the refused text names a red
flag>]} (spasm_aid.channels.edge), and if handling a message fails inside the server it still
answers with the emergency number (HTTP 500), never silence.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from spasm_aid import settings
from spasm_aid.channels.common import (
    collect_replies,
    from_allowed_origins,
    reading_long_text_aside,
    refusal_body,
    request_payload,
    sender_hint,
    webhook_blueprint,
)
from spasm_aid.channels.edge import InputError

logger = logging.getLogger(__name__)


class SpasmAidRestInput(RestInput):
    # can it send a message later, unasked (timers, reminders)? spasm_aid.contract.PUSH_CHANNELS
    CAN_PUSH = False  # answers what was said; nothing reads a later message

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = reading_long_text_aside(on_new_message)
        settings.allowed_origins()  # a bad SPASM_AID_ALLOWED_ORIGINS stops the start, saying why
        webhook = webhook_blueprint(self.name())

        @webhook.route("/webhook", methods=["POST"])
        @from_allowed_origins
        async def receive(request: Request) -> HTTPResponse:
            try:
                sender, text, metadata = request_payload(request)
            except InputError as error:
                return response.json(await refusal_body(error, sender_hint(request.body)), status=error.status)
            collector = CollectingOutputChannel()
            message = UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata)
            messages, ok = await collect_replies(on_new_message, message, collector)
            return response.json(messages, status=200 if ok else 500)

        return webhook
