"""action_say_more continues the last answer in breath-sized parts (clinical-guidance 6)."""
import asyncio

from actions.say_more import ActionSayMore, continuation, next_part

from .conftest import make_tracker


def bot(response):
    return {"event": "bot", "text": "...", "metadata": {"utter_action": response}}


def user(intent="more"):
    return {"event": "user", "parse_data": {"intent": {"name": intent}}}


RESPONSES = {"utter_rest": [], "utter_rest_more_1": [], "utter_ice_heat": [], "utter_safety_net": []}


def test_the_parts_follow_one_another():
    assert next_part("utter_rest") == "utter_rest_more_1"
    assert next_part("utter_rest_more_1") == "utter_rest_more_2"


def test_more_after_an_answer_gives_its_next_part():
    events = [user("ask_rest"), bot("utter_rest"), user()]
    assert continuation(events, RESPONSES) == "utter_rest_more_1"


def test_the_last_part_has_nothing_more():
    events = [user("ask_rest"), bot("utter_rest"), user(), bot("utter_rest_more_1"), user()]
    assert continuation(events, RESPONSES) is None


def test_a_reply_of_several_parts_continues_the_one_that_has_more():
    events = [user("ask_rest"), bot("utter_rest"), bot("utter_safety_net"), user()]
    assert continuation(events, RESPONSES) == "utter_rest_more_1"


def test_every_continuation_in_the_domain_follows_a_response(domain):
    responses = domain["responses"]
    for name in responses:
        if "_more_" in name:
            base, part = name.rsplit("_more_", 1)
            part = part.split("_")[0]  # a country's version (_uk) continues the same way
            previous = base if part == "1" else f"{base}_more_{int(part) - 1}"
            assert previous in responses, name
            # every version of the part before tells the person they can say more (or "next",
            # for the steps of getting up)
            for variant in responses[previous]:
                assert any(cue in variant["text"].lower() for cue in ("say more", "say next")), previous


def test_the_action_says_the_next_part_or_that_there_is_no_more(dispatcher, domain):
    tracker = make_tracker(intent="more", events=[user("ask_ice_heat"), bot("utter_ice_heat")])
    asyncio.run(ActionSayMore().run(dispatcher, tracker, domain))
    assert dispatcher.messages[-1]["response"] == "utter_ice_heat_more_1"
    tracker = make_tracker(intent="more", events=[user("thank"), bot("utter_thank")])
    asyncio.run(ActionSayMore().run(dispatcher, tracker, domain))
    assert dispatcher.messages[-1]["response"] == "utter_nothing_more"
