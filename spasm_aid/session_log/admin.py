"""Privacy housekeeping for the session log.

    python -m spasm_aid.session_log.admin purge --older-than-days 90
    python -m spasm_aid.session_log.admin erase --sender "<sender id as the channel knows it>"

`purge` deletes sessions (and their turns) that started more than N days ago. `erase` deletes
everything about one person: their sender id is hashed with the same salt as when it was
logged, so it is found without the log ever holding the id itself. Both print what they did.
"""
from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta, timezone
from typing import Optional

from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from spasm_aid import settings
from spasm_aid.session_log.models import SessionRecord, TurnRecord
from spasm_aid.session_log.store import _redact, hash_sender, make_engine, migrate, sender_salt


def _delete_sessions(url: str, condition) -> int:
    engine = make_engine(url)
    try:
        migrate(engine)
        with Session(engine, future=True) as session, session.begin():
            ids = [row for row in session.execute(select(SessionRecord.id).where(condition)).scalars()]
            if ids:
                session.execute(delete(TurnRecord).where(TurnRecord.session_id.in_(ids)))
                session.execute(delete(SessionRecord).where(SessionRecord.id.in_(ids)))
        return len(ids)
    finally:
        engine.dispose()


def purge(older_than_days: int, url: Optional[str] = None, now: Optional[datetime] = None) -> int:
    """Delete sessions that started more than `older_than_days` days ago; returns how many."""
    if older_than_days < 0:
        raise ValueError("--older-than-days must be 0 or more")
    cutoff = (now or datetime.now(tz=timezone.utc)) - timedelta(days=older_than_days)
    return _delete_sessions(url or settings.database_url(), SessionRecord.started_at < cutoff)


def erase(sender_id: str, url: Optional[str] = None, salt: Optional[bytes] = None) -> int:
    """Delete every session of one sender; returns how many."""
    if not sender_id:
        raise ValueError("--sender must not be empty")
    hashed = hash_sender(sender_id, salt if salt is not None else sender_salt())
    return _delete_sessions(url or settings.database_url(), SessionRecord.sender_hash == hashed)


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
            print(f"Deleted {count} session(s) older than {args.older_than_days} day(s) from {_redact(url)}.")
        else:
            count = erase(args.sender, url)
            print(f"Deleted {count} session(s) of that sender from {_redact(url)}.")
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    except SQLAlchemyError as error:
        print(f"Cannot change the session log at {_redact(url)}: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
