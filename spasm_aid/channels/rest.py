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
import re
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from spasm_aid import settings
from spasm_aid.channels.edge import (
    MAX_SCANNED_CHARS,
    REFUSALS,
    InputError,
    check_metadata,
    clean_sender,
    clean_text,
    harden_http,
    load_json,
    with_number,
)

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 128
MAX_BODY_BYTES = 64 * 1024
EXPECTED = 'JSON like {"sender": "<conversation id>", "message": "<text>"}'


def parse_payload(body: bytes, content_encoding: Optional[str] = None) -> Tuple[str, str, Optional[Dict[str, Any]]]:
    """(sender, message, metadata) from a request body, or InputError saying what is wrong; the
    error carries the text it refused (to be scanned for red flags)."""
    if content_encoding and content_encoding.strip().lower() not in ("identity", ""):
        raise InputError(f"Content-Encoding {content_encoding.strip()[:20]} is not accepted. Send {EXPECTED}, uncompressed.", 415)
    try:
        payload = load_json(body, MAX_BODY_BYTES, EXPECTED)
    except InputError as error:
        error.scan_text = body[:MAX_SCANNED_CHARS].decode("utf-8", "replace")
        raise
    if not isinstance(payload, dict):
        raise InputError(f"The body must be a JSON object. Send {EXPECTED}.")
    message = payload.get("message")
    try:
        sender = clean_sender(payload.get("sender"), MAX_SENDER_CHARS)
        if not isinstance(message, str):
            raise InputError(f"'message' must be a string. Send {EXPECTED}.")
        metadata = check_metadata(payload.get("metadata"))
    except InputError as error:
        error.scan_text = message if isinstance(message, str) else ""
        raise
    return sender, clean_text(message), metadata


async def refusal_body(error: InputError, sender: Any, channel: str = "rest") -> Dict[str, Any]:
    """The body of a refusal: the error with the emergency number, and the replies a person
    reads (the emergency message if the refused text names a red flag)."""
    recipient = sender if isinstance(sender, str) and sender.isprintable() else ""
    replies = await REFUSALS.replies(recipient[:MAX_SENDER_CHARS], str(error), error.scan_text, channel)
    return {"error": REFUSALS.refusal_text(str(error)), "messages": replies}


def failure_reply(sender: str) -> list:
    return [{"recipient_id": sender, "text": with_number("Sorry, something went wrong on my side.")}]


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
        {"error": REFUSALS.refusal_text(
            f"Web pages from {origin} may not use this assistant. Its operator can allow them in SPASM_AID_ALLOWED_ORIGINS."
        )},
        status=403,
    )


def _sender_hint(body: Optional[bytes]) -> str:
    """The sender id of a refused body, if one can be read cheaply (for the reply's recipient)."""
    found = re.search(rb'"sender"\s*:\s*"([^"\\]{1,128})"', (body or b"")[:4096])
    return found.group(1).decode("utf-8", "replace") if found else ""


class SpasmAidRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        settings.allowed_origins()  # a bad SPASM_AID_ALLOWED_ORIGINS stops the start, saying why
        harden_http()
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
                sender, text, metadata = parse_payload(request.body or b"", request.headers.get("content-encoding"))
            except InputError as error:
                return response.json(await refusal_body(error, _sender_hint(request.body)), status=error.status)
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
