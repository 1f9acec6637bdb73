"""Rasa's socket.io channel, made safe for the web chat page.

What differs from Rasa 3.6's own channel:
- web pages are accepted only from SPASM_AID_ALLOWED_ORIGINS (settings.allowed_origins); Rasa
  creates its server with `cors_allowed_origins=[]`, which turns the origin check off;
- joining the conversation's room is awaited: Rasa calls python-socketio 5's (now asynchronous)
  `enter_room` without `await`, so with `session_persistence` no reply ever reached the page;
- a custom payload (the triage signal) is sent as {"custom": {...}}: Rasa's channel passes it
  to `emit` as keyword arguments, which fails for anything but its own format;
- a malformed message (not an object, no text, a bad session id, an event without data, deep
  metadata) or one over 10,000 characters gets a polite refusal with the emergency number, or
  the emergency message if the refused text names a red flag (spasm_aid.channels.edge); packets
  are capped at 128 KiB; a failure while handling a message still answers with the number.
"""
from __future__ import annotations

import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from spasm_aid import replies, settings
from spasm_aid.channels.common import MAX_SENDER_CHARS, command_text, reading_long_text_aside
from spasm_aid.channels.edge import (
    MAX_MESSAGE_CHARS,
    REFUSALS,
    InputError,
    check_metadata,
    clean_text,
    harden_http,
    message_only,
    strings_in,
)
from spasm_aid.contract import TriagePayload

logger = logging.getLogger(__name__)
MAX_PACKET_BYTES = 128 * 1024  # python-engineio's default is 1 MB per packet


def valid_session_id(value: Any) -> Optional[str]:
    if isinstance(value, str) and 0 < len(value) <= MAX_SENDER_CHARS and value.isprintable():
        return value
    return None


class SpasmAidSocketIOOutput(SocketIOOutput):
    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})
        payload = TriagePayload.of(json_message)
        if payload is not None and payload.is_emergency() and payload.call:
            # an off-the-shelf widget (rasa-webchat) drops custom payloads but shows buttons: the
            # emergency reply also carries a standard URL button that calls the number
            number = str(payload.call)
            await self._send_message(recipient_id, {"text": "", "quick_replies": [
                {"title": replies.text(replies.CALL_NOW, emergency_number=number), "type": "web_url", "url": f"tel:{number}"}]})


class SpasmAidSocketIOInput(SocketIOInput):
    # can it send a message later, unasked (timers, reminders)? spasm_aid.contract.PUSH_CHANNELS
    CAN_PUSH = True  # emits to the conversation's room

    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = reading_long_text_aside(on_new_message)
        harden_http()
        webhook = super().blueprint(on_new_message)
        sio = self.sio
        sio.eio.cors_allowed_origins = settings.allowed_origins()
        sio.eio.max_http_buffer_size = MAX_PACKET_BYTES

        async def say(room: str, text: str) -> None:
            await sio.emit(self.bot_message_evt, {"text": text}, room=room, namespace=self.namespace)

        async def refuse(room: str, reason: str, text: str = "") -> None:
            for reply in await REFUSALS.replies(room, reason, text, self.name()):
                await sio.emit(self.bot_message_evt, message_only(reply),
                               room=room, namespace=self.namespace)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Any = None) -> None:
            session_id = valid_session_id(data.get("session_id") if isinstance(data, dict) else None)
            session_id = session_id or uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any = None) -> None:  # an event may come without data
            if not isinstance(data, dict) or not isinstance(data.get("message", ""), str):
                # refused, but any words in it are read for a red flag first
                await refuse(sid, 'Sorry, I could not read that. Send {"message": "<text>", "session_id": "<id>"}.',
                             strings_in(data.get("message") if isinstance(data, dict) else data))
                return
            text = clean_text(data.get("message", ""))
            if text.startswith("/"):  # a widget's init payload ("/get_started") or a typed slash
                text = command_text(text)
            if len(text) > MAX_MESSAGE_CHARS:
                await refuse(sid, replies.text(replies.TOO_LONG), text)
                return
            if self.session_persistence:
                sender_id = valid_session_id(data.get("session_id"))
                if sender_id is None:
                    await refuse(sid, replies.text(replies.LOST_TRACK), text)
                    return
                room = sender_id
            else:
                sender_id = room = sid
            try:
                metadata = check_metadata(data.get(self.metadata_key)) or {}
            except InputError as error:
                await refuse(room, f"Sorry, I could not read that: {error}", text)
                return
            output = SpasmAidSocketIOOutput(sio, self.bot_message_evt)
            try:
                await on_new_message(UserMessage(text, output, sender_id, input_channel=self.name(), metadata=metadata))
            except Exception:
                logger.exception("socket.io: handling a message failed.")
                for reply in replies.failure(sender_id):
                    await say(room, reply["text"])

        return webhook

    def get_output_channel(self) -> Optional[SocketIOOutput]:
        # for pushed messages (reminders): same format as replies
        return SpasmAidSocketIOOutput(self.sio, self.bot_message_evt) if self.sio is not None else None
