"""Turning Rasa events into session and turn rows, and writing them without blocking replies.

`SessionAggregator` is plain logic: it takes Rasa event dictionaries and keeps the session
rows and new turn rows in memory. `SessionLogWriter` runs it on a background thread and
flushes to the database; when the database is unreachable it keeps the rows and retries with
back-off, so a database fault neither delays a reply nor loses the record.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import queue
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from spasm_aid import settings
from spasm_aid.session_log.models import SessionRecord, TurnRecord
from spasm_aid.triage import LEVELS

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

# Responses that count as advice, by the topic they give.
ADVICE_TOPICS = {
    "utter_first_aid_now": "first_aid_now",  # the position, before the urgent questions
    "utter_self_care_plan": "self_care_plan",
    "utter_comfort_measures": "comfort_measures",
    "utter_ice_heat": "ice_heat",
    "utter_rest": "rest",
    "utter_walking": "walking",
    "utter_stretching": "stretching",
    "utter_see_doctor": "see_doctor",
    "utter_duration": "duration",
    "utter_prevention": "prevention",
    "utter_pain_relief_otc_ok": "pain_relief",
    "utter_pain_relief_ask_first": "pain_relief",
    "utter_while_waiting": "while_waiting",
}
NOT_FIRST_ADVICE = {"while_waiting"}
# Set on events by spasm_aid.tracker_store: when the tracker's conversation session started. With
# several Rasa servers, each one sees part of a conversation; this key gives all of them the same
# session row id.
SESSION_KEY = "spasm_aid_session"
SESSION_NAMESPACE = uuid.UUID("5f0c1d52-4a57-4d0e-9a51-3c7e1b8a2a11")
IDLE_SECONDS = 2 * 3600  # sessions idle this long are forgotten in memory (already written)
RESUME_WITHIN = timedelta(minutes=60)  # as domain.yml's session_expiration_time
MAX_PENDING_TURNS = 200_000  # beyond this, during a long outage, the oldest turns are dropped


# --- privacy ---------------------------------------------------------------------------------
def sender_salt(var_dir: Optional[Path] = None) -> bytes:
    """SPASM_AID_SENDER_SALT, or a random salt kept in var/sender_salt (created once, mode 600)."""
    value = settings.sender_salt_value()
    if value:
        return value.encode()
    path = (var_dir or settings.var_dir()) / "sender_salt"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def hash_sender(sender_id: str, salt: bytes) -> str:
    return hmac.new(salt, sender_id.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def private_file(path: Path) -> None:
    """Create `path` (empty) readable by its owner only, or make it so: the session log and the
    salt are nobody else's business on a shared machine. SQLite gives its journal the same mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        os.chmod(path, 0o600)
    except PermissionError:  # another user's file: leave it, SQLite will say if it can't open it
        pass


# --- database --------------------------------------------------------------------------------
def make_engine(url: Optional[str] = None) -> Engine:
    url = url or settings.database_url()
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        private_file(Path(url[len("sqlite:///") :]))
    kwargs: Dict[str, Any] = {"future": True, "pool_pre_ping": True}
    if url.startswith("postgresql"):
        kwargs["connect_args"] = {"connect_timeout": 3}
    return create_engine(url, **kwargs)


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration (idempotent)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


# --- aggregation -------------------------------------------------------------------------------
def _when(event: Dict[str, Any]) -> datetime:
    stamp = event.get("timestamp")
    try:
        return datetime.fromtimestamp(float(stamp), tz=timezone.utc)  # type: ignore[arg-type]  # checked below
    except (TypeError, ValueError, OverflowError, OSError):
        return datetime.now(tz=timezone.utc)


def _severity(level: Optional[str]) -> int:
    return LEVELS.index(level) if level in LEVELS else -1


@dataclass
class OpenSession:
    record: Dict[str, Any]
    last_seen: float = field(default_factory=time.monotonic)


