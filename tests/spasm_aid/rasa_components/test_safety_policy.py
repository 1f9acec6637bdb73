"""The SafetyPolicy on trackers built from events, as the Rasa server gives them to it."""
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from spasm_aid.rasa_components.safety_policy import SafetyPolicy
from spasm_aid.triage import EMERGENCY, load_table
from tests.conftest import ROOT

DOMAIN = Domain.load(str(ROOT / "domain.yml"))
EMERGENCY_SLOTS = [q.slot for q in load_table().questions if q.level == EMERGENCY]


@pytest.fixture(scope="module")
def policy(tmp_path_factory):
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    context = ExecutionContext(GraphSchema({}), "test")
    return SafetyPolicy.create(SafetyPolicy.get_default_config(), storage, Resource("safety"), context)


def user(intent, text="", entities=None, guard=None):
    parse = {"intent": {"name": intent, "confidence": 1.0}, "entities": entities or [], "text": text}
    if guard is not None:
        parse["red_flag_guard"] = guard
    return UserUttered(text, parse["intent"], entities or [], parse_data=parse)


def tracker(*events):
    return DialogueStateTracker.from_events("t", [ActionExecuted("action_listen"), *events], DOMAIN.slots)


def predict(policy, t):
    prediction = policy.predict_action_probabilities(t, DOMAIN)
    best = max(range(len(prediction.probabilities)), key=prediction.probabilities.__getitem__)
    action = DOMAIN.action_names_or_texts[best] if prediction.probabilities[best] > 0 else None
    return action, prediction


def slot_events(prediction):
    return {e.key: e.value for e in prediction.events if isinstance(e, SlotSet)}


def test_a_red_flag_entity_gets_the_emergency_message_with_its_reason(policy):
    t = tracker(user("red_flag", "i cant feel my legs", [{"entity": "red_flag", "value": "leg_weakness"}]))
    action, prediction = predict(policy, t)
    assert action == "utter_emergency"
    assert prediction.is_no_user_prediction  # outranks a running form
    assert slot_events(prediction) == {"triage": "emergency", "red_flag": "leg_weakness"}


def test_inside_the_screening_form_it_stops_the_form_after_the_message(policy):
    t = tracker(
        ActiveLoop("screening_form"), SlotSet("requested_slot", "screen_chest"),
        user("red_flag", "help"), ActionExecuted("utter_emergency"),
    )
    assert predict(policy, t)[0] == "action_deactivate_loop"


def test_a_yes_to_an_emergency_question_in_the_form_is_an_emergency(policy):
    t = tracker(
        ActiveLoop("screening_form"), SlotSet("requested_slot", "screen_chest"),
        user("affirm", "yes"), SlotSet("screen_chest", "yes"),
    )
    action, prediction = predict(policy, t)
    assert action == "utter_emergency" and slot_events(prediction)["red_flag"] == "chest"


def test_a_yes_outside_the_form_is_not(policy):
    t = tracker(user("affirm", "yes"), SlotSet("screen_chest", "yes"))
    assert predict(policy, t)[0] is None


def test_a_helper_and_a_fall_are_kept_in_slots_before_the_reply(policy):
    guard = {"flags": ["trauma"], "helper": True, "fall": True}
    t = tracker(user("red_flag", "my wife fell down the stairs", [{"entity": "red_flag", "value": "trauma"}], guard))
    action, prediction = predict(policy, t)
    assert action == "utter_emergency"
    assert slot_events(prediction) == {"speaker": "helper", "fall_reported": "yes", "triage": "emergency", "red_flag": "trauma"}


def test_a_helper_cue_without_a_flag_still_sets_the_speaker(policy):
    t = tracker(user("report_spasm", "im asking for my dad, his back went", guard={"flags": [], "helper": True, "fall": False}))
    action, prediction = predict(policy, t)
    assert action is None  # the rules start the screening
    assert slot_events(prediction) == {"speaker": "helper"}


def test_the_speaker_is_set_once(policy):
    t = tracker(SlotSet("speaker", "helper"), user("deny", "no", guard={"flags": [], "helper": True, "fall": False}))
    assert slot_events(predict(policy, t)[1]) == {}


