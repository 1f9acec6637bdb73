"""The voice connector's push store: replies wait here, per conversation, until the speaker
client collects them (at once for an answer, later through /pending for a timer or a reminder).
Only conversations with messages waiting, or a client waiting, take memory."""
from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from typing import Any, Deque, Dict, List, Text

from rasa.core.channels.channel import CollectingOutputChannel

MAX_PENDING = 50  # per conversation; older ones are dropped


class PendingMessages:
    """Bot messages per conversation, until the client collects them. Only conversations with
    messages waiting, or a client waiting, take memory: polling with made-up ids costs nothing."""

    def __init__(self) -> None:
        self.queues: Dict[str, Deque[Dict[str, Any]]] = defaultdict(lambda: deque(maxlen=MAX_PENDING))
        self.events: Dict[str, asyncio.Event] = {}
        self.waiting: Dict[str, int] = {}

    def add(self, sender: str, message: Dict[str, Any]) -> None:
        self.queues[sender].append(message)
        if sender in self.events:
            self.events[sender].set()

    def take(self, sender: str) -> List[Dict[str, Any]]:
        return list(self.queues.pop(sender, []))

    async def wait(self, sender: str, seconds: float) -> List[Dict[str, Any]]:
        if not self.queues.get(sender) and seconds > 0:
            event = self.events.setdefault(sender, asyncio.Event())
            self.waiting[sender] = self.waiting.get(sender, 0) + 1
            try:
                await asyncio.wait_for(event.wait(), timeout=seconds)
            except asyncio.TimeoutError:
                pass
            finally:
                self.waiting[sender] -= 1
                if not self.waiting[sender]:
                    del self.waiting[sender], self.events[sender]
        return self.take(sender)


class VoiceOutput(CollectingOutputChannel):
    """Collects a conversation's messages into the shared pending store; reminders scheduled
    in a turn keep this channel and so reach the client later through /pending."""

    def __init__(self, store: PendingMessages, sender: str) -> None:
        super().__init__()
        self.store = store
        self.sender = sender

    @classmethod
    def name(cls) -> Text:
        return "voice"

    async def _persist_message(self, message: Dict[Text, Any]) -> None:
        await super()._persist_message(message)
        self.store.add(self.sender, message)
