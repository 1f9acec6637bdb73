"""Writing the session log without blocking replies: `SessionLogWriter` runs the aggregator on
a background thread and flushes its rows to the database; when the database is unreachable it
keeps the rows and retries with back-off, so a database fault neither delays a reply nor loses
the record."""
from __future__ import annotations

import logging
import queue
import threading
import time
from datetime import datetime, timezone
from typing import Any, Dict, Optional

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from spasm_aid import replies, settings
from spasm_aid.alerts import Alert, HouseholdAlerts
from spasm_aid.session_log.aggregation import RESUME_WITHIN, SessionAggregator, row_of
from spasm_aid.session_log.database import make_engine, migrate
from spasm_aid.session_log.models import SessionRecord, TurnRecord
from spasm_aid.session_log.privacy import redact, sender_salt

logger = logging.getLogger(__name__)


def flush(aggregator: SessionAggregator, engine: Engine) -> int:
    """Write what changed; on failure nothing is lost and the caller retries later."""
    if not aggregator.dirty and not aggregator.new_turns and not aggregator.alert_outcomes:
        return 0
    rows = list(aggregator.dirty.values())
    turns = list(aggregator.new_turns)
    written = {}
    with Session(engine, future=True) as session, session.begin():
        for row in rows:
            stored = session.get(SessionRecord, row["id"], with_for_update=True)  # a row lock
            written[row["id"]] = values = aggregator.merged(row, row_of(stored) if stored is not None else None)
            if stored is None:
                session.add(SessionRecord(**values))
            else:
                for name, value in values.items():
                    setattr(stored, name, value)
        session.flush()  # sessions before their turns (foreign key)
        session.add_all(TurnRecord(**turn) for turn in turns)
        outcomes = dict(aggregator.alert_outcomes)
        for session_id, outcome in outcomes.items():
            session.execute(update(SessionRecord).where(SessionRecord.id == session_id).values(alert=outcome[:128]))
    for row in rows:  # this process now knows what the others added
        row.update(written[row["id"]])
        aggregator.base[row["id"]] = row["turns"]
        if aggregator.dirty.get(row["id"]) is row:
            aggregator.dirty.pop(row["id"])
    del aggregator.new_turns[: len(turns)]
    for session_id, outcome in outcomes.items():
        if aggregator.alert_outcomes.get(session_id) == outcome:
            aggregator.alert_outcomes.pop(session_id)
    return len(turns)


