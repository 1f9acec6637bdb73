"""Due check-ins in the session log's database (SQLite by default, PostgreSQL in production).

Rasa's own reminders live in the memory of the server that scheduled them (an APScheduler
memory job store: rasa/core/jobs.py), so a restart loses them and a second server never sees
them. A check-in asked for today must still come tomorrow morning, once, whichever server is
up: each is a row here. A server claims due rows in one transaction: on PostgreSQL it locks them
(SELECT ... FOR UPDATE SKIP LOCKED), so two servers never claim the same row; the UPDATE is
also conditional on the row still being claimable, which keeps SQLite (one writer at a time)
right too. A claim that is not marked done within LEASE (its server died while sending) may be
claimed again: a check-in is then sent twice at worst, never lost.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import List, Optional, Sequence

from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from spasm_aid.session_log.models import CheckInRecord

PENDING, CLAIMED, SENT, CANCELLED, FAILED = "pending", "claimed", "sent", "cancelled", "failed"
LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 5  # then it is given up (the channel keeps refusing): logged as failed
RETRY_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class DueCheckIn:
    id: str
    sender_id: str
    channel: str
    round: int
    attempts: int


def _utc(when: datetime) -> datetime:
    return when.astimezone(timezone.utc) if when.tzinfo else when.replace(tzinfo=timezone.utc)


def schedule(engine: Engine, sender_id: str, channel: str, due: Sequence[datetime], now: Optional[datetime] = None) -> None:
    """Replace the sender's pending check-ins with one per due time."""
    now = _utc(now or datetime.now(timezone.utc))
    with Session(engine, future=True) as session, session.begin():
        _finish_pending(session, sender_id, CANCELLED, now)
        for number, when in enumerate(due, start=1):
            session.add(CheckInRecord(
                id=str(uuid.uuid4()), sender_id=sender_id, channel=channel, round=number, due_at=_utc(when),
                status=PENDING, attempts=0, created_at=now,
            ))


def cancel(engine: Engine, sender_id: str, now: Optional[datetime] = None) -> int:
    """Cancel the sender's check-ins not sent yet ("stop checking"); how many were cancelled."""
    with Session(engine, future=True) as session, session.begin():
        return _finish_pending(session, sender_id, CANCELLED, _utc(now or datetime.now(timezone.utc)))


def _finish_pending(session: Session, sender_id: str, status: str, now: datetime) -> int:
    result = session.execute(
        update(CheckInRecord)
        .where(CheckInRecord.sender_id == sender_id, CheckInRecord.status.in_((PENDING, CLAIMED)))
        .values(status=status, sender_id=None, done_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def pending_for(engine: Engine, sender_id: str) -> List[datetime]:
    """When the sender's pending check-ins are due."""
    with Session(engine, future=True) as session:
        rows = session.execute(
            select(CheckInRecord.due_at)
            .where(CheckInRecord.sender_id == sender_id, CheckInRecord.status == PENDING)
            .order_by(CheckInRecord.due_at)
        ).scalars()
        return [_utc(when) for when in rows]


def claim_due(engine: Engine, worker: str, now: Optional[datetime] = None, limit: int = 20) -> List[DueCheckIn]:
    """Claim the check-ins due now (and those whose claim outlived LEASE) for `worker`."""
    now = _utc(now or datetime.now(timezone.utc))
    claimable = or_(
        and_(CheckInRecord.status == PENDING, CheckInRecord.due_at <= now),
        and_(CheckInRecord.status == CLAIMED, CheckInRecord.claimed_at <= now - LEASE),
    )
    claimed: List[DueCheckIn] = []
    with Session(engine, future=True) as session, session.begin():
        rows = session.execute(
            select(CheckInRecord).where(claimable).order_by(CheckInRecord.due_at).limit(limit)
            .with_for_update(skip_locked=True)
        ).scalars().all()
        for row in rows:
            taken = session.execute(
                update(CheckInRecord)
                .where(CheckInRecord.id == row.id, claimable)
                .values(status=CLAIMED, claimed_by=worker, claimed_at=now, attempts=CheckInRecord.attempts + 1)
                .execution_options(synchronize_session=False)
            )
            if taken.rowcount == 1 and row.sender_id:
                claimed.append(DueCheckIn(row.id, row.sender_id, row.channel, row.round, (row.attempts or 0) + 1))
    return claimed


def mark_done(engine: Engine, check_in_id: str, status: str = SENT, now: Optional[datetime] = None) -> None:
    """Sent, or cancelled at sending time (the conversation went to an emergency since)."""
    with Session(engine, future=True) as session, session.begin():
        session.execute(
            update(CheckInRecord).where(CheckInRecord.id == check_in_id)
            .values(status=status, sender_id=None, done_at=_utc(now or datetime.now(timezone.utc)))
            .execution_options(synchronize_session=False)
        )


def mark_not_sent(engine: Engine, check_in: DueCheckIn, now: Optional[datetime] = None) -> str:
    """The channel refused it: try again later, or give up after MAX_ATTEMPTS; the new status."""
    now = _utc(now or datetime.now(timezone.utc))
    if check_in.attempts >= MAX_ATTEMPTS:
        mark_done(engine, check_in.id, FAILED, now)
        return FAILED
    with Session(engine, future=True) as session, session.begin():
        session.execute(
            update(CheckInRecord).where(CheckInRecord.id == check_in.id, CheckInRecord.status == CLAIMED)
            .values(status=PENDING, due_at=now + RETRY_AFTER, claimed_by=None, claimed_at=None)
            .execution_options(synchronize_session=False)
        )
    return PENDING
