"""Which conversation a Home Assistant transcript continues (issue 16): transcripts as current
Home Assistant sends them (context: conversation_id, device_id, satellite_id; see
homeassistant/components/wyoming/conversation.py) and as releases before wyoming 1.7.0 do (text
only)."""
from spasm_aid.channels.home_assistant import Conversations


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_the_same_assist_conversation_id_is_one_conversation():
    conversations = Conversations()
    first = conversations.sender_for({"conversation_id": "01HS6SP2XD1E5HEHVDZE8R2WMR"})
    assert conversations.sender_for({"conversation_id": "01HS6SP2XD1E5HEHVDZE8R2WMR"}) == first
    assert first == "assist-01HS6SP2XD1E5HEHVDZE8R2WMR"


def test_a_new_wake_word_on_the_same_satellite_continues_the_conversation_for_a_few_minutes():
    clock = Clock()
    conversations = Conversations(keep_seconds=300, clock=clock)
    first = conversations.sender_for({"conversation_id": "A", "satellite_id": "assist_satellite.kitchen"})
    clock.now += 60  # the next safety question, answered after a new wake word: a new Assist id
    assert conversations.sender_for({"conversation_id": "B", "satellite_id": "assist_satellite.kitchen"}) == first
    assert conversations.sender_for({"conversation_id": "B"}) == first  # and that id is remembered
    other = conversations.sender_for({"conversation_id": "C", "satellite_id": "assist_satellite.bedroom"})
    assert other != first  # another room is another conversation
    clock.now += 301
    assert conversations.sender_for({"conversation_id": "D", "satellite_id": "assist_satellite.kitchen"}) != first


def test_a_device_id_counts_when_there_is_no_satellite_id():
    conversations = Conversations()
    first = conversations.sender_for({"conversation_id": "A", "device_id": "4a5b6c"})
    assert conversations.sender_for({"conversation_id": "B", "device_id": "4a5b6c"}) == first


def test_older_home_assistant_without_context_continues_by_connection_for_a_few_minutes():
    clock = Clock()
    conversations = Conversations(keep_seconds=300, clock=clock)
    first = conversations.sender_for(None, peer="192.168.1.10")
    clock.now += 30
    assert conversations.sender_for({}, peer="192.168.1.10") == first
    assert conversations.sender_for({}, peer="192.168.1.11") != first
    clock.now += 400
    assert conversations.sender_for({}, peer="192.168.1.10") != first


def test_odd_ids_are_not_trusted():
    conversations = Conversations()
    sender = conversations.sender_for({"conversation_id": "x" * 500, "satellite_id": "a b\n"}, peer="p")
    assert sender.startswith("assist-") and len(sender) < 60