class SessionLogWriter:
    """Runs the aggregator on a background thread; `submit` never blocks or raises."""

    def __init__(
        self,
        url: Optional[str] = None,
        salt: Optional[bytes] = None,
        log_text: Optional[bool] = None,
        flush_interval: float = 0.2,
        max_backoff: float = 30.0,
        alerts: Optional[HouseholdAlerts] = None,
    ) -> None:
        self.url = url or settings.database_url()
        self.aggregator = SessionAggregator(
            salt if salt is not None else sender_salt(),
            settings.log_text() if log_text is None else log_text,
            settings.locale(),
            resume=self._resume,
        )
        # the household alert (opt-in): sent when a session first routes to emergency, its
        # outcome written to the session row
        self.alerts = alerts if alerts is not None else HouseholdAlerts(self._alert_outcome)
        self.flush_interval = flush_interval
        self.max_backoff = max_backoff
        self.queue: "queue.Queue[Any]" = queue.Queue()  # events, ("alert", ...) outcomes, None: stop
        self.engine: Optional[Engine] = None
        self.failures = 0
        self.last_error: Optional[str] = None
        self._progress = threading.Condition()
        self._submitted = 0  # events submitted
        self._handled = 0  # events handled by the aggregator
        self._written = 0  # events whose rows are in the database
        self._thread = threading.Thread(target=self._run, name="session-log-writer", daemon=True)
        self._thread.start()

    def submit(self, event: Dict[str, Any]) -> None:
        with self._progress:
            self._submitted += 1
        self.queue.put(event)

    def _resume(self, sender_hash: str, when: datetime) -> Optional[Dict[str, Any]]:
        """The sender's latest session if it is still open in the database (None on any error:
        then a new row is started, which loses nothing)."""
        try:
            with Session(self._connect(), future=True) as session:
                record = session.execute(
                    select(SessionRecord)
                    .where(SessionRecord.sender_hash == sender_hash, SessionRecord.end_reason.is_(None))
                    .order_by(SessionRecord.started_at.desc())
                    .limit(1)
                ).scalar_one_or_none()
                if record is None:
                    return None
                ended = record.ended_at if record.ended_at.tzinfo else record.ended_at.replace(tzinfo=timezone.utc)
                if when - ended > RESUME_WITHIN:
                    return None
                return row_of(record)
        except Exception:  # the database is down: start a new row, keep going
            return None

    def _connect(self) -> Engine:
        if self.engine is None:
            engine = make_engine(self.url)
            migrate(engine)
            self.engine = engine
        return self.engine

    def _handle(self, event: Any) -> bool:
        """Apply one queued item; True when it is the stop signal."""
        if event is None:
            return True
        if isinstance(event, tuple):  # ("alert", session id, outcome), from the alert thread
            self.aggregator.alert_outcomes[event[1]] = event[2]
            return False
        try:
            self.aggregator.handle(event)
        except Exception:  # a malformed event must not stop the log
            logger.exception("Session log: could not record an event; it was skipped.")
        self._handled += 1
        for session_id, channel, when in self.aggregator.new_emergencies:
            self.alerts.send(Alert(session_id, channel or "an unknown channel", when, replies.number()))
        self.aggregator.new_emergencies.clear()
        return False

    def _alert_outcome(self, session_id: str, outcome: str) -> None:
        self.queue.put(("alert", session_id, outcome))

    def _drain(self) -> bool:
        """Handle everything queued now, in order; True when asked to stop."""
        stop = False
        while True:
            try:
                stop = self._handle(self.queue.get_nowait()) or stop
            except queue.Empty:
                return stop

    def _try_flush(self) -> bool:
        try:
            flush(self.aggregator, self._connect())
            self.failures = 0
            self.last_error = None
            return True
        except Exception as error:  # the database is down or refused the write: keep, retry
            self.failures += 1
            self.last_error = f"{type(error).__name__}: {error}"
            if self.failures == 1 or self.failures % 20 == 0:
                logger.warning(
                    "Session log: cannot write to %s (%s); keeping %d turn(s) in memory and retrying.",
                    redact(self.url),
                    self.last_error.splitlines()[0],
                    len(self.aggregator.new_turns),
                )
            if self.engine is not None and self.failures % 5 == 0:
                self.engine.dispose()
            return False

    def _run(self) -> None:
        stop = False
        while not stop:
            try:
                stop = self._handle(self.queue.get(timeout=self.flush_interval))
            except queue.Empty:
                pass
            stop = self._drain() or stop
            handled = self._handled
            ok = self._try_flush()
            self.aggregator.forget_idle()
            if ok:
                with self._progress:
                    self._written = handled
                    self._progress.notify_all()
            if not ok and not stop:
                time.sleep(min(self.max_backoff, 0.5 * (2 ** min(self.failures, 6))))

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """For tests and shutdown: wait until everything submitted so far has been written."""
        with self._progress:
            target = self._submitted
            return self._progress.wait_for(lambda: self._written >= target, timeout)

    def close(self, timeout: float = 10.0) -> None:
        self.queue.put(None)
        self._thread.join(timeout)
        if self.aggregator.new_turns or self.aggregator.dirty:
            logger.error(
                "Session log: %d turn(s) could not be written before shutdown (%s).",
                len(self.aggregator.new_turns),
                self.last_error,
            )
        if self.engine is not None:
            self.engine.dispose()