def test_a_topic_before_the_emergency_questions_is_screened_first(policy):
    t = tracker(user("ask_pain_relief", "can i take ibuprofen"))
    assert predict(policy, t)[0] == "utter_disclaimer"
    t.update(ActionExecuted("utter_disclaimer"))
    assert predict(policy, t)[0] == "utter_screen_first"
    t.update(ActionExecuted("utter_screen_first"))
    assert predict(policy, t)[0] == "screening_form"


LEGS_FINE = ["legs_pain", "legs_numb", "legs_weak", "legs_giving_way", "leg_weaker"]


def test_denials_read_in_a_message_are_kept_for_the_conversation(policy):
    reading = {"flags": [], "helper": False, "fall": False, "denied": ["chest_pain"]}
    t = tracker(SlotSet("denied_conditions", LEGS_FINE), user("deny", "no chest pain", guard=reading))
    assert slot_events(predict(policy, t)[1]) == {"denied_conditions": LEGS_FINE + ["chest_pain"]}
    # nothing new denied: no event
    t = tracker(SlotSet("denied_conditions", LEGS_FINE), user("deny", "legs fine", guard={**reading, "denied": LEGS_FINE}))
    assert slot_events(predict(policy, t)[1]) == {}


def test_questions_answered_by_own_words_count_as_answered_for_first_aid(policy):
    # both leg questions skipped ("my legs are fine"), every other emergency question answered no
    answered = [SlotSet(s, "no") for s in EMERGENCY_SLOTS if s not in ("screen_both_legs", "screen_leg_weakness")]
    t = tracker(*answered, SlotSet("denied_conditions", LEGS_FINE), user("ask_ice_heat", "ice or heat"))
    assert predict(policy, t)[0] is None  # answered by the topic rule, not sent back to screening
    t = tracker(*answered, user("ask_ice_heat", "ice or heat"))
    assert predict(policy, t)[0] in ("utter_disclaimer", "utter_screen_first")  # back to the questions


def test_a_topic_after_stop_in_the_middle_of_screening_goes_back_to_it(policy):
    t = tracker(
        ActionExecuted("utter_disclaimer"), ActiveLoop("screening_form"), SlotSet("screen_bladder_bowel", "no"),
        user("stop", "stop"), ActionExecuted("utter_goodbye"), ActiveLoop(None), ActionExecuted("action_listen"),
        user("ask_ice_heat", "ice or heat"),
    )
    assert predict(policy, t)[0] == "utter_screen_first"


def test_a_topic_once_the_emergency_questions_are_answered_is_answered(policy):
    t = tracker(*[SlotSet(s, "no") for s in EMERGENCY_SLOTS], user("ask_ice_heat", "ice or heat"))
    assert predict(policy, t)[0] is None


def test_after_an_emergency_no_first_aid_and_no_reminders(policy):
    t = tracker(SlotSet("triage", "emergency"), user("timer_heat", "set a heat timer"))
    assert predict(policy, t)[0] == "utter_emergency_reminder"
    t = tracker(SlotSet("triage", "emergency"), user("EXTERNAL_walk_reminder"))
    assert predict(policy, t)[0] == "action_listen"


def test_repeat_right_after_the_emergency_message_repeats_it(policy):
    t = tracker(
        SlotSet("triage", "emergency"), SlotSet("red_flag", "chest"), user("red_flag", "help"),
        ActionExecuted("utter_emergency"), ActionExecuted("action_listen"), user("repeat", "repeat"),
    )
    action, prediction = predict(policy, t)
    assert action == "utter_emergency"
    assert slot_events(prediction) == {}  # the reason already given is kept


# --- what the mutation run found untested (issue 13, tools/mutation.py) ----------------------
def test_it_outranks_the_rule_policy_on_a_tie(policy):
    from rasa.core.policies.rule_policy import RulePolicy

    assert policy.priority == 7 > RulePolicy.get_default_config()["priority"]


def test_its_predictions_are_certain(policy):
    t = tracker(user("red_flag", "help"))
    action, prediction = predict(policy, t)
    assert action == "utter_emergency" and max(prediction.probabilities) == 1.0


def test_a_user_message_as_the_very_first_event_counts(policy):
    t = DialogueStateTracker.from_events("t", [user("red_flag", "help")], DOMAIN.slots)
    assert predict(policy, t)[0] == "utter_emergency"
    t.update(ActionExecuted("utter_emergency"))
    assert predict(policy, t)[0] == "action_listen"


