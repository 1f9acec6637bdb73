"""Sends the check-ins that are due, from inside each Rasa server (one asyncio task per server).

Every POLL seconds the server claims the due rows (spasm_aid.check_ins.store: row locks, so one
server sends each) and, for each, triggers the EXTERNAL_check_in intent in the person's
conversation, through the channel they used, as Rasa's reminders and its trigger_intent
endpoint do (the conversation lock held). The check-in's own rules then ask the three
questions. A conversation that has gone to an emergency since gets none (clinical-guidance
section 2: no reminders after an emergency), decided here in the Rasa server.
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
from typing import Any, Optional

from rasa.core.channels.channel import OutputChannel
from sqlalchemy.engine import Engine

from spasm_aid.check_ins import store
from spasm_aid.contract import EMERGENCY
from spasm_aid.session_log.database import make_engine, migrate

logger = logging.getLogger(__name__)

CHECK_IN_INTENT = "EXTERNAL_check_in"
ROUND_ENTITY = "check_in_round"


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def output_for(app: Any, channel_name: str, sender_id: str) -> Optional[OutputChannel]:
    """The output channel that reaches `sender_id` on the input channel named `channel_name`,
    or None when that channel is not served here or cannot send unasked."""
    for channel in getattr(app.ctx, "input_channels", None) or []:
        if channel.name() == channel_name:
            reach = getattr(channel, "output_for", None)  # channels whose output is per person (voice)
            return reach(sender_id) if callable(reach) else channel.get_output_channel()
    return None


class CheckInWorker:
    def __init__(self, app: Any, database_url: str, poll_seconds: float, name: Optional[str] = None) -> None:
        self.app, self.database_url, self.poll_seconds = app, database_url, poll_seconds
        self.name = name or worker_name()
        self._engine: Optional[Engine] = None
        self._task: Optional[asyncio.Task] = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def engine(self) -> Engine:
        """Connected (and the schema upgraded) on first use, so a database that is down at start
        delays the check-ins instead of stopping the server."""
        if self._engine is None:
            engine = make_engine(self.database_url)
            migrate(engine)
            self._engine = engine
        return self._engine

    def start(self) -> None:
        self._task = asyncio.get_event_loop().create_task(self.run_forever())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def run_forever(self) -> None:
        while True:
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database is down, say: logged, and tried again next round
                logger.exception("Check-ins: could not claim or send the due ones; trying again in %s s.", self.poll_seconds)
            await asyncio.sleep(self.poll_seconds)

    async def run_once(self) -> int:
        """Claim and send what is due; how many were sent."""
        due = await asyncio.to_thread(lambda: store.claim_due(self.engine, self.name))
        sent = 0
        for check_in in due:
            status = await self.deliver(check_in)
            sent += status == store.SENT
        return sent

    async def deliver(self, check_in: store.DueCheckIn) -> str:
        agent = getattr(self.app.ctx, "agent", None)
        output = output_for(self.app, check_in.channel, check_in.sender_id)
        if agent is None or not agent.is_ready() or output is None:
            logger.warning("Check-in %s: channel %r cannot send it here (not configured or model not loaded); "
                           "it will be tried again.", check_in.id, check_in.channel)
            return await asyncio.to_thread(store.mark_not_sent, self.engine, check_in)
        try:
            async with agent.lock_store.lock(check_in.sender_id):
                tracker = await agent.processor.fetch_tracker_and_update_session(check_in.sender_id, output)
                if tracker.get_slot("triage") == EMERGENCY:
                    await asyncio.to_thread(store.mark_done, self.engine, check_in.id, store.CANCELLED)
                    return store.CANCELLED
                await agent.trigger_intent(CHECK_IN_INTENT, [{"entity": ROUND_ENTITY, "value": check_in.round}],
                                           output, tracker)
        except Exception:
            logger.exception("Check-in %s could not be sent through %s; it will be tried again.", check_in.id, check_in.channel)
            return await asyncio.to_thread(store.mark_not_sent, self.engine, check_in)
        await asyncio.to_thread(store.mark_done, self.engine, check_in.id, store.SENT)
        return store.SENT
