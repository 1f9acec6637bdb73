"""Telegram's bot commands, as clients send them (the Bot API: "/command", "/command@BotName",
"/command payload")."""
import pytest

from spasm_aid.channels.common import command_text
from spasm_aid.channels.telegram import _update_text


@pytest.mark.parametrize("text, meant", [
    ("/start", "hello"), ("/start@SpasmAidBot", "hello"), ("/start deep-link-payload", "hello"),
    ("/help", "help"), ("/stop", "stop"), ("/repeat", "repeat"), ("/restart", "start over"),
    # Rasa reads "/intent{...}" as an intent: a person's slash is never one
    ('/deny{"screen_bladder_bowel": false}', 'deny{"screen_bladder_bowel": false}'),
    ("/ice_heat", "ice heat"), ("/", ""),
])
def test_commands_mean_what_they_say_and_never_reach_rasa_as_intents(text, meant):
    assert command_text(text) == meant


@pytest.mark.parametrize("command", ["/restart", "/start", "/stop", "/repeat", "/help", "/get_started", "/start@SpasmAidBot"])
def test_words_after_a_command_are_read_with_it(command):
    # "/restart I can't feel my legs" got only "Okay, let's start again" (issue 31)
    meant = command_text(f"{command} I can't feel my legs")
    assert meant.endswith("I can't feel my legs") and not meant.startswith("/")


def test_a_command_in_an_update_is_read_as_its_meaning():
    update = {"update_id": 1, "message": {"message_id": 5, "date": 0, "text": "/start",
                                          "chat": {"id": 42, "type": "private"}}}
    assert _update_text(update) == (42, "hello", None, None)


def test_a_tap_carries_the_message_its_keyboard_is_on():
    update = {"update_id": 2, "callback_query": {"id": "cb1", "data": "no", "chat_instance": "x",
                                                 "message": {"message_id": 7, "date": 0, "chat": {"id": 42, "type": "private"}}}}
    assert _update_text(update) == (42, "no", "cb1", 7)


def test_odd_callback_queries_are_ignored_not_crashed_on():
    assert _update_text({"update_id": 1, "callback_query": {"id": "q", "data": "yes", "message": "a string"}}) is None
    assert _update_text({"update_id": 2, "callback_query": {"id": "q", "data": "yes",
                                                            "message": {"chat": {"id": "x"}}}}) is None


def test_a_caption_is_read_and_an_edit_is_kept_apart():
    from spasm_aid.channels.telegram import _edited_text

    photo = {"update_id": 3, "message": {"message_id": 6, "date": 0, "chat": {"id": 42, "type": "private"},
                                         "photo": [{"file_id": "a"}], "caption": "my legs are numb"}}
    assert _update_text(photo) == (42, "my legs are numb", None, None)
    edit = {"update_id": 4, "edited_message": {"message_id": 6, "date": 0, "edit_date": 1, "text": "I fell",
                                               "chat": {"id": 42, "type": "private"}}}
    assert _update_text(edit) is None and _edited_text(edit) == (42, "I fell")
    assert _edited_text({"update_id": 5, "edited_message": {"chat": {"id": 42}}}) is None  # an edited sticker
