"""Intent groups the actions share."""
from spasm_aid.triage import load_table

# Intents a form leaves to the rules: the form rejects them so the rule for them runs
# (the emergency is handled even earlier, by the SafetyPolicy).
PASS_THROUGH_INTENTS = frozenset(
    {"red_flag", "repeat", "slower", "stop", "start_over", "withdraw_emergency", "voice_unclear", "EXTERNAL_timer_done", "EXTERNAL_walk_reminder",
     "EXTERNAL_check_in", "stop_check_ins"}
)

# Topic questions and the response that answers each (the triage table's topics). Pain relief
# runs its caution form.
TOPIC_RESPONSES = {topic.intent: topic.response for topic in load_table().topics}
PAIN_RELIEF_INTENT = "ask_pain_relief"
TOPIC_INTENTS = frozenset(TOPIC_RESPONSES) | {PAIN_RELIEF_INTENT}
