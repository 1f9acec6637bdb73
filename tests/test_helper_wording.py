"""Once a helper is speaking, every reply about the person is addressed to the helper about
"them" (clinical-guidance sections 0 and 5): first aid, pain relief, urgent and pregnancy
routes included. A reply that says "you" or "your" meaning the person in pain has a _helper
version; the few that mean whoever is at the keyboard are listed with why."""
import re

import pytest
import yaml

from spasm_aid.emergency_message import helper_version, regional_version
from tests.conftest import ROOT

RESPONSES = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]
YOU = re.compile(r"\b(you|your|you're|you've|yourself)\b", re.IGNORECASE)

# "you" here is the person at the keyboard or speaker, whoever that is
ADDRESSES_WHOEVER_SPEAKS = {
    "utter_greet", "utter_restart", "utter_nothing_to_repeat", "utter_thank",  # before or after the talk
    "utter_reminders_cancelled", "utter_timer_started_ice", "utter_timer_set_it_yourself_ice",  # the one holding the pack
    "utter_emergency_door",  # said only to the person themselves (emergency_message.reply_parts)
    "utter_sign_answer",  # a question about a sign: "if it happens", nobody's yet
    # "You told me ... Is that wrong?" and "tell me in your own words": to whoever told it
    "utter_confirm_withdraw", "utter_correct_me",
}


def about_the_person(name):
    if name.endswith("_helper") or "_helper_" in name or name in ADDRESSES_WHOEVER_SPEAKS:
        return False
    if name.startswith(("utter_system_", "utter_voice_")):  # the channel and the microphone: the speaker
        return False
    return any(YOU.search(variant.get("text", "")) for variant in RESPONSES[name])


PERSONAL = sorted(name for name in RESPONSES if about_the_person(name))


def test_the_list_covers_first_aid_pain_relief_and_the_urgent_route():
    for name in ("utter_ice_heat", "utter_rest", "utter_getting_up", "utter_pain_relief_otc_ok",
                 "utter_pain_relief_ask_first", "utter_urgent", "utter_duration", "utter_sleep"):
        assert name in PERSONAL


@pytest.mark.parametrize("name", PERSONAL)
def test_a_helper_hears_them_not_you(name):
    helper = {"speaker": "helper"}
    base, region = (name[:-3], "uk") if name.endswith("_uk") else (name, None)
    # the generator picks the helper's version, then the region's (spasm_aid/rasa_components/nlg.py)
    said = regional_version(helper_version(base, helper, RESPONSES), region, RESPONSES)
    expected = f"{base}_helper" + (f"_{region}" if region else "")
    assert said == expected, f"domain.yml: {name} speaks to the person; add {expected} about 'them'"
    assert len(RESPONSES[said]) == len(RESPONSES[name]), f"{said} must keep every variant of {name}"


def test_a_helper_in_the_uk_hears_the_nhs_services_about_them():
    said = regional_version(helper_version("utter_urgent", {"speaker": "helper"}, RESPONSES), "uk", RESPONSES)
    assert said == "utter_urgent_helper_uk"
    assert "NHS 111 or their GP" in RESPONSES[said][-1]["text"]
