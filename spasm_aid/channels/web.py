"""The web chat page, served by the Rasa server itself: GET /webhooks/chat/ (make serve:
http://localhost:5005/webhooks/chat/). The page (web/) talks to the socket.io channel on the
same server, so it needs no CORS; its one script dependency is vendored (web/vendor/).
"""
from __future__ import annotations

import html
from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from spasm_aid import replies, settings
from spasm_aid.channels.edge import harden_http
from spasm_aid.paths import WEB_DIR

TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
FILES = ("index.html", "chat.js", "chat.css", "vendor/socket.io.min.js")  # nothing else is served


# The page's own texts, from domain.yml with the configured number (spasm_aid/replies.py).
PAGE_TEXTS = {"in_an_emergency": replies.IN_AN_EMERGENCY, "call_now": replies.CALL_NOW, "unreachable": replies.UNREACHABLE}


def render_page(template: str) -> str:
    """index.html with {{name}} placeholders filled in (HTML-escaped)."""
    number = replies.number()
    values = {"emergency_number": number, **{key: replies.text(name, number) for key, name in PAGE_TEXTS.items()}}
    for key, value in values.items():
        template = template.replace("{{" + key + "}}", html.escape(value))
    return template


class WebChatInput(InputChannel):
    # can it send a message later, unasked (timers, reminders)? spasm_aid.contract.PUSH_CHANNELS
    CAN_PUSH = False  # serves the page; the page talks through socketio

    @classmethod
    def name(cls) -> Text:
        return "chat"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        harden_http()
        missing = [f for f in FILES if not (WEB_DIR / f).is_file()]
        if missing:
            raise FileNotFoundError(f"The web chat page is incomplete: {missing} missing in {WEB_DIR}")
        page = Blueprint("spasm_aid_web_chat", __name__)
        headers = {
            # the page runs only its own scripts and talks only to this server
            "Content-Security-Policy": "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-cache",
        }

        @page.route("/", methods=["GET"])
        async def index(request: Request) -> HTTPResponse:
            return await serve("index.html")

        @page.route("/config.json", methods=["GET"])
        async def config(request: Request) -> HTTPResponse:
            return response.json({"emergency_number": settings.emergency_number()}, headers=headers)

        @page.route("/<name:path>", methods=["GET"])
        async def static(request: Request, name: str) -> HTTPResponse:
            return await serve(name)

        async def serve(name: str) -> HTTPResponse:
            name = name or "index.html"
            if name not in FILES:  # a fixed list: no path tricks reach other files
                return response.json({"error": f"No such page: {name}"}, status=404)
            path = WEB_DIR / name
            body = render_page(path.read_text(encoding="utf-8")).encode() if name == "index.html" else path.read_bytes()
            return response.raw(body, content_type=TYPES[path.suffix], headers=headers)

        return page
