"""The NLU component rewrites intent and entities from the guard."""
import pytest
from rasa.shared.nlu.training_data.message import Message

from spasm_aid.rasa_components.red_flag_guard import RedFlagGuardComponent


@pytest.fixture(scope="module")
def component(guard):
    return RedFlagGuardComponent({"spacy_model": "unused", "ml_red_flag_threshold": 0.3}, guard=guard)


def message(text, intent="report_spasm", ranking=None):
    ranking = ranking or [{"name": intent, "confidence": 0.9}, {"name": "deny", "confidence": 0.05}]
    return Message(data={"text": text, "intent": {"name": intent, "confidence": 0.9}, "intent_ranking": ranking})


def test_red_flag_overrides_the_classifier(component):
    [m] = component.process([message("yes and I can't feel my legs", intent="affirm")])
    assert m.get("intent") == {"name": "red_flag", "confidence": 1.0}
    assert [(e["entity"], e["value"]) for e in m.get("entities")] == [("red_flag", "leg_weakness")]


def test_help_is_a_red_flag_without_a_reason(component):
    [m] = component.process([message("help")])
    assert m.get("intent")["name"] == "red_flag" and m.get("entities") == []


def test_urgent_flag(component):
    [m] = component.process([message("im pregnant")])
    assert m.get("intent")["name"] == "urgent_flag"
    assert m.get("entities")[0]["value"] == "pregnancy"


def test_a_weak_ml_red_flag_guess_still_routes_up(component):
    ranking = [{"name": "report_spasm", "confidence": 0.6}, {"name": "red_flag", "confidence": 0.35}]
    [m] = component.process([message("my back is weird and wobbly", ranking=ranking)])
    assert m.get("intent")["name"] == "red_flag"


def test_a_negation_read_by_rule_beats_an_ml_red_flag_guess(component):
    ranking = [{"name": "red_flag", "confidence": 0.7}, {"name": "deny", "confidence": 0.25}]
    [m] = component.process([message("no numbness in my groin", intent="red_flag", ranking=ranking)])
    assert m.get("intent") == {"name": "deny", "confidence": 0.25}


def test_ordinary_messages_keep_their_intent(component):
    [m] = component.process([message("should I use ice or heat", intent="ask_ice_heat")])
    assert m.get("intent")["name"] == "ask_ice_heat" and m.get("entities") == []


def test_messages_without_text_pass_through(component):
    [m] = component.process([Message(data={"intent": {"name": "greet", "confidence": 1.0}})])
    assert m.get("intent")["name"] == "greet"


# --- what the mutation run found untested (issue 13) ------------------------------------------
def test_urgent_flags_are_an_urgent_flag_entity_over_the_whole_message(component):
    [m] = component.process([message("im pregnant")])
    [entity] = m.get("entities")
    assert (entity["entity"], entity["value"], entity["start"], entity["end"]) == ("urgent_flag", "pregnancy", 0, 11)
    assert entity["extractor"] == "RedFlagGuard"


def test_the_rewritten_intent_entities_and_reading_reach_the_parse_output(component):
    # add_to_output: what Rasa returns and keeps on the tracker is the guard's decision
    [m] = component.process([message("my dad fell off a ladder")])
    output = m.as_dict(only_output_properties=True)
    assert output["intent"] == {"name": "red_flag", "confidence": 1.0}
    assert output["intent_ranking"][0] == {"name": "red_flag", "confidence": 1.0}
    assert [(e["entity"], e["value"]) for e in output["entities"]] == [("red_flag", "trauma")]
    reading = output["red_flag_guard"]
    assert reading["helper"] is True and reading["fall"] is True and reading["flags"] == ["trauma"]
    assert reading["ml_intent"] == "report_spasm"


def test_the_first_flag_told_is_the_reason(component):
    [m] = component.process([message("I fell and now I can't feel my legs")])
    assert [e["value"] for e in m.get("entities")] == ["trauma"]
    [m] = component.process([message("I can't feel my legs since I fell")])
    assert [e["value"] for e in m.get("entities")][0] == "leg_weakness"


def test_a_classifier_red_flag_on_top_with_no_rule_match_still_routes_up(component):
    ranking = [{"name": "red_flag", "confidence": 0.8}, {"name": "report_spasm", "confidence": 0.1}]
    [m] = component.process([message("something feels really wrong", intent="red_flag", ranking=ranking)])
    assert m.get("intent")["name"] == "red_flag" and m.get("entities") == []


