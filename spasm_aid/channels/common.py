"""What every channel does the same way: its health route, the "not configured" answer, the
origin check for web pages, reading a JSON message body, the refusal body, and calling the
assistant with the failure reply (with the emergency number) when handling fails.
What each channel checks at its edge (sizes, depth, text, refused text read for red flags)
lives in spasm_aid.channels.edge; the words of every reply in spasm_aid.replies."""
from __future__ import annotations

import functools
import logging
import re
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from spasm_aid import replies, settings
from spasm_aid.channels.edge import (
    MAX_SCANNED_CHARS,
    REFUSALS,
    InputError,
    check_metadata,
    clean_sender,
    clean_text,
    harden_http,
    load_json,
    readable_text,
    strings_in,
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
        error.scan_text = message if isinstance(message, str) else strings_in(message)
        raise
    return sender, clean_text(message), metadata


def request_payload(request: Request) -> Tuple[str, str, Optional[Dict[str, Any]]]:
    """parse_payload on a request's body and Content-Encoding."""
    return parse_payload(request.body or b"", request.headers.get("content-encoding"))


async def refusal_body(error: InputError, sender: Any, channel: str = "rest") -> Dict[str, Any]:
    """The body of a refusal: the error with the emergency number, and the replies a person
    reads (the emergency message if the refused text names a red flag)."""
    recipient = sender if isinstance(sender, str) and sender.isprintable() else ""
    replies = await REFUSALS.replies(recipient[:MAX_SENDER_CHARS], str(error), error.scan_text, channel)
    return {"error": REFUSALS.refusal_text(str(error)), "messages": replies}


async def with_safety_reply(work: Awaitable[Any], output: OutputChannel, recipient: str, channel: str) -> None:
    """Run the handling of a message; if it fails, send the safety reply (with the emergency
    number) through the channel's own output, for channels that push their replies."""
    try:
        await work
    except Exception:
        logger.exception("%s: handling a message failed.", channel)
        try:
            await output.send_text_message(recipient, replies.failure(recipient)[0]["text"])
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


def from_allowed_origins(handler: Callable[[Request], Awaitable[HTTPResponse]]) -> Callable[[Request], Awaitable[HTTPResponse]]:
    """A route that answers only web pages from the allowed origins (origin_refusal first)."""

    @functools.wraps(handler)
    async def checked(request: Request) -> HTTPResponse:
        refusal = origin_refusal(request)
        return refusal if refusal is not None else await handler(request)

    return checked


def sender_hint(body: Optional[bytes]) -> str:
    """The sender id of a refused body, if one can be read cheaply (for the reply's recipient)."""
    found = re.search(rb'"sender"\s*:\s*"([^"\\]{1,128})"', (body or b"")[:4096])
    return found.group(1).decode("utf-8", "replace") if found else ""


def add_health_route(blueprint: Blueprint, configured: Callable[[], bool] = lambda: True) -> None:
    """GET / on the channel's blueprint: {"status": "ok"}, or "not configured" for a channel
    whose settings are missing (it then answers 503 to its webhook)."""

    @blueprint.route("/", methods=["GET"])
    async def health(request: Request) -> HTTPResponse:
        return response.json({"status": "ok" if configured() else "not configured"})


def webhook_blueprint(channel: str, configured: Callable[[], bool] = lambda: True) -> Blueprint:
    """A channel's blueprint with what every channel's has: request heads checked before any
    body is read (edge.harden_http) and the health route."""
    harden_http()
    webhook = Blueprint(f"spasm_aid_{channel}_webhook", __name__)
    add_health_route(webhook, configured)
    return webhook


class EnvironmentChannel(InputChannel):
    """A channel set up from the environment (spasm_aid.settings: secrets never sit in
    credentials.yml), that says whether it is configured. CAN_PUSH: can it send a message later,
    unasked (timers, reminders)? spasm_aid.contract.PUSH_CHANNELS."""

    CAN_PUSH = False

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        return cls()

    @property
    def configured(self) -> bool:
        return True

    def webhook_blueprint(self) -> Blueprint:
        return webhook_blueprint(self.name(), lambda: self.configured)


def too_large(max_bytes: int) -> HTTPResponse:
    """413 for a platform's request over the channel's limit (platforms' own servers send them)."""
    return response.json({"error": f"The request is larger than {max_bytes // 1024} KiB."}, status=413)


def not_configured(platform: str, variables: str) -> HTTPResponse:
    """503 for a platform's webhook whose settings are missing, saying which to set."""
    return response.json({"error": f"{platform} is not configured: set {variables} (README, {platform})."}, status=503)


def reading_long_text_aside(on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Callable[[UserMessage], Awaitable[Any]]:
    """The assistant's message handler, with a long message's reading done first in the
    long-text lane (spasm_aid.channels.edge.readable_text), off the event loop."""

    @functools.wraps(on_new_message)
    async def handle(message: UserMessage) -> Any:
        if isinstance(message.text, str):
            await readable_text(message.text)
        return await on_new_message(message)

    return handle


async def collect_replies(
    on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage, collector: CollectingOutputChannel
) -> Tuple[List[Dict[str, Any]], bool]:
    """Hand a message to the assistant and collect its replies: (replies, ok). When handling
    fails, times out or gives no reply, the failure reply (with the emergency number) is added
    and ok is False: a person is never left with silence."""
    channel = message.input_channel or "channel"
    try:
        await on_new_message(message)
    except CancelledError:
        logger.error("%s: handling a message timed out.", channel)
        return collector.messages + replies.failure(message.sender_id), False
    except Exception:
        logger.exception("%s: handling a message failed.", channel)
        return collector.messages + replies.failure(message.sender_id), False
    if not collector.messages:
        logger.error("%s: a message got no reply; sending the safety net.", channel)
        return replies.failure(message.sender_id), False
    return collector.messages, True


# Commands people's clients send: Telegram's bot commands ("/start" opens every chat with a bot)
# and the init payloads of web chat widgets (rasa-webchat's default "/get_started"). What each
# means to the assistant; other "/..." text is sent without its slash, so nobody can type one of
# Rasa's "/intent" messages. Words after a command are the person's and are always read ("/restart
# I can't feel my legs" must reach the guard: issue 31); only a deep-link parameter after /start
# (one token of letters, digits, "_" and "-", as the Bot API defines it) is dropped.
COMMANDS = {"start": "hello", "get_started": "hello", "greet": "hello", "help": "help", "stop": "stop",
            "repeat": "repeat", "restart": "start over"}
COMMAND = re.compile(r"/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]{1,64})?(?:\s+(.*))?", re.DOTALL)
DEEP_LINK_PARAMETER = re.compile(r"[A-Za-z0-9_-]{1,64}")


def command_text(text: str) -> str:
    """What a message that starts with "/" means to the assistant, with any words after it."""
    found = COMMAND.fullmatch(text.strip())
    if not found:
        return text.lstrip("/")
    name, rest = found.group(1).lower(), (found.group(2) or "").strip()
    meaning = COMMANDS.get(name)
    if meaning is None:
        return " ".join(part for part in (name.replace("_", " "), rest) if part)
    if not rest or (name == "start" and DEEP_LINK_PARAMETER.fullmatch(rest)):
        return meaning
    return f"{meaning}. {rest}"
