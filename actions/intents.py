"""Intent groups the actions share."""

# Intents a form leaves to the rules: the form rejects them so the rule for them runs
# (the emergency is handled even earlier, by the SafetyPolicy).
PASS_THROUGH_INTENTS = frozenset(
    {"red_flag", "repeat", "slower", "stop", "start_over", "EXTERNAL_timer_done", "EXTERNAL_walk_reminder"}
)

# Topic questions and the response that answers each. Pain relief runs its caution form.
TOPIC_RESPONSES = {
    "ask_ice_heat": "utter_ice_heat",
    "ask_rest": "utter_rest",
    "ask_walking": "utter_walking",
    "ask_stretching": "utter_stretching",
    "ask_see_doctor": "utter_see_doctor",
    "ask_duration": "utter_duration",
    "ask_prevention": "utter_prevention",
    "ask_options": "utter_options",
    # how it is going: answered like a topic (after the screening when said during it)
    "feel_better": "utter_feel_better",
    "feel_worse": "utter_feel_worse",
}
PAIN_RELIEF_INTENT = "ask_pain_relief"
TOPIC_INTENTS = frozenset(TOPIC_RESPONSES) | {PAIN_RELIEF_INTENT}