class SessionAggregator:
    """Keeps one open session per sender and produces the rows to write."""

    def __init__(
        self,
        salt: bytes,
        log_text: bool = False,
        locale: str = "en",
        resume: Optional[Callable[[str, datetime], Optional[Dict[str, Any]]]] = None,
    ) -> None:
        self.salt = salt
        # resume(sender_hash, when) -> the row of a session still open in the database, so that
        # a conversation that goes on across a server restart keeps its one session row
        self.resume = resume
        self.log_text = log_text
        self.locale = locale
        self.open: Dict[str, OpenSession] = {}
        self.dirty: Dict[str, Dict[str, Any]] = {}  # session id -> row values to upsert
        # session id -> this process's turn count when the row was last written or read: what
        # was counted since is added to the stored count (other servers may have added theirs)
        self.base: Dict[str, int] = {}
        self.new_turns: List[Dict[str, Any]] = []
        self.dropped_turns = 0

    def _start(
        self, sender_id: str, when: datetime, channel: Optional[str] = None, session_id: Optional[str] = None
    ) -> Dict[str, Any]:
        record = {
            "id": session_id or str(uuid.uuid4()),
            "sender_hash": hash_sender(sender_id, self.salt),
            "channel": channel,
            "started_at": when,
            "ended_at": when,
            "end_reason": None,
            "final_triage": None,
            "red_flag": None,
            "topics": "",
            "locale": self.locale,
            "turns": 0,
            "first_advice_turn": None,
        }
        self.open[sender_id] = OpenSession(record)
        return record

    def _close(self, sender_id: str, reason: str) -> None:
        session = self.open.pop(sender_id, None)
        if session and not session.record["end_reason"]:
            session.record["end_reason"] = reason
            self._touch(session.record)

    def _keyed_id(self, sender_id: str, event: Dict[str, Any]) -> Optional[str]:
        key = event.get(SESSION_KEY)
        if key is None:
            return None
        return str(uuid.uuid5(SESSION_NAMESPACE, f"{hash_sender(sender_id, self.salt)}:{key}"))

    def _current(
        self, sender_id: str, when: datetime, channel: Optional[str] = None, session_id: Optional[str] = None
    ) -> Dict[str, Any]:
        session = self.open.get(sender_id)
        if session_id is not None:  # the tracker says which session: no guessing, no resuming
            if session is not None and session.record["id"] == session_id:
                session.last_seen = time.monotonic()
                return session.record
            if session is not None:
                self._close(sender_id, "new_session")
            return self._start(sender_id, when, channel, session_id)
        if session is None and self.resume is not None:
            row = self.resume(hash_sender(sender_id, self.salt), when)
            if row is not None:
                self.open[sender_id] = session = OpenSession(row)
                self.base[row["id"]] = row["turns"]
        if session is None:
            return self._start(sender_id, when, channel)
        session.last_seen = time.monotonic()
        return session.record

    def _touch(self, record: Dict[str, Any]) -> None:
        self.dirty[record["id"]] = record

    def _turn(self, record: Dict[str, Any], **values: Any) -> None:
        if len(self.new_turns) >= MAX_PENDING_TURNS:
            self.new_turns.pop(0)
            self.dropped_turns += 1
        self.new_turns.append({"session_id": record["id"], **values})

    def handle(self, event: Dict[str, Any]) -> None:
        """Apply one Rasa event (as published by the tracker store)."""
        if not isinstance(event, dict):
            return
        sender_id = event.get("sender_id")
        kind = event.get("event")
        if not isinstance(sender_id, str) or not sender_id:
            return
        when = _when(event)
        session_id = self._keyed_id(sender_id, event)
        if kind == "session_started":
            # written with its first turn: a restart with nothing said after it leaves no empty row
            self._close(sender_id, "new_session")
            self._start(sender_id, when, session_id=session_id)
            return
        if kind == "restart":
            self._close(sender_id, "restart")
            return
        if kind == "user":
            record = self._current(sender_id, when, event.get("input_channel"), session_id)
            intent = (event.get("parse_data") or {}).get("intent") or {}
            record["turns"] += 1
            record["channel"] = record["channel"] or event.get("input_channel")
            record["ended_at"] = when
            record["end_reason"] = None  # talking again after "bye" reopens the session
            self._turn(
                record,
                at=when,
                who="user",
                intent=intent.get("name"),
                confidence=intent.get("confidence"),
                action=None,
                triage=None,
                text=event.get("text") if self.log_text else None,
            )
            self._touch(record)
        elif kind == "bot":
            record = self._current(sender_id, when, session_id=session_id)
            action = (event.get("metadata") or {}).get("utter_action")
            custom = (event.get("data") or {}).get("custom")
            custom = custom if isinstance(custom, dict) else {}
            level = custom.get("triage")
            if level in LEVELS:
                previous = _severity(record["final_triage"])
                if _severity(level) > previous:  # the most severe route is the outcome
                    record["final_triage"] = level
                    record["red_flag"] = custom.get("reason")
                elif _severity(level) == previous and not record["red_flag"]:
                    record["red_flag"] = custom.get("reason")
            topic = ADVICE_TOPICS.get(action or "")
            if topic:
                topics = [t for t in record["topics"].split(",") if t]
                if topic not in topics:
                    record["topics"] = ",".join(topics + [topic])
                if record["first_advice_turn"] is None and topic not in NOT_FIRST_ADVICE:
                    record["first_advice_turn"] = record["turns"]
            if action == "utter_goodbye":
                record["end_reason"] = "goodbye"
            record["ended_at"] = when
            self._turn(
                record,
                at=when,
                who="bot",
                intent=None,
                confidence=None,
                action=action,
                triage=level if level in LEVELS else None,
                text=event.get("text") if self.log_text else None,
            )
            self._touch(record)

    def forget_idle(self, now: Optional[float] = None) -> None:
        now = now or time.monotonic()
        for sender_id in [s for s, o in self.open.items() if now - o.last_seen > IDLE_SECONDS]:
            session = self.open.pop(sender_id)
            if session.record["id"] not in self.dirty:
                self.base.pop(session.record["id"], None)

    def _merged(self, row: Dict[str, Any], stored: Optional[SessionRecord]) -> Dict[str, Any]:
        """The row to write: this process's view combined with what is stored, which another
        Rasa server may have advanced meanwhile (more turns, a more severe route, more topics)."""
        if stored is None:
            return dict(row)
        db = {column.name: getattr(stored, column.name) for column in SessionRecord.__table__.columns}
        base = self.base.get(row["id"], 0)
        merged = dict(db)
        merged["turns"] = (db["turns"] or 0) + row["turns"] - base
        merged["started_at"] = min(_aware(db["started_at"]), _aware(row["started_at"]))
        ours_is_later = _aware(row["ended_at"]) >= _aware(db["ended_at"] or row["ended_at"])
        merged["ended_at"] = max(_aware(db["ended_at"] or row["ended_at"]), _aware(row["ended_at"]))
        if ours_is_later:
            merged["end_reason"] = row["end_reason"]
        merged["channel"] = db["channel"] or row["channel"]
        if _severity(row["final_triage"]) > _severity(db["final_triage"]):
            merged["final_triage"], merged["red_flag"] = row["final_triage"], row["red_flag"]
        elif _severity(row["final_triage"]) == _severity(db["final_triage"]) and not db["red_flag"]:
            merged["red_flag"] = row["red_flag"]
        topics = [t for t in (db["topics"] or "").split(",") if t]
        merged["topics"] = ",".join(topics + [t for t in row["topics"].split(",") if t and t not in topics])
        if db["first_advice_turn"] is None and row["first_advice_turn"] is not None:
            merged["first_advice_turn"] = (db["turns"] or 0) + row["first_advice_turn"] - base
        return merged

    def flush(self, engine: Engine) -> int:
        """Write what changed; on failure nothing is lost and the caller retries later."""
        if not self.dirty and not self.new_turns:
            return 0
        rows = list(self.dirty.values())
        turns = list(self.new_turns)
        written = {}
        with Session(engine, future=True) as session, session.begin():
            for row in rows:
                stored = session.get(SessionRecord, row["id"], with_for_update=True)  # a row lock
                written[row["id"]] = values = self._merged(row, stored)
                if stored is None:
                    session.add(SessionRecord(**values))
                else:
                    for name, value in values.items():
                        setattr(stored, name, value)
            session.flush()  # sessions before their turns (foreign key)
            session.add_all(TurnRecord(**turn) for turn in turns)
        for row in rows:  # this process now knows what the others added
            row.update(written[row["id"]])
            self.base[row["id"]] = row["turns"]
            if self.dirty.get(row["id"]) is row:
                self.dirty.pop(row["id"])
        del self.new_turns[: len(turns)]
        return len(turns)


