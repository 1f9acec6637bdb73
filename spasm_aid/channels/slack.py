"""Slack: Events API at POST /webhooks/slack/events, button clicks at POST
/webhooks/slack/interactive; set up as in the README ("Channels"; details in docs/channels.md).

Configured from the environment: SLACK_BOT_TOKEN (xoxb-...) and SLACK_SIGNING_SECRET; every
request must carry a valid X-Slack-Signature over its timestamp and body, checked with slack_sdk's
SignatureVerifier (5-minute window). SLACK_API_URL overrides https://slack.com/api/ (tests).

The assistant answers direct messages and mentions. Slack wants an answer within 3 seconds, so
a message is acknowledged at once and handled in the background; Slack's retries of an event
already received, by this server or another (spasm_aid/once.py), are acknowledged and dropped. Yes/no questions become buttons; the emergency
reply gets a header block "Call <number> now".
"""
from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Text
from urllib.parse import parse_qs

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.signature import SignatureVerifier

from spasm_aid import once, replies, settings
from spasm_aid.channels.common import EnvironmentChannel, not_configured, reading_long_text_aside, too_large, with_safety_reply
from spasm_aid.channels.edge import (
    MAX_MESSAGE_CHARS,
    REFUSALS,
    InputError,
    clean_text,
    load_json,
    message_only,
)
from spasm_aid.contract import TriagePayload

logger = logging.getLogger(__name__)
DEFAULT_API = settings.DEFAULT_SLACK_API
MENTION = re.compile(r"<@[A-Z0-9]+>\s*")
TIMESTAMP = re.compile(r"[0-9]{1,12}")  # seconds since 1970, as Slack sends it
MAX_BODY_BYTES = 128 * 1024  # a Slack message is at most 40,000 characters
EVENT_MEMORY_SECONDS = 3600  # Slack retries within minutes (immediately, after 1 and after 5)
TS = re.compile(r"[0-9]{1,12}\.[0-9]{1,8}")  # a Slack message timestamp, e.g. 1712345678.123456


def _slack_id(value: Any) -> bool:
    """A Slack channel or user id: short and printable (they look like C024BE91L)."""
    return isinstance(value, str) and 0 < len(value) <= 64 and value.isprintable() and ":" not in value


# Message subtypes that carry a person's words (https://api.slack.com/events/message): a file
# shared with a comment, a thread reply also sent to the conversation, a /me message. An edit
# (message_changed) is read for a red flag only. Others (bot messages, deletions, joins) carry none.
READ_SUBTYPES = frozenset({"file_share", "thread_broadcast", "me_message"})


def _person_words(event: Dict[str, Any]):
    """(text, user id, edited) for an event with a person's words in it, else None."""
    subtype = event.get("subtype")
    if subtype == "message_changed":
        new, old = event.get("message"), event.get("previous_message")
        if not isinstance(new, dict) or new.get("bot_id") or not isinstance(new.get("text"), str):
            return None
        if isinstance(old, dict) and old.get("text") == new["text"]:
            return None  # a link preview added, not the words changed
        return new["text"], new.get("user"), True
    if event.get("bot_id") or (subtype is not None and subtype not in READ_SUBTYPES):
        return None
    text = event.get("text")
    if not isinstance(text, str):
        text = "" if subtype == "file_share" else None  # a file with no comment: answered with the number
    return None if text is None else (text, event.get("user"), False)


class SlackOutput(OutputChannel):
    """Posts to one Slack channel (a direct message is a channel too)."""

    @classmethod
    def name(cls) -> Text:
        return "slack"

    def __init__(self, token: str, api_url: str = DEFAULT_API) -> None:
        from slack_sdk.web.async_client import AsyncWebClient

        self.client = AsyncWebClient(token=token, base_url=api_url if api_url.endswith("/") else api_url + "/")

    @staticmethod
    def channel_of(recipient_id: Text) -> str:
        return recipient_id.split(":", 1)[0]  # sender ids are "<channel>:<user>[:<thread ts>]"

    @staticmethod
    def thread_of(recipient_id: Text) -> Optional[str]:
        """The thread a conversation lives in: an @mention in a channel is answered in a thread
        under it, never in the open channel (health talk); a direct message has none."""
        parts = recipient_id.split(":")
        return parts[2] if len(parts) > 2 and parts[2] else None

    async def post(self, recipient_id: Text, **message: Any) -> None:
        thread = self.thread_of(recipient_id)
        if thread:
            message["thread_ts"] = thread
        await self.client.chat_postMessage(channel=self.channel_of(recipient_id), **message)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.post(recipient_id, text=text)

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        blocks: List[Dict[str, Any]] = [
            {"type": "section", "text": {"type": "mrkdwn", "text": text}},
            {
                "type": "actions",
                "elements": [
                    {"type": "button", "text": {"type": "plain_text", "text": b["title"]}, "value": str(b["payload"]),
                     "action_id": f"answer_{i}"}
                    for i, b in enumerate(buttons)
                ],
            },
        ]
        await self.post(recipient_id, text=text, blocks=blocks)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        payload = TriagePayload.of(json_message)
        if payload is not None and payload.is_emergency() and payload.call:
            call_now = replies.text(replies.CALL_NOW, emergency_number=str(payload.call))
            await self.post(recipient_id, text=call_now,
                            blocks=[{"type": "header", "text": {"type": "plain_text", "text": call_now}}])


