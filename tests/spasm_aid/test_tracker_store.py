"""The shared tracker store keeps neither sender ids nor message text, yet conversations go on."""
import asyncio
import json

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text

from spasm_aid.session_log.aggregation import SESSION_KEY
from spasm_aid.session_log.privacy import hash_sender
from spasm_aid.tracker_store import PrivateSQLTrackerStore

DOMAIN = Domain.from_dict({"intents": ["red_flag", "greet"], "responses": {"utter_emergency": [{"text": "Call now"}]}})
SALT = "tracker-test-salt"


class Broker:
    def __init__(self):
        self.published = []

    def publish(self, event):
        self.published.append(event)


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("SPASM_AID_SENDER_SALT", SALT)
    monkeypatch.delenv("SPASM_AID_LOG_TEXT", raising=False)
    broker = Broker()
    store = PrivateSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "trackers.db"), event_broker=broker)
    store.broker, store.path = broker, tmp_path / "trackers.db"
    return store


def conversation(sender="+44 7700 900123"):
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted(timestamp=100.0))
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered("I can't feel my legs, my name is Ann", {"name": "red_flag", "confidence": 1.0},
                               parse_data={"text": "I can't feel my legs, my name is Ann", "intent": {"name": "red_flag"}}))
    tracker.update(BotUttered("Call now", metadata={"utter_action": "utter_emergency"}))
    return tracker


def stored_rows(path):
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        return list(conn.execute(text("select sender_id, data from events order by id")))


def test_no_sender_id_and_no_message_text_are_stored(store):
    asyncio.run(store.save(conversation()))
    rows = stored_rows(store.path)
    assert rows and {r.sender_id for r in rows} == {hash_sender("+44 7700 900123", SALT.encode())}
    everything = " ".join(r.data for r in rows)
    assert "Ann" not in everything and "legs" not in everything and "7700" not in everything
    user = next(json.loads(r.data) for r in rows if json.loads(r.data)["event"] == "user")
    assert user["parse_data"]["intent"]["name"] == "red_flag"  # what the dialogue needs stays


def test_the_conversation_is_retrieved_by_the_real_sender_id(store):
    asyncio.run(store.save(conversation()))
    tracker = asyncio.run(store.retrieve("+44 7700 900123"))
    assert tracker.sender_id == "+44 7700 900123"
    assert tracker.latest_message.intent["name"] == "red_flag"
    assert asyncio.run(store.retrieve("someone else")) is None


def test_saving_again_adds_only_new_events(store):
    tracker = conversation()
    asyncio.run(store.save(tracker))
    tracker.update(UserUttered("hello", {"name": "greet", "confidence": 1.0}))
    asyncio.run(store.save(tracker))
    assert len(stored_rows(store.path)) == len(tracker.events)


def test_text_is_stored_only_when_opted_in(store, monkeypatch):
    monkeypatch.setenv("SPASM_AID_LOG_TEXT", "1")
    opted_in = PrivateSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(store.path))
    asyncio.run(opted_in.save(conversation("bob")))
    assert "my name is Ann" in " ".join(r.data for r in stored_rows(store.path))


def test_published_events_carry_the_session_start_for_the_session_log(store):
    asyncio.run(store.save(conversation()))
    assert store.broker.published and all(e[SESSION_KEY] == 100.0 for e in store.broker.published)
    assert store.broker.published[0]["sender_id"] == "+44 7700 900123"  # the log hashes it itself
