"""Every reply the assistant speaks fits in about 40 words (clinical-guidance section 6).

Measured on what is actually said: each response of the domain as the response generator
composes it (the emergency message's parts, the safety net, the number first after an
emergency, a helper's version), in every variation, turned into spoken words by speakable()
(so "911" counts as three words: nine one one). Longer content is a short answer plus "say more".
"""
import pytest

from spasm_aid.voice.speakable import speakable
from tests.spasm_aid.rasa_components.test_nlg import DOMAIN, generate

LIMIT = 40
# Exceptions, each with its reason.
EXCEPTIONS = {
    # clinical-guidance section 2 fixes every sentence (what you told me, call now, the
    # ambulance, keep still after a fall, the door only if safe, the offer to repeat); each
    # sentence is one idea of at most 12 words (tests/spasm_aid/voice/test_speakable.py), and it
    # is spoken slowly.
    "utter_emergency": 52,
    # clinical-guidance section 1 (third version) adds fixed lines the guidance words itself: the
    # safety net on every closing reply (about 30 spoken words: weak legs, numb around the bottom,
    # bladder or bowels, chest pain or sudden severe pain) and the see-a-doctor-today line on the
    # see-a-doctor, "it's getting worse" and plan replies. The reply's own words were cut to a
    # sentence or two around them; what is left is each answer's core.
    "utter_feel_better": 48,
    "utter_thank": 42,
    "utter_feel_worse": 44,
    "utter_self_care_plan": 47,
    "utter_see_doctor": 55,
}
# Back-to-back replies count together (section 6): the groups the rules say in one turn.
GROUPS = {
    "all clear": ["utter_all_clear", "utter_safety_net"],
    "urgent route": ["utter_urgent", "utter_comfort_measures", "utter_safety_net"],
    "first aid before the urgent questions": ["utter_first_aid_now", "utter_urgent_questions_intro", "utter_ask_screen_fever"],
    "opening": ["utter_empathy", "utter_disclaimer", "utter_screening_intro", "utter_ask_screen_bladder_bowel"],
}
GROUP_LIMIT = 50  # "about 40"; the all-clear is followed by the plan in a reply of its own


# What can be said after an emergency (the SafetyPolicy answers first aid with the reminder to
# call): the conversation's control replies, which the generator then starts with the number.
AFTER_EMERGENCY = {"utter_thank", "utter_goodbye", "utter_options", "utter_out_of_scope", "utter_default", "utter_sure",
                   "utter_slower", "utter_greet", "utter_nothing_to_repeat", "utter_nothing_more", "utter_restart",
                   "utter_emergency_reminder", "utter_while_waiting", "utter_screening_need_answer"}


def situations(name):
    """Slot values under which the response is said: each condition of each variation, as the
    person and as a helper, and after an emergency where it can be said then."""
    base = [{}]
    for variation in DOMAIN.responses[name]:
        condition = {c["name"]: c["value"] for c in variation.get("condition") or []}
        if condition:
            base.append(condition)
    if name == "utter_emergency":
        base = [{"red_flag": flag, "fall_reported": fall} for flag in (None, "bladder_bowel", "saddle_numbness",
                "leg_weakness", "trauma", "chest", "stroke") for fall in (None, "yes")]
    out = []
    for slots in base:
        out += [slots, {**slots, "speaker": "helper"}]
        if name in AFTER_EMERGENCY:
            out.append({**slots, "triage": "emergency"})
    return out


def spoken_words(name, slots):
    kwargs = {"minutes": "20", "hours": "2"}
    text = generate(name, slots, **kwargs)["text"]
    return len(speakable(text).split()), text


SAID = sorted(n for n in DOMAIN.responses if not n.endswith("_helper"))


@pytest.mark.parametrize("name", SAID)
def test_every_reply_fits_in_about_forty_spoken_words(name):
    limit = EXCEPTIONS.get(name, LIMIT)
    for slots in situations(name):
        count, text = spoken_words(name, slots)
        assert count <= limit, f"{name} {slots}: {count} words: {text!r}"


@pytest.mark.parametrize("group", GROUPS)
def test_replies_said_back_to_back_count_together(group):
    total = sum(spoken_words(name, {})[0] for name in GROUPS[group])
    print(f"{group}: {total} words")
    assert total <= GROUP_LIMIT, f"{group}: {total} words"


def test_the_exceptions_are_still_needed():
    # an exception that a shorter text no longer needs is removed, so the limit keeps biting
    for name, limit in EXCEPTIONS.items():
        longest = max(spoken_words(name, slots)[0] for slots in situations(name))
        assert LIMIT < longest <= limit, (name, longest)
