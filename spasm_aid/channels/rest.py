"""The REST channel with input checks: POST /webhooks/rest/webhook
{"sender": "<conversation id>", "message": "<text>", "metadata": {...optional}}.

Rasa's own REST channel answers malformed input with an empty list or an HTML page; this one
answers 400 with a JSON error that says what was expected, and if handling a message fails
inside the server it still answers with the emergency number (HTTP 500), never silence.
"""
from __future__ import annotations

import json
import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from spasm_aid import settings

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 128
MAX_BODY_BYTES = 64 * 1024
EXPECTED = 'Send JSON like {"sender": "<conversation id>", "message": "<text>"}.'


class InputError(ValueError):
    pass


def parse_payload(body: bytes) -> Tuple[str, str, Optional[Dict[str, Any]]]:
    """(sender, message, metadata) from a request body, or InputError saying what is wrong."""
    if len(body) > MAX_BODY_BYTES:
        raise InputError(f"The request is larger than {MAX_BODY_BYTES // 1024} KiB. {EXPECTED}")
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise InputError(f"The body is not valid UTF-8 JSON. {EXPECTED}") from None
    if not isinstance(payload, dict):
        raise InputError(f"The body must be a JSON object. {EXPECTED}")
    sender, message, metadata = payload.get("sender"), payload.get("message"), payload.get("metadata")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
        raise InputError(f"'sender' must be a non-empty string of at most {MAX_SENDER_CHARS} characters. {EXPECTED}")
    if not sender.isprintable():
        raise InputError(f"'sender' must contain printable characters only. {EXPECTED}")
    if not isinstance(message, str):
        raise InputError(f"'message' must be a string. {EXPECTED}")
    if metadata is not None and not isinstance(metadata, dict):
        raise InputError("'metadata' must be a JSON object when given.")
    return sender, message.replace("\x00", ""), metadata


def failure_reply(sender: str) -> list:
    number = settings.DEFAULT_EMERGENCY_NUMBER
    try:
        number = settings.emergency_number()
    except settings.SettingsError:
        pass
    return [
        {
            "recipient_id": sender,
            "text": f"Sorry, something went wrong on my side. If you need help now, call {number}.",
        }
    ]


async def with_safety_reply(work: Awaitable[Any], output: OutputChannel, recipient: str, channel: str) -> None:
    """Run the handling of a message; if it fails, send the safety reply (with the emergency
    number) through the channel's own output, for channels that push their replies."""
    try:
        await work
    except Exception:
        logger.exception("%s: handling a message failed.", channel)
        try:
            await output.send_text_message(recipient, failure_reply(recipient)[0]["text"])
        except Exception:
            logger.exception("%s: could not send the safety reply either.", channel)


def origin_refusal(request: Request) -> Optional[HTTPResponse]:
    """403 for a web page from an origin not in SPASM_AID_ALLOWED_ORIGINS; None to go on."""
    origin = request.headers.get("origin")
    if settings.origin_allowed(origin):
        return None
    logger.warning("Refused a request from origin %r (not in SPASM_AID_ALLOWED_ORIGINS).", origin)
    return response.json(
        {"error": f"Web pages from {origin} may not use this assistant. Its operator can allow them in SPASM_AID_ALLOWED_ORIGINS."},
        status=403,
    )


class SpasmAidRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        settings.allowed_origins()  # a bad SPASM_AID_ALLOWED_ORIGINS stops the start, saying why
        webhook = Blueprint("spasm_aid_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            refusal = origin_refusal(request)
            if refusal is not None:
                return refusal
            try:
                sender, text, metadata = parse_payload(request.body or b"")
            except InputError as error:
                return response.json({"error": str(error)}, status=400)
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata)
                )
            except CancelledError:
                logger.error("REST: handling a message timed out.")
                return response.json(collector.messages + failure_reply(sender), status=500)
            except Exception:
                logger.exception("REST: handling a message failed.")
                return response.json(collector.messages + failure_reply(sender), status=500)
            if not collector.messages:
                logger.error("REST: a message got no reply; sending the safety net.")
                return response.json(failure_reply(sender), status=500)
            return response.json(collector.messages)

        return webhook
