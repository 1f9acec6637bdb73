"""Scripted conversations for the load test: what real users do, in proportions. Plain Python,
no project imports, so that the load generator's own environment can use it."""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import List, Tuple

OPENINGS = ["my back just spasmed", "I threw my back out lifting a box", "my lower back locked up", "back spasm help"]
NOS = ["no", "nope", "no I don't", "nah", "not really", "no thanks"]
RED_FLAGS = ["I can't feel my legs", "I think I wet myself", "I fell down the stairs", "my chest hurts a lot",
             "help", "my face is drooping"]
TOPICS = ["should I use ice or heat", "should I walk", "when should I see a doctor", "how long will this last",
          "what position should I lie in"]
SCREENING_QUESTIONS = 16  # spasm_aid/triage_table.yml, all answered no: 9 emergency, 6 urgent, the age (a test checks it)
RED_FLAG_SHARE = 0.2  # one conversation in five hits a red flag


@dataclass
class Turn:
    kind: str  # open / answer / red_flag / advice / goodbye: the request name in Locust's report
    text: str


def conversation(rng: random.Random) -> Tuple[List[Turn], bool]:
    """(turns, whether it must end in the emergency reply)."""
    turns = [Turn("open", rng.choice(OPENINGS))]
    if rng.random() < RED_FLAG_SHARE:
        at = rng.randrange(SCREENING_QUESTIONS + 2)  # during screening or after the advice
        answers = [Turn("answer", rng.choice(NOS)) for _ in range(min(at, SCREENING_QUESTIONS))]
        extra = [Turn("advice", rng.choice(TOPICS))] if at > SCREENING_QUESTIONS else []
        return turns + answers + extra + [Turn("red_flag", rng.choice(RED_FLAGS))], True
    turns += [Turn("answer", rng.choice(NOS)) for _ in range(SCREENING_QUESTIONS)]
    turns += [Turn("advice", t) for t in rng.sample(TOPICS, rng.randint(1, 2))]
    return turns + [Turn("goodbye", "bye")], False
