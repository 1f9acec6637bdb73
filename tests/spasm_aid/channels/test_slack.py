"""Which Slack message events carry a person's words (https://api.slack.com/events/message)."""
from spasm_aid.channels.slack import _person_words


def test_plain_messages_files_broadcasts_and_me_messages_are_read():
    assert _person_words({"type": "message", "text": "hi", "user": "U1"}) == ("hi", "U1", False)
    for subtype in ("file_share", "thread_broadcast", "me_message"):
        assert _person_words({"type": "message", "subtype": subtype, "text": "I fell", "user": "U1"}) == ("I fell", "U1", False)
    assert _person_words({"type": "message", "subtype": "file_share", "user": "U1", "files": []}) == ("", "U1", False)


def test_an_edit_is_read_as_an_edit_and_a_preview_or_a_bot_is_not_read():
    before = {"text": "my back", "user": "U1"}
    assert _person_words({"subtype": "message_changed", "message": {"text": "my legs are numb", "user": "U1"},
                          "previous_message": before}) == ("my legs are numb", "U1", True)
    assert _person_words({"subtype": "message_changed", "message": dict(before, attachments=[{}]), "previous_message": before}) is None
    assert _person_words({"subtype": "message_changed", "message": {"text": "x", "bot_id": "B1"}}) is None
    assert _person_words({"subtype": "message_changed", "message": "odd"}) is None
    for subtype in ("bot_message", "message_deleted", "channel_join"):
        assert _person_words({"subtype": subtype, "text": "I fell", "user": "U1"}) is None
    assert _person_words({"text": "I fell", "user": "U1", "bot_id": "B1"}) is None
