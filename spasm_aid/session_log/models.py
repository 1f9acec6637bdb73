"""Tables of the session log. Schema changes go through Alembic migrations in ./migrations."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Column, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declarative_base

Base: Any = declarative_base()  # typed loosely: SQLAlchemy 1.4 has no typed declarative base


class SessionRecord(Base):
    __tablename__ = "sessions"

    id = Column(String(36), primary_key=True)
    sender_hash = Column(String(64), nullable=False, index=True)  # salted HMAC of the sender id
    channel = Column(String(64))
    started_at = Column(DateTime(timezone=True), nullable=False)
    ended_at = Column(DateTime(timezone=True))  # time of the last event so far
    end_reason = Column(String(16))  # goodbye / restart / new_session / expired; null while open
    final_triage = Column(String(16))  # the most severe route given: emergency/urgent/self_care
    red_flag = Column(String(32))  # flag id behind that route, if any
    topics = Column(Text, nullable=False, default="")  # advice topics given, comma-separated
    locale = Column(String(16))
    turns = Column(Integer, nullable=False, default=0)  # user messages
    first_advice_turn = Column(Integer)  # user turns before the first advice was given
    alert = Column(String(128))  # the household alert's outcome per target, e.g. "home_assistant:sent"


class TurnRecord(Base):
    __tablename__ = "turns"

    id = Column(Integer, primary_key=True, autoincrement=True)
    session_id = Column(String(36), ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True)
    at = Column(DateTime(timezone=True), nullable=False)
    who = Column(String(8), nullable=False)  # user / bot
    intent = Column(String(64))
    confidence = Column(Float)
    action = Column(String(64))  # the response or action name, for bot turns
    triage = Column(String(16))  # the route this bot turn carried, if any
    text = Column(Text)  # only with SPASM_AID_LOG_TEXT=1


class CheckInRecord(Base):
    """A follow-up check-in the person asked for (clinical-guidance section 7), due later on the
    channel they used. Kept here, not in a server's memory, so that it survives a restart and
    is sent by exactly one of several servers (spasm_aid/check_ins/store.py claims it with a row
    lock). The sender id is what reaches the person; it is cleared once the check-in is done."""

    __tablename__ = "check_ins"

    id = Column(String(36), primary_key=True)
    sender_id = Column(String(256))  # the channel's address of the person; null once done
    channel = Column(String(64), nullable=False)  # the input channel's name (telegram, slack, ...)
    round = Column(Integer, nullable=False)  # 1: a few hours later, 2: the next morning
    due_at = Column(DateTime(timezone=True), nullable=False, index=True)
    status = Column(String(16), nullable=False, index=True)  # pending / claimed / sent / cancelled / failed
    attempts = Column(Integer, nullable=False, default=0)
    claimed_by = Column(String(64))  # the server that is sending it
    claimed_at = Column(DateTime(timezone=True))
    done_at = Column(DateTime(timezone=True))
    created_at = Column(DateTime(timezone=True), nullable=False)