def test_a_tracker_with_no_user_message_has_nothing_to_say(policy):
    t = DialogueStateTracker.from_events("t", [ActionExecuted("action_listen")], DOMAIN.slots)
    assert predict(policy, t)[0] is None


def test_an_urgent_flag_entity_is_not_an_emergency(policy):
    t = tracker(user("urgent_flag", "im pregnant", [{"entity": "urgent_flag", "value": "pregnancy"}]))
    assert predict(policy, t)[0] is None


def test_repeat_after_a_silent_turn_still_repeats_the_emergency(policy):
    t = tracker(
        user("red_flag", "help"), ActionExecuted("utter_emergency"), ActionExecuted("action_listen"),
        user("thank", "ok"), ActionExecuted("action_extract_slots"), ActionExecuted("action_listen"),
        user("repeat", "repeat"),
    )
    assert predict(policy, t)[0] == "utter_emergency"


def test_an_action_the_domain_lacks_is_not_predicted(policy):
    small = Domain.from_dict({"intents": ["red_flag"], "responses": {"utter_other": [{"text": "x"}]}})
    t = DialogueStateTracker.from_events("t", [ActionExecuted("action_listen"), user("red_flag", "help")], small.slots)
    prediction = policy.predict_action_probabilities(t, small)
    assert max(prediction.probabilities) == 0.0


def test_the_reason_of_a_first_event_red_flag_is_kept(policy):
    t = DialogueStateTracker.from_events(
        "t", [user("red_flag", "i cant feel my legs", [{"entity": "red_flag", "value": "leg_weakness"}])], DOMAIN.slots
    )
    assert slot_events(predict(policy, t)[1])["red_flag"] == "leg_weakness"


def test_the_policy_is_registered_as_needing_no_training():
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe

    assert DefaultV1Recipe._registered_components["SafetyPolicy"].is_trainable is False


# --- a sign split over two messages sent at once (issue 31) ----------------------------------
NOTHING_READ = {"flags": [], "negated": [], "help_requested": False, "reader": {"action": "nothing"}}


def sent(text, at, guard=NOTHING_READ, intent="nlu_fallback"):
    said = user(intent, text, guard=dict(guard))
    said.timestamp = at
    return said


def test_a_sign_split_over_two_quick_messages_gets_the_emergency_message(policy):
    t = tracker(sent("my bum", 100.0), ActionExecuted("utter_default"), sent("is numb", 103.0))
    action, prediction = predict(policy, t)
    assert action == "utter_emergency" and slot_events(prediction)["red_flag"] == "saddle_numbness"


def test_the_same_words_a_minute_apart_are_two_messages(policy):
    t = tracker(sent("my bum", 100.0), ActionExecuted("utter_default"), sent("is numb", 160.0))
    assert predict(policy, t)[0] != "utter_emergency"


def test_a_message_already_read_for_a_sign_is_not_read_again_with_the_next(policy):
    # "my bum feels odd" got the safety question; "no" a second later must not make it an emergency
    checked = dict(NOTHING_READ, reader={"action": "check", "flag": "saddle_numbness", "by_rules": False})
    t = tracker(sent("my bum is numb", 100.0, guard=checked, intent="red_flag_check"), ActionExecuted("utter_safety_check"),
                sent("no", 101.0, intent="deny"))
    assert predict(policy, t)[0] != "utter_emergency"
    denied = dict(NOTHING_READ, negated=["saddle_numbness"])
    t = tracker(sent("my bum isn't numb", 100.0, guard=denied), ActionExecuted("utter_default"), sent("is it", 101.0))
    assert predict(policy, t)[0] != "utter_emergency"


# --- taking back a mistaken emergency (clinical-guidance section 2) ---------------------------
def emergency_from_the_bladder_question():
    """An emergency raised by a yes to the first screening question."""
    return [
        ActiveLoop("screening_form"), SlotSet("requested_slot", EMERGENCY_SLOTS[0]),
        ActionExecuted("utter_disclaimer"), ActionExecuted("action_listen"),
        user("affirm", "yes"), SlotSet(EMERGENCY_SLOTS[0], "yes"),
        SlotSet("triage", "emergency"), SlotSet("red_flag", "bladder_bowel"), ActionExecuted("utter_emergency"),
        ActionExecuted("action_deactivate_loop"), ActiveLoop(None), ActionExecuted("action_listen"),
    ]