class SlackChannel(EnvironmentChannel):
    CAN_PUSH = True  # posts through the Web API

    @classmethod
    def name(cls) -> Text:
        return "slack"

    def __init__(self) -> None:
        config = settings.PlatformSettings.slack()
        self.token, self.signing_secret, self.api_url = config.bot_token, config.secret, config.api_url
        self.verifier = SignatureVerifier(self.signing_secret) if self.signing_secret else None
        self.tasks: Set[asyncio.Task] = set()

    @property
    def configured(self) -> bool:
        return bool(self.token and self.signing_secret)

    def get_output_channel(self) -> Optional[OutputChannel]:
        return SlackOutput(self.token, self.api_url) if self.configured else None

    def _refusal(self, request: Request) -> Optional[HTTPResponse]:
        if not self.configured:
            return not_configured("Slack", "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET")
        body = request.body or b""
        if len(body) > MAX_BODY_BYTES:
            return too_large(MAX_BODY_BYTES)
        if not self._signed(body, request.headers.get("x-slack-request-timestamp"), request.headers.get("x-slack-signature")):
            return response.json({"error": "Missing, wrong or stale X-Slack-Signature."}, status=401)
        return None

    def _signed(self, body: bytes, timestamp: Optional[str], signature: Optional[str]) -> bool:
        """slack_sdk's check, given only what it can read: a timestamp of digits, an ASCII
        signature and a UTF-8 body (it raises on anything else; Slack never sends it)."""
        if not timestamp or not TIMESTAMP.fullmatch(timestamp) or not signature or not signature.isascii():
            return False
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return self.verifier is not None and self.verifier.is_valid(body, timestamp, signature)

    def _handle_later(self, on_new_message, text: str, channel: str, user: str, thread: Optional[str] = None,
                      edited: bool = False) -> None:
        async def handle() -> None:
            sender = f"{channel}:{user}:{thread}" if thread else f"{channel}:{user}"
            output = SlackOutput(self.token, self.api_url)
            if not text.strip() and not edited:  # a file with no words: what to do, with the number
                await with_safety_reply(output.send_text_message(sender, replies.text(replies.NOT_TEXT)), output, sender, "Slack")
                return
            refusal = replies.EDIT_NOT_READ if edited else replies.TOO_LONG if len(text) > MAX_MESSAGE_CHARS else None
            if refusal is not None:  # refused, but read for a red flag first
                for reply in await REFUSALS.replies(sender, replies.text(refusal), text, self.name()):
                    await with_safety_reply(output.send_response(sender, message_only(reply)), output, sender, "Slack")
                return
            message = UserMessage(clean_text(text), output, sender, input_channel=self.name())
            await with_safety_reply(on_new_message(message), output, sender, "Slack")

        task = asyncio.get_running_loop().create_task(handle())
        self.tasks.add(task)  # keep a reference until done
        task.add_done_callback(self.tasks.discard)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = reading_long_text_aside(on_new_message)
        webhook = self.webhook_blueprint()

        @webhook.route("/events", methods=["POST"])
        async def events(request: Request) -> HTTPResponse:
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
            try:
                body = load_json(request.body or b"", MAX_BODY_BYTES, "a Slack event")
            except InputError as error:
                return response.json({"error": str(error)}, status=error.status)
            if not isinstance(body, dict):
                return response.json({"error": "Expected a JSON object."}, status=400)
            if body.get("type") == "url_verification":
                return response.json({"challenge": str(body.get("challenge", ""))})
            event = body.get("event") if body.get("type") == "event_callback" else None
            event_id = str(body.get("event_id", ""))
            if not isinstance(event, dict) or not event_id:
                return response.json({"ok": True})  # not a message for us
            wanted = (event.get("type") == "message" and event.get("channel_type") == "im") or event.get("type") == "app_mention"
            words = _person_words(event) if wanted else None
            if words is None:
                return response.json({"ok": True})  # a bot's message, a deletion, a join: no words of a person
            text, user, edited = words
            if not _slack_id(event.get("channel")) or not _slack_id(user):
                return response.json({"error": "The event lacks its channel or user."}, status=400)
            # Slack delivers an event again when it thinks the first delivery failed (a time-out,
            # a lost connection, an error status during a restart), perhaps to another server:
            # one already handled by any server is dropped, one never received is handled
            if not await asyncio.get_running_loop().run_in_executor(None, once.first, f"slack-event:{event_id}", EVENT_MEMORY_SECONDS):
                return response.json({"ok": True})
            thread = None
            if event.get("type") == "app_mention":  # answered in a thread under the mention
                thread = event.get("thread_ts") or event.get("ts")
                thread = thread if isinstance(thread, str) and TS.fullmatch(thread) else None
            self._handle_later(on_new_message, MENTION.sub("", text).strip(), event["channel"], user, thread, edited)
            return response.json({"ok": True})

        @webhook.route("/interactive", methods=["POST"])
        async def interactive(request: Request) -> HTTPResponse:
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
            try:
                form = parse_qs((request.body or b"").decode())["payload"][0]
                payload = load_json(form.encode(), MAX_BODY_BYTES, "a block_actions payload")
                action = payload["actions"][0]
                channel, user = payload["channel"]["id"], payload["user"]["id"]
                text = str(action["value"])
                # a button under a threaded question: the conversation of that thread
                thread = (payload.get("container") or {}).get("thread_ts") or (payload.get("message") or {}).get("thread_ts")
                thread = thread if isinstance(thread, str) and TS.fullmatch(thread) else None
                if not _slack_id(channel) or not _slack_id(user):
                    raise ValueError("no channel or user id")
            except (KeyError, IndexError, TypeError, ValueError, UnicodeDecodeError):  # InputError is a ValueError
                return response.json({"error": "Expected a form field 'payload' with a block_actions JSON."}, status=400)
            self._handle_later(on_new_message, text, channel, user, thread)
            return response.json({"ok": True})

        return webhook