@pytest.mark.parametrize("text", ["king of spades and a queen", "we need to fix the fence", "go forward 10 meters"])
def test_a_classifier_red_flag_in_words_without_a_symptom_word_gets_didnt_catch_that(component, text):
    # real speech misheard and everyday words the classifier never saw: the reply names the
    # serious symptoms and gives the number, without an emergency message nobody needed
    for ranking in ([{"name": "red_flag", "confidence": 1.0}], [{"name": "out_of_scope", "confidence": 0.6},
                                                               {"name": "red_flag", "confidence": 0.4}]):
        [m] = component.process([message(text, intent=ranking[0]["name"], ranking=ranking)])
        assert m.get("intent")["name"] == "nlu_fallback", ranking


@pytest.mark.parametrize("text", ["my legz feel funny", "i need help", "something feels really wrong", "i feel scared"])
def test_a_classifier_red_flag_with_a_symptom_or_doubt_word_still_routes_up(component, text):
    [m] = component.process([message(text, intent="red_flag", ranking=[{"name": "red_flag", "confidence": 0.9}])])
    assert m.get("intent")["name"] == "red_flag"


@pytest.mark.parametrize("confidence,routed", [(0.29, False), (0.3, True), (0.31, True)])
def test_the_classifier_threshold_is_inclusive(component, confidence, routed):
    ranking = [{"name": "report_spasm", "confidence": 1 - confidence}, {"name": "red_flag", "confidence": confidence}]
    [m] = component.process([message("my back is weird and wobbly", ranking=ranking)])
    assert (m.get("intent")["name"] == "red_flag") is routed


def test_no_red_flag_guess_at_all_changes_nothing(component):
    ranking = [{"name": "ask_walking", "confidence": 0.9}, {"name": "deny", "confidence": 0.1}]
    [m] = component.process([message("can I walk to the shop", intent="ask_walking", ranking=ranking)])
    assert m.get("intent") == {"name": "ask_walking", "confidence": 0.9}


def test_a_denial_also_stops_a_lower_red_flag_guess_from_routing_up(component):
    ranking = [{"name": "deny", "confidence": 0.6}, {"name": "red_flag", "confidence": 0.4}]
    [m] = component.process([message("no numbness at all", intent="deny", ranking=ranking)])
    assert m.get("intent") == {"name": "deny", "confidence": 0.9}


def test_a_denied_urgent_guess_falls_back_to_the_best_other_intent(component):
    ranking = [{"name": "urgent_flag", "confidence": 0.7}, {"name": "red_flag", "confidence": 0.2},
               {"name": "deny", "confidence": 0.1}]
    [m] = component.process([message("I don't have a fever", intent="urgent_flag", ranking=ranking)])
    assert m.get("intent") == {"name": "deny", "confidence": 0.1}


def test_a_lookalike_stops_the_classifier_too(component):
    ranking = [{"name": "red_flag", "confidence": 0.7}, {"name": "out_of_scope", "confidence": 0.3}]
    [m] = component.process([message("i fell asleep on the sofa", intent="red_flag", ranking=ranking)])
    assert m.get("intent") == {"name": "out_of_scope", "confidence": 0.3}


def test_stale_flag_entities_from_elsewhere_are_dropped_when_nothing_counts(component):
    stale = [{"entity": "red_flag", "value": "chest", "start": 0, "end": 3},
             {"entity": "urgent_flag", "value": "fever", "start": 0, "end": 3},
             {"entity": "other", "value": "kept", "start": 0, "end": 3}]
    m = message("no chest pain", intent="deny")
    m.set("entities", stale)
    [m] = component.process([m])
    assert [e["entity"] for e in m.get("entities")] == ["other"]


def test_a_helper_and_no_fall_are_read(component):
    [m] = component.process([message("my mum can't pee")])
    reading = m.get("red_flag_guard")
    assert reading["helper"] is True and reading["fall"] is False and reading["negated"] == []
    [m] = component.process([message("no fever")])
    assert m.get("red_flag_guard")["negated"] == ["fever"] and m.get("red_flag_guard")["helper"] is False


