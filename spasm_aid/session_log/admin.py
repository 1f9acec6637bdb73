"""Privacy housekeeping for the session log.

    python -m spasm_aid.session_log.admin purge --older-than-days 90
    python -m spasm_aid.session_log.admin erase --sender "<sender id as the channel knows it>"

`purge` deletes sessions (and their turns) that started more than N days ago. `erase` deletes
everything about one person: their sender id is hashed with the same salt as when it was
logged, so it is found without the log ever holding the id itself. Both print what they did.
Where Rasa's conversation store shares the database (the production profile's
spasm_aid.tracker_store, table `events`, keyed by the same hash), its rows go too.
"""
from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta, timezone
from typing import Optional

from sqlalchemy import column, delete, inspect, select, table
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from spasm_aid import settings
from spasm_aid.session_log.database import make_engine, migrate
from spasm_aid.session_log.models import SessionRecord, TurnRecord
from spasm_aid.session_log.privacy import hash_sender, redact, sender_salt

# Rasa's SQL tracker store table (rasa.core.tracker_store.SQLTrackerStore.SQLEvent)
TRACKER_EVENTS = table("events", column("sender_id"), column("timestamp"))


def _delete_sessions(url: str, condition, tracker_condition=None) -> int:
    engine = make_engine(url)
    try:
        migrate(engine)
        has_trackers = tracker_condition is not None and inspect(engine).has_table("events")
        with Session(engine, future=True) as session, session.begin():
            ids = [row for row in session.execute(select(SessionRecord.id).where(condition)).scalars()]
            if ids:
                session.execute(delete(TurnRecord).where(TurnRecord.session_id.in_(ids)))
                session.execute(delete(SessionRecord).where(SessionRecord.id.in_(ids)))
            if has_trackers:
                session.execute(delete(TRACKER_EVENTS).where(tracker_condition))
        return len(ids)
    finally:
        engine.dispose()


def purge(older_than_days: int, url: Optional[str] = None, now: Optional[datetime] = None) -> int:
    """Delete sessions that started more than `older_than_days` days ago; returns how many."""
    if older_than_days < 0:
        raise ValueError("--older-than-days must be 0 or more")
    cutoff = (now or datetime.now(tz=timezone.utc)) - timedelta(days=older_than_days)
    return _delete_sessions(
        url or settings.database_url(), SessionRecord.started_at < cutoff, TRACKER_EVENTS.c.timestamp < cutoff.timestamp()
    )


def erase(sender_id: str, url: Optional[str] = None, salt: Optional[bytes] = None) -> int:
    """Delete every session of one sender; returns how many."""
    if not sender_id:
        raise ValueError("--sender must not be empty")
    hashed = hash_sender(sender_id, salt if salt is not None else sender_salt())
    return _delete_sessions(url or settings.database_url(), SessionRecord.sender_hash == hashed, TRACKER_EVENTS.c.sender_id == hashed)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Purge old sessions or erase one person's sessions.")
    parser.add_argument("--db", help="database URL (default: SPASM_AID_DB_URL or var/sessions.db)")
    commands = parser.add_subparsers(dest="command", required=True)
    purge_cmd = commands.add_parser("purge", help="delete sessions older than N days")
    purge_cmd.add_argument("--older-than-days", type=int, required=True)
    erase_cmd = commands.add_parser("erase", help="delete everything about one sender")
    erase_cmd.add_argument("--sender", required=True)
    args = parser.parse_args(argv)
    url = args.db or settings.database_url()
    try:
        if args.command == "purge":
            count = purge(args.older_than_days, url)
            print(f"Deleted {count} session(s) older than {args.older_than_days} day(s) from {redact(url)}.")
        else:
            count = erase(args.sender, url)
            print(f"Deleted {count} session(s) of that sender from {redact(url)}.")
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    except SQLAlchemyError as error:
        print(f"Cannot change the session log at {redact(url)}: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
