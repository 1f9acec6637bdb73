"""Telegram: POST /webhooks/telegram/webhook, set up as in the README ("Channels"; details in docs/channels.md).

Configured from the environment: TELEGRAM_BOT_TOKEN (from @BotFather) and
TELEGRAM_WEBHOOK_SECRET (any random string, given to Telegram with setWebhook; Telegram sends it
back in X-Telegram-Bot-Api-Secret-Token, so only Telegram can post here). TELEGRAM_API_URL
overrides https://api.telegram.org (tests point it at a local fake).

Rasa's own Telegram channel asks Telegram for the bot's name on every message and sets the
webhook at start-up (the server cannot start offline); this one calls the Bot API only to send
replies. Yes/no questions become an inline keyboard; the emergency reply also sends the
emergency number as a contact card, which Telegram's apps call with one tap.
"""
from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

import aiohttp
from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from spasm_aid import once, replies, settings
from spasm_aid.channels.common import EnvironmentChannel, command_text, not_configured, reading_long_text_aside, with_safety_reply
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
DEFAULT_API = settings.DEFAULT_TELEGRAM_API
UPDATE_MEMORY_SECONDS = 24 * 3600  # Telegram keeps an undelivered update for up to 24 hours
MAX_BODY_BYTES = 128 * 1024  # a Telegram message is at most 4096 characters; at most what the guard reads whole


class TelegramError(RuntimeError):
    pass


class TelegramBotOutput(OutputChannel):
    """Sends through the Bot API: replies, and pushed reminders (timers)."""

    @classmethod
    def name(cls) -> Text:
        return "telegram"

    def __init__(self, token: str, api_url: str = DEFAULT_API, keyboards: Optional[Dict[int, int]] = None) -> None:
        self.token, self.api_url = token, api_url.rstrip("/")
        # chat id -> the message id of the question whose buttons are showing (shared by the channel)
        self.keyboards = keyboards if keyboards is not None else {}

    async def call(self, method: str, payload: Dict[str, Any]) -> Any:
        url = f"{self.api_url}/bot{self.token}/{method}"
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
            async with session.post(url, json=payload) as reply:
                try:
                    body = await reply.json(content_type=None)
                except ValueError:
                    body = {}
        if not isinstance(body, dict) or not body.get("ok"):
            raise TelegramError(f"Telegram {method} failed: HTTP {reply.status} {str(body)[:200]}")
        return body.get("result")

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self.call("sendMessage", {"chat_id": recipient_id, "text": text})

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        keyboard = [[{"text": b["title"], "callback_data": str(b["payload"])[:64]} for b in buttons]]
        sent = await self.call("sendMessage", {"chat_id": recipient_id, "text": text, "reply_markup": {"inline_keyboard": keyboard}})
        chat = int(recipient_id)
        previous = self.keyboards.get(chat)
        if isinstance(sent, dict) and isinstance(sent.get("message_id"), int):
            self.keyboards[chat] = sent["message_id"]
        if previous is not None:  # only the latest question keeps its buttons
            await self.remove_keyboard(chat, previous)

    async def remove_keyboard(self, chat_id: int, message_id: int) -> None:
        """Take the buttons off a question (answered, or superseded by a newer one)."""
        try:
            await self.call("editMessageReplyMarkup", {"chat_id": chat_id, "message_id": message_id,
                                                       "reply_markup": {"inline_keyboard": []}})
        except (TelegramError, aiohttp.ClientError, asyncio.TimeoutError) as error:  # gone already: nothing to take off
            logger.info("Telegram: could not remove a keyboard (%s).", error)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        payload = TriagePayload.of(json_message)
        if payload is not None and payload.is_emergency() and payload.call:
            await self.call(
                "sendContact",
                {"chat_id": recipient_id, "phone_number": str(payload.call), "first_name": "Emergency services"},
            )


def _chat_id(message: Any) -> Optional[int]:
    """The chat id of a Telegram Message object (an integer), or None."""
    chat = message.get("chat") if isinstance(message, dict) else None
    chat_id = chat.get("id") if isinstance(chat, dict) else None
    return chat_id if isinstance(chat_id, int) and not isinstance(chat_id, bool) else None


def _update_text(update: Dict[str, Any]):
    """(chat id, text or None, callback query id or None, message id of a tapped question or None)
    of an update; None if it is not for us."""
    query = update.get("callback_query")
    if isinstance(query, dict):
        chat = _chat_id(query.get("message"))
        query_id = query.get("id") if isinstance(query.get("id"), str) else None
        data = query.get("data")
        message = query.get("message")
        tapped = message.get("message_id") if isinstance(message, dict) else None
        tapped = tapped if isinstance(tapped, int) and not isinstance(tapped, bool) else None
        return (chat, data if isinstance(data, str) else "", query_id, tapped) if chat is not None else None
    message = update.get("message")
    chat = _chat_id(message)
    if chat is not None and isinstance(message, dict):
        text = _words_of(message)
        if text is not None and text.startswith("/"):
            text = command_text(text)
        return chat, text, None, None
    return None  # channel posts, member updates: nothing to answer


