"""Due check-ins kept in the database and claimed once, on SQLite and on PostgreSQL."""
import threading
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from spasm_aid.check_ins import store
from spasm_aid.session_log.database import make_engine, migrate
from spasm_aid.session_log.models import CheckInRecord

NOW = datetime(2026, 12, 6, 13, 0, tzinfo=timezone.utc)


def engine_for(url):
    engine = make_engine(url)
    migrate(engine)
    return engine


def rows(engine):
    with Session(engine, future=True) as session:
        return list(session.execute(select(CheckInRecord).order_by(CheckInRecord.due_at)).scalars())


def test_two_are_kept_and_only_the_due_one_is_claimed(db_url):
    engine = engine_for(db_url)
    store.schedule(engine, "chat-1", "telegram", [NOW + timedelta(hours=3), NOW + timedelta(hours=20)], now=NOW)
    assert store.claim_due(engine, "server-a", now=NOW) == []
    claimed = store.claim_due(engine, "server-a", now=NOW + timedelta(hours=3))
    assert [(c.sender_id, c.channel, c.round, c.attempts) for c in claimed] == [("chat-1", "telegram", 1, 1)]
    assert store.claim_due(engine, "server-b", now=NOW + timedelta(hours=3)) == []  # claimed once
    store.mark_done(engine, claimed[0].id, now=NOW + timedelta(hours=3))
    first, second = rows(engine)
    assert (first.status, first.sender_id) == (store.SENT, None)  # the address is not kept once done
    assert (second.status, second.sender_id) == (store.PENDING, "chat-1")


def test_asking_again_replaces_the_pending_ones_and_stop_cancels_them(db_url):
    engine = engine_for(db_url)
    store.schedule(engine, "chat-1", "slack", [NOW + timedelta(hours=3), NOW + timedelta(hours=20)], now=NOW)
    store.schedule(engine, "chat-1", "slack", [NOW + timedelta(hours=4), NOW + timedelta(hours=21)], now=NOW)
    assert store.pending_for(engine, "chat-1") == [NOW + timedelta(hours=4), NOW + timedelta(hours=21)]
    assert store.cancel(engine, "chat-1", now=NOW) == 2
    assert store.pending_for(engine, "chat-1") == []
    assert store.claim_due(engine, "server-a", now=NOW + timedelta(days=2)) == []
    assert sorted(r.status for r in rows(engine)) == [store.CANCELLED] * 4


def test_a_claim_whose_server_died_is_claimed_again_after_the_lease(db_url):
    engine = engine_for(db_url)
    store.schedule(engine, "chat-1", "voice", [NOW], now=NOW)
    assert len(store.claim_due(engine, "server-a", now=NOW)) == 1  # server-a dies before sending
    assert store.claim_due(engine, "server-b", now=NOW + store.LEASE - timedelta(seconds=1)) == []
    again = store.claim_due(engine, "server-b", now=NOW + store.LEASE + timedelta(seconds=1))
    assert [(c.sender_id, c.attempts) for c in again] == [("chat-1", 2)]


def test_a_refused_send_is_tried_again_later_then_given_up(db_url):
    engine = engine_for(db_url)
    store.schedule(engine, "chat-1", "telegram", [NOW], now=NOW)
    when = NOW
    for attempt in range(1, store.MAX_ATTEMPTS + 1):
        claimed = store.claim_due(engine, "server-a", now=when)
        assert [c.attempts for c in claimed] == [attempt]
        status = store.mark_not_sent(engine, claimed[0], now=when)
        assert status == (store.FAILED if attempt == store.MAX_ATTEMPTS else store.PENDING)
        assert store.claim_due(engine, "server-a", now=when) == []  # not at once: after RETRY_AFTER
        when += store.RETRY_AFTER
    assert rows(engine)[0].status == store.FAILED


def test_servers_claiming_at_the_same_moment_send_each_check_in_once(db_url):
    engine = engine_for(db_url)
    for n in range(40):
        store.schedule(engine, f"chat-{n}", "telegram", [NOW], now=NOW)
    claimed, errors = [], []

    def server(name):
        own = make_engine(db_url)  # each server its own connections, as separate processes have
        try:
            for _ in range(10):
                claimed.extend(c.sender_id for c in store.claim_due(own, name, now=NOW, limit=5))
        except Exception as error:  # SQLite: "database is locked" would show here
            errors.append(error)
        finally:
            own.dispose()

    threads = [threading.Thread(target=server, args=(f"server-{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(claimed) == sorted(f"chat-{n}" for n in range(40))  # every one, none twice
