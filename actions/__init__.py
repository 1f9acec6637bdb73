"""Spasm Aid's custom actions (run by `rasa run actions`).

One module per action or form; the clinical logic they apply lives in the plain library
`spasm_aid` (triage table and pure functions), so it can be tested without Rasa. Nothing on the
emergency path lives here: the emergency reply is given by the Rasa server itself.
"""
# ruff: noqa: E402
from spasm_aid.channels.edge import harden_http

# The action server is Sanic 21.12 too: the same check of request heads as the Rasa server's.
harden_http()

from actions.check_ins import (
    ActionCancelCheckIns,
    ActionOfferCheckIn,
    ActionScheduleCheckIn,
    ActionStartCheckIn,
    ValidateCheckInForm,
)
from actions.pain_relief_form import ValidatePainReliefForm
from actions.pending_topic import ActionAnswerPendingTopic
from actions.repeat import ActionRepeat
from actions.say_more import ActionSayMore
from actions.screening_form import ValidateScreeningForm
from actions.timers import ActionCancelReminders, ActionScheduleWalkReminders, ActionStartTimer

__all__ = [
    "ActionAnswerPendingTopic",
    "ActionCancelCheckIns",
    "ActionOfferCheckIn",
    "ActionScheduleCheckIn",
    "ActionStartCheckIn",
    "ValidateCheckInForm",
    "ActionCancelReminders",
    "ActionScheduleWalkReminders",
    "ActionStartTimer",
    "ActionRepeat",
    "ActionSayMore",
    "ValidatePainReliefForm",
    "ValidateScreeningForm",
]
