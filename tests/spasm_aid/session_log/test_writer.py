"""The session log: rows from events, privacy, schema migrations, and faults that must
neither block replies nor lose records."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from spasm_aid.session_log.aggregation import SessionAggregator
from spasm_aid.session_log.database import make_engine, migrate
from spasm_aid.session_log.models import SessionRecord, TurnRecord
from spasm_aid.session_log.privacy import hash_sender
from spasm_aid.session_log.writer import SessionLogWriter

SALT = b"test-salt"


def user(sender, intent, text="...", t=1.0, channel="rest"):
    return {
        "sender_id": sender,
        "event": "user",
        "timestamp": t,
        "text": text,
        "input_channel": channel,
        "parse_data": {"intent": {"name": intent, "confidence": 0.9}},
    }


def bot(sender, action, t=1.0, triage=None, reason=None, text="..."):
    data = {"custom": {"triage": triage, "reason": reason, "call": "911"}} if triage else {}
    return {"sender_id": sender, "event": "bot", "timestamp": t, "text": text, "data": data, "metadata": {"utter_action": action}}


def self_care_conversation(sender="alice"):
    events = [{"sender_id": sender, "event": "session_started", "timestamp": 0.5}, user(sender, "report_spasm", "my back went")]
    events += [bot(sender, "utter_empathy")]
    for _ in range(8):
        events += [user(sender, "deny", "no"), bot(sender, "utter_ask_x")]
    events += [bot(sender, "utter_all_clear", triage="self_care"), bot(sender, "utter_self_care_plan")]
    events += [user(sender, "ask_ice_heat", "ice?"), bot(sender, "utter_ice_heat")]
    events += [user(sender, "stop", "bye"), bot(sender, "utter_goodbye")]
    return events


def rows(url):
    engine = make_engine(url)
    with Session(engine, future=True) as session:
        sessions = list(session.execute(select(SessionRecord)).scalars())
        turns = list(session.execute(select(TurnRecord).order_by(TurnRecord.id)).scalars())
    engine.dispose()
    return sessions, turns


def write(url, events, **options):
    writer = SessionLogWriter(url=url, salt=SALT, log_text=options.pop("log_text", False), **options)
    for event in events:
        writer.submit(event)
    assert writer.wait_idle(15), writer.last_error
    writer.close()


def test_a_conversation_leaves_one_session_row_with_its_outcome(db_url):
    write(db_url, self_care_conversation())
    [session], turns = rows(db_url)
    assert session.final_triage == "self_care" and session.red_flag is None
    assert session.channel == "rest" and session.locale == "en"
    assert session.turns == 11
    assert session.first_advice_turn == 9  # the plan came after the 9th user message (8 answers)
    assert session.topics == "self_care_plan,ice_heat"
    assert session.end_reason == "goodbye"
    assert len(turns) == 11 + 13 and {t.who for t in turns} == {"user", "bot"}
    assert turns[0].intent == "report_spasm" and turns[0].confidence == pytest.approx(0.9)


def test_no_free_text_and_no_sender_id_are_stored_by_default(db_url):
    write(db_url, self_care_conversation("+1 555 0100"))
    [session], turns = rows(db_url)
    assert session.sender_hash == hash_sender("+1 555 0100", SALT) and "555" not in session.sender_hash
    assert all(t.text is None for t in turns)


def test_free_text_is_stored_only_when_opted_in(sqlite_url):
    write(sqlite_url, self_care_conversation(), log_text=True)
    _, turns = rows(sqlite_url)
    assert turns[0].text == "my back went"


def test_emergency_outranks_what_came_before_and_keeps_its_reason():
    agg = SessionAggregator(SALT)
    for event in [
        user("bob", "report_spasm"),
        bot("bob", "utter_urgent", triage="urgent", reason="fever"),
        user("bob", "red_flag"),
        bot("bob", "utter_emergency", triage="emergency", reason="chest"),
        user("bob", "ask_ice_heat"),
        bot("bob", "utter_emergency_reminder", triage="emergency"),
        bot("bob", "utter_all_clear", triage="self_care"),
    ]:
        agg.handle(event)
    [record] = agg.dirty.values()
    assert (record["final_triage"], record["red_flag"]) == ("emergency", "chest")


def test_new_session_and_restart_start_new_rows():
    agg = SessionAggregator(SALT)
    agg.handle(user("c", "greet"))
    agg.handle({"sender_id": "c", "event": "restart", "timestamp": 2})
    agg.handle(user("c", "greet", t=3))
    agg.handle({"sender_id": "c", "event": "session_started", "timestamp": 4})
    agg.handle(user("c", "greet", t=5))
    records = list(agg.dirty.values())
    assert len(records) == 3
    assert [r["end_reason"] for r in records] == ["restart", "new_session", None]


def test_a_restart_with_nothing_said_after_it_leaves_no_empty_row():
    agg = SessionAggregator(SALT)
    agg.handle(user("d", "greet"))
    agg.handle(user("d", "restart", t=2))  # the typed "/restart"
    agg.handle({"sender_id": "d", "event": "restart", "timestamp": 2})
    agg.handle({"sender_id": "d", "event": "session_started", "timestamp": 2})
    [record] = agg.dirty.values()
    assert (record["turns"], record["end_reason"], record["channel"]) == (2, "restart", "rest")


def test_the_session_log_database_is_readable_by_its_owner_only(tmp_path):
    from spasm_aid.session_log.database import make_engine

    make_engine(f"sqlite:///{tmp_path / 'var' / 'sessions.db'}").dispose()
    assert (tmp_path / "var" / "sessions.db").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    "event",
    [None, "text", 42, {}, {"event": "user"}, {"sender_id": "", "event": "user"}, {"sender_id": 5, "event": "bot"},
     {"sender_id": "x", "event": "user", "timestamp": "not a time", "parse_data": None},
     {"sender_id": "x", "event": "bot", "data": {"custom": "not a dict"}, "metadata": None},
     {"sender_id": "x", "event": "slot", "name": "a", "value": 1}],
)
def test_malformed_events_are_ignored_or_recorded_without_crashing(event):
    SessionAggregator(SALT).handle(event)


def test_schema_is_created_and_versioned_and_migrating_again_is_harmless(db_url):
    engine = make_engine(db_url)
    migrate(engine)
    migrate(engine)
    names = set(inspect(engine).get_table_names())
    assert {"sessions", "turns", "check_ins", "session_log_version"} <= names
    with engine.connect() as conn:
        assert conn.execute(text("select version_num from session_log_version")).scalar() == "0003"
    assert "alert" in {c["name"] for c in inspect(engine).get_columns("sessions")}
    engine.dispose()


def test_a_log_from_before_the_alert_column_is_upgraded_in_place(sqlite_url):
    """A database at migration 0001 (an older install) keeps its rows and gains the column."""
    from alembic import command
    from alembic.config import Config

    from spasm_aid.session_log.database import MIGRATIONS_DIR

    engine = make_engine(sqlite_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(text("insert into sessions (id, sender_hash, started_at, topics, turns) "
                                "values ('old', 'h', '2026-01-01 00:00:00', '', 3)"))
    migrate(engine)
    with engine.connect() as conn:
        assert conn.execute(text("select turns, alert from sessions where id = 'old'")).one() == (3, None)
    engine.dispose()


def test_an_unreachable_database_never_blocks_and_says_why(caplog):
    writer = SessionLogWriter(url="postgresql://nobody@127.0.0.1:1/none", salt=SALT, max_backoff=0.2)
    started = time.monotonic()
    for event in self_care_conversation():
        writer.submit(event)
    assert time.monotonic() - started < 0.5  # submitting is only queueing
    assert not writer.wait_idle(2)
    assert writer.failures >= 1 and "OperationalError" in writer.last_error
    assert len(writer.aggregator.new_turns) == 24  # kept, not lost
    writer.close(timeout=5)
    assert "could not be written before shutdown" in caplog.text


def test_records_written_during_an_outage_arrive_once_the_database_is_back(pg_database):
    admin, name, url = pg_database  # the database does not exist yet: every write fails
    writer = SessionLogWriter(url=url, salt=SALT, max_backoff=0.3)
    for event in self_care_conversation():
        writer.submit(event)
    assert not writer.wait_idle(1.5) and writer.failures >= 1
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    assert writer.wait_idle(20), writer.last_error
    writer.close()
    [session], turns = rows(url)
    assert session.final_triage == "self_care" and len(turns) == 24


def test_a_conversation_that_goes_on_after_a_restart_keeps_one_row(db_url):
    events = self_care_conversation("dave")
    write(db_url, events[:6])  # the first server handles the start, then stops
    write(db_url, events[6:])  # a new server (empty memory) handles the rest
    [session], turns = rows(db_url)
    assert session.turns == 11 and session.final_triage == "self_care" and len(turns) == 24


def test_an_old_open_session_is_not_resumed(sqlite_url):
    write(sqlite_url, [user("erin", "greet", t=1000.0)])
    write(sqlite_url, [user("erin", "greet", t=1000.0 + 2 * 3600)])  # two hours later
    sessions, _ = rows(sqlite_url)
    assert len(sessions) == 2


def keyed(events, start=0.5):
    return [dict(e, spasm_aid_session=start) for e in events]


def test_two_servers_sharing_one_conversation_write_one_complete_row(db_url):
    # Behind a load balancer each turn may land on another Rasa server, each with its own writer.
    conversation = keyed(self_care_conversation("carol")[:-2])  # without the goodbye
    conversation += keyed([user("carol", "red_flag", "I can't feel my legs", t=3.0),
                           bot("carol", "utter_emergency", t=3.1, triage="emergency", reason="leg_weakness")])
    servers = [SessionLogWriter(url=db_url, salt=SALT, log_text=False) for _ in range(2)]
    # alternate whole turns (a user message and the replies to it) between the two servers
    turn, turns = [], []
    for event in conversation:
        if event["event"] == "user" and turn:
            turns.append(turn)
            turn = []
        turn.append(event)
    turns.append(turn)
    for number, events in enumerate(turns):
        for event in events:
            servers[number % 2].submit(event)
        assert servers[number % 2].wait_idle(15), servers[number % 2].last_error
    for server in servers:
        server.close()
    sessions, logged = rows(db_url)
    assert len(sessions) == 1
    row = sessions[0]
    assert row.turns == 11  # every user message, whichever server took it
    assert (row.final_triage, row.red_flag) == ("emergency", "leg_weakness")
    assert row.topics.split(",") == ["self_care_plan", "ice_heat"]
    assert row.first_advice_turn == 9
    assert row.end_reason is None
    assert sum(t.who == "user" for t in logged) == 11


def test_a_new_tracker_session_seen_on_another_server_starts_a_new_row(sqlite_url):
    writer = SessionLogWriter(url=sqlite_url, salt=SALT, log_text=False)
    for event in keyed([user("dave", "greet", t=1.0)], start=0.5) + keyed([user("dave", "greet", t=9000.0)], start=8999.0):
        writer.submit(event)
    assert writer.wait_idle(15), writer.last_error
    writer.close()
    sessions, _ = rows(sqlite_url)
    assert sorted(s.end_reason or "open" for s in sessions) == ["new_session", "open"]