def _words_of(message: Dict[str, Any]) -> Optional[str]:
    """A message's text, or the caption of a photo, video or file: the person's words."""
    text = message.get("text") if isinstance(message.get("text"), str) else message.get("caption")
    return text if isinstance(text, str) else None


def _edited_text(update: Dict[str, Any]):
    """(chat id, the edited text) of an edited message, else None: an edit is read for a red flag
    only (it is not a new answer to the question asked now)."""
    message = update.get("edited_message")
    chat = _chat_id(message)
    if chat is None or not isinstance(message, dict):
        return None
    text = _words_of(message)
    return (chat, text) if text is not None else None


class TelegramChannel(EnvironmentChannel):
    CAN_PUSH = True  # posts through the Bot API

    @classmethod
    def name(cls) -> Text:
        return "telegram"

    def __init__(self) -> None:
        config = settings.PlatformSettings.telegram()
        self.token, self.secret, self.api_url = config.bot_token, config.secret, config.api_url
        self.keyboards: Dict[int, int] = {}  # chat id -> the question whose buttons are showing

    @property
    def configured(self) -> bool:
        return bool(self.token and self.secret)

    def get_output_channel(self) -> Optional[OutputChannel]:
        return TelegramBotOutput(self.token, self.api_url, self.keyboards) if self.configured else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = reading_long_text_aside(on_new_message)
        webhook = self.webhook_blueprint()

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.configured:
                return not_configured("Telegram", "TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET")
            given = request.headers.get("x-telegram-bot-api-secret-token", "")
            # header bytes Sanic could not decode arrive as surrogates: compared as they came
            if not hmac.compare_digest(given.encode("utf-8", "surrogateescape"), self.secret.encode()):
                return response.json({"error": "Wrong or missing X-Telegram-Bot-Api-Secret-Token."}, status=403)
            try:
                update = load_json(request.body or b"", MAX_BODY_BYTES, "a Telegram Update")
            except InputError as error:
                return response.json({"error": str(error)}, status=error.status)
            update_id = update.get("update_id") if isinstance(update, dict) else None
            if isinstance(update_id, int) and not isinstance(update_id, bool) and not await asyncio.get_running_loop().run_in_executor(
                    None, once.first, f"telegram-update:{(self.token or '').split(':')[0]}:{update_id}", UPDATE_MEMORY_SECONDS):
                # Telegram delivers an update again after any non-2xx (a restart): handled once, or a
                # repeated "no" would answer the next question (issue 28)
                return response.json({"ok": True})
            found = _update_text(update) if isinstance(update, dict) else None
            edited = _edited_text(update) if isinstance(update, dict) and found is None else None
            if edited is not None:
                chat_id, text = edited
                output = TelegramBotOutput(self.token, self.api_url, self.keyboards)

                async def answer_edit() -> None:
                    for reply in await REFUSALS.replies(str(chat_id), replies.text(replies.EDIT_NOT_READ), text, self.name()):
                        await output.send_response(str(chat_id), message_only(reply))

                await with_safety_reply(answer_edit(), output, str(chat_id), "Telegram")
                return response.json({"ok": True})
            if found is None:
                return response.json({"ok": True})  # acknowledged: Telegram must not resend it
            chat_id, text, query_id, tapped = found
            output = TelegramBotOutput(self.token, self.api_url, self.keyboards)

            async def respond() -> None:
                if query_id:
                    latest = self.keyboards.get(chat_id)
                    if tapped is not None and latest is not None and tapped != latest:
                        # a button of an earlier question: not an answer to the one asked now
                        await output.call("answerCallbackQuery", {"callback_query_id": query_id,
                                                                  "text": replies.text(replies.STALE_BUTTON)})
                        await output.remove_keyboard(chat_id, tapped)
                        return
                    await output.call("answerCallbackQuery", {"callback_query_id": query_id})
                    if tapped is not None:  # answered: its buttons go, so it cannot be tapped again later
                        self.keyboards.pop(chat_id, None)
                        await output.remove_keyboard(chat_id, tapped)
                if text is None:
                    await output.send_text_message(chat_id, replies.text(replies.NOT_TEXT))
                elif len(text) > MAX_MESSAGE_CHARS:
                    for reply in await REFUSALS.replies(str(chat_id), replies.text(replies.TOO_LONG), text, self.name()):
                        await output.send_response(str(chat_id), message_only(reply))
                else:
                    await on_new_message(UserMessage(clean_text(text), output, str(chat_id), input_channel=self.name()))

            await with_safety_reply(respond(), output, str(chat_id), "Telegram")
            return response.json({"ok": True})

        return webhook
