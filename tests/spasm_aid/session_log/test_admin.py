"""Purging old sessions and erasing one person."""
from datetime import datetime, timedelta, timezone

import pytest

from spasm_aid.session_log import admin
from spasm_aid.session_log.aggregation import SessionAggregator
from spasm_aid.session_log.database import make_engine, migrate
from spasm_aid.session_log.writer import flush

from .test_writer import SALT, bot, rows, user

NOW = datetime(2026, 11, 22, tzinfo=timezone.utc)


def fill(url):
    agg = SessionAggregator(SALT)
    for sender, days_ago in (("old-alice", 100), ("bob", 10), ("carol", 1), ("bob-again", 0)):
        stamp = (NOW - timedelta(days=days_ago)).timestamp()
        agg.handle(user(sender, "report_spasm", t=stamp))
        agg.handle(bot(sender, "utter_empathy", t=stamp))
    engine = make_engine(url)
    migrate(engine)
    flush(agg, engine)
    engine.dispose()


def test_purge_deletes_old_sessions_and_their_turns(db_url):
    fill(db_url)
    assert admin.purge(30, db_url, now=NOW) == 1
    sessions, turns = rows(db_url)
    assert len(sessions) == 3 and len(turns) == 6
    assert admin.purge(30, db_url, now=NOW) == 0  # nothing more to do


def test_erase_deletes_exactly_one_sender(db_url):
    fill(db_url)
    assert admin.erase("bob", db_url, salt=SALT) == 1
    sessions, turns = rows(db_url)
    assert len(sessions) == 3 and len(turns) == 6
    assert admin.erase("nobody", db_url, salt=SALT) == 0


def test_bad_arguments_are_clear(sqlite_url, capsys):
    with pytest.raises(ValueError):
        admin.purge(-1, sqlite_url)
    assert admin.main(["--db", sqlite_url, "erase", "--sender", ""]) == 2
    assert "must not be empty" in capsys.readouterr().err
    assert admin.main(["--db", "postgresql://nobody@127.0.0.1:1/none", "purge", "--older-than-days", "1"]) == 2
    assert "Cannot change the session log" in capsys.readouterr().err


def test_the_command_line_reports_what_it_did(sqlite_url, capsys, monkeypatch):
    fill(sqlite_url)
    monkeypatch.setenv("SPASM_AID_SENDER_SALT", SALT.decode())
    assert admin.main(["--db", sqlite_url, "erase", "--sender", "carol"]) == 0
    assert "Deleted 1 session(s)" in capsys.readouterr().out


def test_conversations_in_the_shared_tracker_store_are_erased_and_purged_too(sqlite_url, monkeypatch):
    import asyncio

    from spasm_aid.tracker_store import PrivateSQLTrackerStore
    from tests.spasm_aid.test_tracker_store import DOMAIN, conversation

    monkeypatch.setenv("SPASM_AID_SENDER_SALT", SALT.decode())
    fill(sqlite_url)
    store = PrivateSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=sqlite_url.split("///", 1)[1])
    for sender in ("bob", "carol"):
        tracker = conversation(sender)
        for event in tracker.events:
            event.timestamp = 100.0  # long ago
        asyncio.run(store.save(tracker))
    assert admin.erase("bob", sqlite_url, salt=SALT) == 1
    assert asyncio.run(store.retrieve("bob")) is None
    assert asyncio.run(store.retrieve("carol")) is not None
    admin.purge(30, sqlite_url, now=NOW)
    assert asyncio.run(store.retrieve("carol")) is None