def _aware(value: datetime) -> datetime:
    """SQLite gives back naive datetimes (stored as UTC)."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


class SessionLogWriter:
    """Runs the aggregator on a background thread; `submit` never blocks or raises."""

    def __init__(
        self,
        url: Optional[str] = None,
        salt: Optional[bytes] = None,
        log_text: Optional[bool] = None,
        flush_interval: float = 0.2,
        max_backoff: float = 30.0,
    ) -> None:
        self.url = url or settings.database_url()
        self.aggregator = SessionAggregator(
            salt if salt is not None else sender_salt(),
            settings.log_text() if log_text is None else log_text,
            settings.locale(),
            resume=self._resume,
        )
        self.flush_interval = flush_interval
        self.max_backoff = max_backoff
        self.queue: "queue.Queue[Optional[Dict[str, Any]]]" = queue.Queue()
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
                return {column.name: getattr(record, column.name) for column in SessionRecord.__table__.columns}
        except Exception:  # the database is down: start a new row, keep going
            return None

    def _connect(self) -> Engine:
        if self.engine is None:
            engine = make_engine(self.url)
            migrate(engine)
            self.engine = engine
        return self.engine

    def _handle(self, event: Optional[Dict[str, Any]]) -> bool:
        """Apply one queued item; True when it is the stop signal."""
        if event is None:
            return True
        try:
            self.aggregator.handle(event)
        except Exception:  # a malformed event must not stop the log
            logger.exception("Session log: could not record an event; it was skipped.")
        self._handled += 1
        return False

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
            self.aggregator.flush(self._connect())
            self.failures = 0
            self.last_error = None
            return True
        except Exception as error:  # the database is down or refused the write: keep, retry
            self.failures += 1
            self.last_error = f"{type(error).__name__}: {error}"
            if self.failures == 1 or self.failures % 20 == 0:
                logger.warning(
                    "Session log: cannot write to %s (%s); keeping %d turn(s) in memory and retrying.",
                    _redact(self.url),
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


def _redact(url: str) -> str:
    """A database URL without its password, for log messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url
