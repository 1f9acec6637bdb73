"""Turning Rasa events into session and turn rows: plain logic, no database and no threads.

`SessionAggregator` takes Rasa event dictionaries and keeps one open session row per sender and
the new turn rows in memory; `merged()` combines a row with what another Rasa server stored.
The rows are dicts with exactly the columns of the models (`new_session_row()`), so the schema
is written once, in models.py (and its migration).
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, List, Optional, Tuple

from spasm_aid.session_log.models import SessionRecord
from spasm_aid.session_log.privacy import hash_sender
from spasm_aid.triage import EMERGENCY, LEVELS, load_table

# Responses that count as advice, by the topic they give.
ADVICE_TOPICS = {
    "utter_first_aid_now": "first_aid_now",  # the position, before the urgent questions
    "utter_self_care_plan": "self_care_plan",
    "utter_comfort_measures": "comfort_measures",
    # the first-aid topics of the triage table
    **{topic.response: topic.logged_as for topic in load_table().topics if topic.logged_as},
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


SESSION_COLUMNS = tuple(column.name for column in SessionRecord.__table__.columns)


def new_session_row(**values: Any) -> Dict[str, Any]:
    """A session row: every column of SessionRecord, None unless given."""
    unknown = set(values) - set(SESSION_COLUMNS)
    if unknown:
        raise KeyError(f"not columns of {SessionRecord.__tablename__}: {sorted(unknown)}")
    return {name: values.get(name) for name in SESSION_COLUMNS}


def row_of(record: SessionRecord) -> Dict[str, Any]:
    """A stored session as a row dict."""
    return {name: getattr(record, name) for name in SESSION_COLUMNS}


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
        # sessions that reached emergency for the first time: (session id, channel, when), for the
        # household alert; and the alerts' outcomes to write (session id -> outcome)
        self.new_emergencies: List[Tuple[str, Optional[str], datetime]] = []
        self.alert_outcomes: Dict[str, str] = {}

    def _start(
        self, sender_id: str, when: datetime, channel: Optional[str] = None, session_id: Optional[str] = None
    ) -> Dict[str, Any]:
        record = new_session_row(
            id=session_id or str(uuid.uuid4()),
            sender_hash=hash_sender(sender_id, self.salt),
            channel=channel,
            started_at=when,
            ended_at=when,
            topics="",
            locale=self.locale,
            turns=0,
        )
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
                if level == EMERGENCY and previous < _severity(EMERGENCY):
                    self.new_emergencies.append((record["id"], record["channel"], when))
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

    def merged(self, row: Dict[str, Any], stored: Optional[Dict[str, Any]]) -> Dict[str, Any]:
        """The row to write: this process's view combined with what is stored, which another
        Rasa server may have advanced meanwhile (more turns, a more severe route, more topics)."""
        if stored is None:
            return dict(row)
        db = stored
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


def _aware(value: datetime) -> datetime:
    """SQLite gives back naive datetimes (stored as UTC)."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
