"""The evaluation set (tests/eval/messages.yml) as labelled examples."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

import yaml

from spasm_aid.paths import ROOT
from spasm_aid.triage import EMERGENCY, URGENT, load_table

EVAL_PATH = ROOT / "tests" / "eval" / "messages.yml"
# The second set, written before the guard was changed for helpers and the new red flags.
HOLDOUT_PATH = ROOT / "tests" / "eval" / "holdout.yml"
EVAL_SETS = {"messages": EVAL_PATH, "holdout": HOLDOUT_PATH}

EMERGENCY_GROUP, HELP_GROUP, URGENT_GROUP, BENIGN_GROUP, INTENTS_GROUP = (
    "emergency",
    "help",
    "urgent",
    "benign",
    "intents",
)


@dataclass(frozen=True)
class Example:
    text: str
    intent: str  # the intent expected
    group: str  # emergency / help / urgent / benign / intents
    flag: Optional[str] = None  # the flag id expected (emergency and urgent groups)
    helper: bool = False  # said by someone for a person who is there now (clinical-guidance 0)

    @property
    def is_emergency(self) -> bool:
        return self.group in (EMERGENCY_GROUP, HELP_GROUP)

    @property
    def is_urgent(self) -> bool:
        return self.group == URGENT_GROUP

    @property
    def is_benign(self) -> bool:
        """Neither an emergency nor an urgent flag: routing it to an emergency is a false alarm."""
        return self.group in (BENIGN_GROUP, INTENTS_GROUP)


class EvalSetError(ValueError):
    pass


def load_examples(path: Path = EVAL_PATH) -> List[Example]:
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    table = load_table()
    examples: List[Example] = []
    try:
        for section, helper in ((EMERGENCY_GROUP, False), ("helper_emergency", True)):
            for flag, texts in (raw.get(section) or {}).items() if helper else raw[section].items():
                if table.flag_levels.get(flag) != EMERGENCY:
                    raise EvalSetError(f"{path}: '{flag}' under {section} is not an emergency flag of the triage table")
                examples += [Example(str(t), "red_flag", EMERGENCY_GROUP, flag, helper) for t in texts]
        examples += [Example(str(t), "red_flag", HELP_GROUP) for t in raw[HELP_GROUP]]
        for section, helper in ((URGENT_GROUP, False), ("helper_urgent", True)):
            for flag, texts in (raw.get(section) or {}).items() if helper else raw[section].items():
                if table.flag_levels.get(flag) != URGENT:
                    raise EvalSetError(f"{path}: '{flag}' under {section} is not an urgent flag of the triage table")
                examples += [Example(str(t), "urgent_flag", URGENT_GROUP, flag, helper) for t in texts]
        for group in (BENIGN_GROUP, INTENTS_GROUP):
            for intent, texts in raw[group].items():
                examples += [Example(str(t), intent, group) for t in texts]
    except (KeyError, TypeError, AttributeError) as error:
        raise EvalSetError(
            f"{path}: expected the sections emergency, help, urgent, benign and intents "
            f"(see the comment at the top of the file): {error}"
        ) from error
    return examples


def normalise(text: str) -> str:
    """Lower case, letters and digits only: how overlap with training data is judged."""
    return " ".join("".join(c if c.isalnum() else " " for c in text.lower()).split())
