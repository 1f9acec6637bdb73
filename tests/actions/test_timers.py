"""Timers and reminders are promised only where they can arrive (issue 16)."""
import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.timers import ActionScheduleWalkReminders, ActionStartTimer
from tests.actions.conftest import on_channel


def run(action, tracker, domain):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    return [m.get("response") for m in dispatcher.messages], events


@pytest.mark.parametrize("channel", ["socketio", "voice", "telegram", "slack"])
def test_a_pack_timer_is_set_where_the_channel_can_speak_up_later(channel, domain):
    said, events = run(ActionStartTimer(), on_channel(channel, "timer_ice"), domain)
    assert said == ["utter_timer_started_ice"]
    assert [e["event"] for e in events] == ["reminder"]


@pytest.mark.parametrize("channel", ["rest", "alexa", None])
def test_no_timer_is_promised_where_it_could_never_arrive(channel, domain):
    said, events = run(ActionStartTimer(), on_channel(channel, "timer_heat"), domain)
    assert said == ["utter_timer_set_it_yourself_heat"] and events == []
    said, events = run(ActionScheduleWalkReminders(), on_channel(channel, "remind_walk"), domain)
    assert said == ["utter_walk_reminders_set_them_yourself"] and events == []


def test_the_set_it_yourself_replies_name_the_time_and_promise_nothing(domain):
    for name in ("utter_timer_set_it_yourself_ice", "utter_timer_set_it_yourself_heat", "utter_walk_reminders_set_them_yourself"):
        text = domain["responses"][name][0]["text"]
        assert "I'll" not in text and "phone or speaker" in text
        assert "{minutes}" in text or "{hours}" in text


def test_every_channel_declares_whether_it_can_push_as_the_contract_says():
    from spasm_aid.channels import alexa, rest, slack, socketio, telegram, voice, web
    from spasm_aid.contract import PUSH_CHANNELS

    classes = [rest.SpasmAidRestInput, socketio.SpasmAidSocketIOInput, web.WebChatInput, voice.VoiceInput,
               telegram.TelegramChannel, slack.SlackChannel, alexa.AlexaChannel]
    for channel in classes:
        assert channel.CAN_PUSH == (channel.name() in PUSH_CHANNELS), channel.name()
