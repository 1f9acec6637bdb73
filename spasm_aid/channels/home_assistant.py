"""Home Assistant Assist: a Wyoming service that is a conversation agent for its speakers.

    python -m spasm_aid.channels.home_assistant [--uri tcp://0.0.0.0:10700] [--assistant http://127.0.0.1:5005]
    (make assist)

Home Assistant's Wyoming integration treats a service that advertises `handle` as a
conversation agent: for each thing said it opens a connection, sends a `transcript` (whose
context carries the Assist `conversation_id`, `device_id` and `satellite_id` in current
releases), and speaks the text of the `handled` answer. `Conversations` decides which
conversation with the assistant a transcript continues (sender "assist-<id>"); replies come
through the voice connector, already speakable (numbers, abbreviations). If the assistant cannot
be reached, the answer is still the emergency number.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
import time
import uuid
from collections import OrderedDict
from functools import partial
from typing import Any, Callable, Dict, Optional, Tuple

import aiohttp
from wyoming.asr import Transcript
from wyoming.event import Event
from wyoming.handle import Handled
from wyoming.info import Attribution, Describe, HandleModel, HandleProgram, Info
from wyoming.server import AsyncEventHandler, AsyncServer

from spasm_aid import replies, settings
from spasm_aid.channels.edge import remember
from spasm_aid.client import triage_of

logger = logging.getLogger(__name__)
ATTRIBUTION = Attribution(name="Spasm Aid", url="https://example.invalid/spasm-aid")
MAX_ID_CHARS = 100
MAX_REMEMBERED = 10_000  # conversations and devices remembered (the oldest are forgotten)


def info() -> Info:
    return Info(
        handle=[
            HandleProgram(
                name="spasm-aid",
                description="First aid for a back spasm: red-flag screening first, then ice or heat, rest, walking, pain relief.",
                attribution=ATTRIBUTION,
                installed=True,
                version="1",
                models=[HandleModel(name="spasm-aid", description="Spasm Aid (English)", attribution=ATTRIBUTION,
                                    installed=True, version="1", languages=["en"])],
            )
        ]
    )


def _valid_id(value: Any) -> Optional[str]:
    if isinstance(value, str) and value and len(value) <= MAX_ID_CHARS and re.fullmatch(r"[\w.:-]+", value):
        return value
    return None


class Conversations:
    """Which conversation with the assistant a transcript continues.

    Home Assistant's Wyoming integration sends `context` with the Assist conversation id, and
    the satellite or device it came from (homeassistant/components/wyoming/conversation.py),
    only since wyoming 1.7.0 (June 2025): older releases send the text alone. And a speaker
    starts a new Assist conversation at each wake word unless "continued conversation" is on. A
    person on the floor answers each safety question after a new wake word, so a transcript
    continues the conversation of the same satellite (or device) if that spoke within
    `keep_seconds`; without any context (older Home Assistant), that of the same Home Assistant
    connection. Only otherwise does a new conversation start."""

    def __init__(self, keep_seconds: float = 300, clock: Callable[[], float] = time.monotonic) -> None:
        self.keep_seconds, self.clock = keep_seconds, clock
        self.senders: "OrderedDict[str, str]" = OrderedDict()  # Assist conversation id -> sender
        self.recent: "OrderedDict[str, Tuple[str, float]]" = OrderedDict()  # device key -> (sender, when)

    def sender_for(self, context: Optional[Dict[str, Any]], peer: str = "") -> str:
        context = context or {}
        conversation = _valid_id(context.get("conversation_id"))
        device = _valid_id(context.get("satellite_id")) or _valid_id(context.get("device_id"))
        key = f"device:{device}" if device else (None if conversation else f"peer:{peer}")
        now = self.clock()
        sender = self.senders.get(conversation) if conversation else None
        if sender is None and key is not None and key in self.recent:
            previous, when = self.recent[key]
            if now - when <= self.keep_seconds:
                sender = previous
        if sender is None:
            sender = f"assist-{conversation or uuid.uuid4().hex}"
        if conversation:
            remember(self.senders, conversation, sender, MAX_REMEMBERED)
        if key is not None:
            remember(self.recent, key, (sender, now), MAX_REMEMBERED)
        return sender


def safety_text() -> str:
    return replies.text(replies.FAILURE)


async def ask_assistant(base_url: str, sender: str, text: str, timeout: float = 30) -> Tuple[str, Optional[dict]]:
    """(speakable reply, triage payload or None) from the assistant's voice connector."""
    url = f"{base_url.rstrip('/')}/webhooks/voice/webhook?audio=0"
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
            async with session.post(url, json={"sender": sender, "message": text}) as reply:
                payload = await reply.json(content_type=None)
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        logger.error("Assist: the assistant at %s did not answer: %s", base_url, error)
        return safety_text(), None
    if not isinstance(payload, dict) or not payload.get("speech"):
        return safety_text(), None
    return payload["speech"], triage_of(payload.get("messages") or [])


class AssistHandler(AsyncEventHandler):
    def __init__(self, base_url: str, conversations: Conversations, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.base_url = base_url
        self.conversations = conversations

    async def handle_event(self, event: Event) -> bool:
        if Describe.is_type(event.type):
            await self.write_event(info().event())
            return True
        if Transcript.is_type(event.type):
            transcript = Transcript.from_event(event)
            peer = self.writer.get_extra_info("peername") if self.writer is not None else None
            sender = self.conversations.sender_for(transcript.context, str(peer[0]) if peer else "")
            text = (transcript.text or "").strip()
            speech, triage = await ask_assistant(self.base_url, sender, text)
            # the Assist id Home Assistant sent, else the id of the conversation it continued
            sent_id = _valid_id((transcript.context or {}).get("conversation_id"))
            context: Dict[str, Any] = {"conversation_id": sent_id or sender.removeprefix("assist-")}
            if triage:
                context["triage"] = triage
            await self.write_event(Handled(text=speech, context=context).event())
            return False  # Home Assistant opens a new connection for the next turn
        return True  # other events (ping, audio) are not ours


async def serve(uri: str, base_url: str) -> None:
    server = AsyncServer.from_uri(uri)
    logger.info("Assist: Wyoming service on %s, assistant at %s", uri, base_url)
    await server.run(partial(AssistHandler, base_url, Conversations()))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", default="tcp://0.0.0.0:10700", help="where Home Assistant connects (Wyoming URI)")
    parser.add_argument("--assistant", default="http://127.0.0.1:5005", help="the Rasa server (make serve)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        settings.Settings.from_env()  # every setting checked before Home Assistant connects
        asyncio.run(serve(args.uri, args.assistant))
    except settings.SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