def test_forcing_an_intent_keeps_the_rest_of_the_ranking_once_each(component):
    ranking = [{"name": "report_spasm", "confidence": 0.6}, {"name": "red_flag", "confidence": 0.35},
               {"name": "deny", "confidence": 0.05}]
    [m] = component.process([message("i cant feel my legs", ranking=ranking)])
    names = [r["name"] for r in m.get("intent_ranking")]
    assert names == ["red_flag", "report_spasm", "deny"]


def test_the_flag_entity_is_certain(component):
    [m] = component.process([message("i cant feel my legs")])
    assert m.get("entities")[0]["confidence_entity"] == 1.0


def test_a_request_for_help_is_read_as_such(component):
    [m] = component.process([message("help")])
    assert m.get("red_flag_guard")["help_requested"] is True and m.get("red_flag_guard")["flags"] == []


def test_a_fallback_without_a_confidence_gets_zero(component):
    ranking = [{"name": "red_flag", "confidence": 0.7}, {"name": "deny"}]
    [m] = component.process([message("no numbness in my groin", intent="red_flag", ranking=ranking)])
    assert m.get("intent") == {"name": "deny", "confidence": 0.0}


def test_its_defaults_are_the_project_pipeline_and_a_low_threshold(spacy_model_path):
    defaults = RedFlagGuardComponent.get_default_config()
    assert defaults == {"spacy_model": "models/spacy_en", "ml_red_flag_threshold": 0.3, "reader_model": "models/reader"}
    built = RedFlagGuardComponent({**defaults, "spacy_model": str(spacy_model_path), "reader_model": None})
    [m] = built.process([message("i cant feel my legs")])
    assert m.get("intent")["name"] == "red_flag"


def test_config_yml_sets_the_same_threshold():
    import yaml

    from tests.conftest import ROOT

    config = yaml.safe_load(open(ROOT / "config.yml", encoding="utf-8"))
    [component] = [c for c in config["pipeline"] if c["name"].endswith("RedFlagGuardComponent")]
    assert component["ml_red_flag_threshold"] == 0.3


@pytest.mark.parametrize("name", ["RedFlagGuardComponent", "SafetyPolicy"])
def test_the_safety_components_are_registered_as_needing_no_training(name):
    # nothing they decide is learned from data (and the guard has no train step at all)
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe

    import spasm_aid.rasa_components.safety_policy  # noqa: F401  (registers the policy)

    assert DefaultV1Recipe._registered_components[name].is_trainable is False


def test_a_red_flag_guess_without_a_confidence_does_not_route_up(component):
    ranking = [{"name": "report_spasm", "confidence": 0.9}, {"name": "red_flag"}]
    [m] = component.process([message("my back is weird and wobbly", ranking=ranking)])
    assert m.get("intent")["name"] == "report_spasm"


# --- junk (issue 14) ----------------------------------------------------------------------------
def test_junk_is_not_understood_whatever_the_classifier_guessed(component):
    ranking = [{"name": "red_flag", "confidence": 0.98}, {"name": "greet", "confidence": 0.01}]
    [m] = component.process([message("<script>alert(1)</script>", intent="red_flag", ranking=ranking)])
    assert m.get("intent") == {"name": "nlu_fallback", "confidence": 1.0}
    assert m.get("red_flag_guard")["junk"] is True


def test_a_weak_red_flag_guess_on_words_still_routes_up_junk_or_not(component):
    ranking = [{"name": "greet", "confidence": 0.6}, {"name": "red_flag", "confidence": 0.35}]
    [m] = component.process([message("legz numm", intent="greet", ranking=ranking)])
    assert m.get("intent")["name"] == "red_flag" and not m.get("red_flag_guard")["junk"]


def test_a_clear_denial_reaches_the_reading_for_the_screening(component):
    [m] = component.process([message("no, and my legs are fine", intent="deny")])
    assert set(m.get("red_flag_guard")["denied"]) >= {"legs_pain", "legs_weak", "leg_weaker"}


def test_no_denial_is_passed_on_when_the_message_routes_up(component):
    # the classifier alone routes "my legs are fine, all of a sudden" up: no question is skipped then
    ranking = [{"name": "red_flag", "confidence": 0.8}, {"name": "deny", "confidence": 0.1}]
    [m] = component.process([message("my legs are fine, everything is wrong", intent="red_flag", ranking=ranking)])
    assert m.get("intent")["name"] == "red_flag"
    assert m.get("red_flag_guard")["denied"] == []
