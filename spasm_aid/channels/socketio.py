"""Rasa's socket.io channel, accepting web pages from the configured origins only.

Rasa's own channel creates its socket.io server with `cors_allowed_origins=[]`, which turns
the origin check off: any web page could open a conversation. This one sets the list from
SPASM_AID_ALLOWED_ORIGINS (settings.allowed_origins); a page from elsewhere is refused (400).
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from spasm_aid import settings


class SpasmAidSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)
        self.sio.eio.cors_allowed_origins = settings.allowed_origins()
        return webhook