def test_start_over_after_an_emergency_asks_before_withdrawing(policy):
    t = tracker(*emergency_from_the_bladder_question(), user("start_over", "start over"))
    action, prediction = predict(policy, t)
    assert action == "utter_confirm_withdraw" and slot_events(prediction) == {}


def test_a_clear_yes_withdraws_and_reopens_the_question_it_came_from(policy):
    t = tracker(
        *emergency_from_the_bladder_question(), user("withdraw_emergency", "that's not what I meant"),
        ActionExecuted("utter_confirm_withdraw"), ActionExecuted("action_listen"), user("affirm", "yes"),
    )
    action, prediction = predict(policy, t)
    assert action == "utter_emergency_withdrawn"
    assert slot_events(prediction) == {"triage": None, "red_flag": None, EMERGENCY_SLOTS[0]: None}
    t.update_with_events([*prediction.events, ActionExecuted("utter_emergency_withdrawn")], DOMAIN)
    assert predict(policy, t)[0] == "screening_form"  # asks the bladder question again, not the first greeting


def test_a_yes_the_classifier_doubts_keeps_it(policy):
    doubtful = UserUttered("yeah maybe", {"name": "affirm", "confidence": 0.5}, [],
                           parse_data={"intent": {"name": "affirm", "confidence": 0.5}, "entities": [], "text": "yeah maybe"})
    t = tracker(
        *emergency_from_the_bladder_question(), user("withdraw_emergency", "wrong"),
        ActionExecuted("utter_confirm_withdraw"), ActionExecuted("action_listen"), doubtful,
    )
    action, prediction = predict(policy, t)
    assert action == "utter_emergency_kept" and slot_events(prediction) == {}


def test_withdrawing_a_second_emergency_keeps_the_first(policy):
    t = tracker(
        SlotSet("triage", "emergency"), SlotSet("red_flag", "chest"), user("red_flag", "my legs are numb",
                                                                           [{"entity": "red_flag", "value": "leg_weakness"}]),
        SlotSet("triage", "emergency"), SlotSet("red_flag", "leg_weakness"), ActionExecuted("utter_emergency"),
        ActionExecuted("action_listen"), user("withdraw_emergency", "wrong"),
        ActionExecuted("utter_confirm_withdraw"), ActionExecuted("action_listen"), user("affirm", "yes"),
    )
    action, prediction = predict(policy, t)
    assert action == "utter_emergency_withdrawn"
    assert slot_events(prediction) == {"triage": "emergency", "red_flag": "chest"}


def test_a_sign_told_first_and_taken_back_is_not_raised_again_by_its_own_slot(policy):
    # the slot mapping set red_flag from the message before the policy's events did: taking the
    # emergency back clears it, and the screening it skipped starts (disclaimer first)
    t = tracker(
        user("red_flag", "I can't feel my legs", [{"entity": "red_flag", "value": "leg_weakness"}]),
        SlotSet("red_flag", "leg_weakness"), SlotSet("triage", "emergency"), SlotSet("red_flag", "leg_weakness"),
        ActionExecuted("utter_emergency"), ActionExecuted("action_listen"), user("start_over", "start over"),
        ActionExecuted("utter_confirm_withdraw"), ActionExecuted("action_listen"), user("affirm", "yes"),
    )
    action, prediction = predict(policy, t)
    assert action == "utter_emergency_withdrawn" and slot_events(prediction) == {"triage": None, "red_flag": None}
    t.update_with_events([*prediction.events, ActionExecuted("utter_emergency_withdrawn")], DOMAIN)
    assert predict(policy, t)[0] == "utter_disclaimer"


def test_a_yes_at_a_follow_up_check_in_is_an_emergency_without_the_action_server(policy):
    t = tracker(
        ActiveLoop("check_in_form"), SlotSet("requested_slot", "check_in_leg_weakness"),
        user("affirm", "yes"), SlotSet("check_in_leg_weakness", "yes"),
    )
    action, prediction = predict(policy, t)
    assert action == "utter_emergency" and slot_events(prediction)["red_flag"] == "leg_weakness"


def test_a_check_in_that_fires_after_an_emergency_says_nothing(policy):
    t = tracker(SlotSet("triage", "emergency"), user("EXTERNAL_check_in"))
    assert predict(policy, t)[0] == "action_listen"
