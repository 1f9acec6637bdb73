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
