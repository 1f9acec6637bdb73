"""What the voice layer decides by itself, as plain logic: whether a yes/no question is
pending, which commands it handles without the assistant, what to do with speech it could not
make out, and how fast to speak."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, List, Optional

from spasm_aid import replies
from spasm_aid.contract import EXPECTS_KEY, YES_NO, expects_yes_no, routes_to_emergency
from spasm_aid.paths import SPACY_MODEL
from spasm_aid.voice import tts

FASTER = {"faster", "speed up", "go faster"}
SLOWER = {"slower", "slow down", "speak slower", "slower please"}
# what the voice layer says when it heard nothing usable (words: domain.yml, via spasm_aid.replies)
NOT_HEARD_YES_NO = replies.text(replies.VOICE_NOT_HEARD_YES_NO)
NOT_HEARD = replies.text(replies.VOICE_NOT_HEARD)
TOO_LONG = replies.text(replies.VOICE_TOO_LONG)


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


@dataclass(frozen=True)
class Decision:
    """What the voice layer does with a recognition: "send" text to the assistant,
    "ask_again" (nothing usable was heard; text: what to say, if not the usual), "unclear"
    (tell the assistant "/voice_unclear", which routes up, and act on no guess), or "confirm"
    (the recognisers disagree on a negation that decides whether it is an emergency: ask
    "Did you say: <text>? If you did, call <number> now." and, unless the answer is no, send
    `text`; on no, send `other`)."""

    kind: str
    text: str = ""
    other: str = ""

    def ask_again_text(self, expect_yes_no: bool) -> str:
        return self.text or (NOT_HEARD_YES_NO if expect_yes_no else NOT_HEARD)

    def question(self) -> str:
        """The confirmation question (kind "confirm"), with the number."""
        return replies.text(replies.VOICE_CONFIRM_RED_FLAG, heard=self.text)


# Words that negate what follows or precedes them. The acoustic models confuse "can" and "can't"
# (heard as "can't" in every voice, make voice-eval), "did" and "didn't", "had a fall" and "didn't
# fall": a red flag that rests on one of them is checked when the recognisers disagree.
NEGATIONS = frozenset({"not", "no", "never", "nothing", "none", "nobody", "cannot", "without"})


def negations(text: str) -> List[str]:
    words = re.findall(r"[a-z']+", text.lower())
    return sorted(w for w in words if w in NEGATIONS or w.endswith("n't"))


def _without_negation(text: str) -> List[str]:
    words = re.findall(r"[a-z']+", text.lower())
    return [{"can't": "can", "won't": "will"}.get(w, w[:-3] if w.endswith("n't") else w) for w in words if w not in NEGATIONS]


def disagree_on_negation(first: str, second: str) -> bool:
    """The two recognisers heard much the same words but for a negation ("i can feel my legs" /
    "i can't feel my legs", "i didn't fall" / "i had a fall"); not when one of them heard other
    words altogether ("on it go to a little really it" / "i can't go to the toilet")."""
    if not first or not second or negations(first) == negations(second):
        return False
    from spasm_aid.voice.asr import word_edits

    a, b = _without_negation(first), _without_negation(second)
    return word_edits(" ".join(a), " ".join(b)) <= max(1, len(max(a, b, key=len)) // 2)


def decide(recognition, names_emergency: Callable[[str], bool],
           understood_as_red_flag: Optional[Callable[[str], bool]] = None) -> Decision:
    """One rule for the hands-free loop, the voice connector and the evaluation:
    - when one recogniser's words name an emergency and the other's do not, and the two differ
      in a negation ("i can't feel my legs" / "i can feel my legs"), ask one question that gives
      the number ("confirm"); unless the answer is no, the emergency words are sent;
    - words that name an emergency are sent, even from speech marked unclear (an emergency is
      never held back for a doubt);
    - else, if the second recogniser's words name an emergency, those are sent: whatever else
      was heard or rejected, the assistant routes up on them;
    - else, if the full NLU (`understood_as_red_flag`: what the assistant would make of them
      typed) reads the second recogniser's words as a red flag, those are sent;
    - else, if the second recogniser spotted a red-flag phrase in the audio, that phrase is sent
      (the guard still judges it);
    - a rejected short answer is asked again;
    - other speech marked unclear is not acted on: a misheard "no" must not answer a screening
      question;
    - anything else is sent as heard.
    `names_emergency` is the rule-based guard.
    """
    first, second = recognition.text, recognition.alternative
    first_up = bool(first) and names_emergency(first)
    second_up = bool(second) and names_emergency(second)
    if first_up != second_up and disagree_on_negation(first, second):
        return Decision("confirm", first if first_up else second, second if first_up else first)
    if first_up:
        return Decision("send", first)
    if second_up:
        return Decision("send", second)
    if second and second != first and understood_as_red_flag is not None and understood_as_red_flag(second):
        return Decision("send", second)
    if recognition.spotted and names_emergency(recognition.spotted):
        return Decision("send", recognition.spotted)
    if recognition.source == "too_long":
        return Decision("ask_again", TOO_LONG)
    if recognition.rejected:
        return Decision("ask_again")
    if recognition.unclear:
        return Decision("unclear")
    return Decision("send", recognition.text)


def after_confirmation(asked: Decision, answer, names_emergency: Callable[[str], bool]) -> Decision:
    """The answer to a confirmation question (`asked`, kind "confirm"): words naming an emergency
    are sent; a clear "no" sends the other recogniser's words (what the person presumably said);
    "yes", an unclear answer, nothing heard, or anything else sends the emergency words: the
    question leans up."""
    from spasm_aid.voice.asr import polarity

    if answer.text and names_emergency(answer.text):
        return Decision("send", answer.text)
    said = answer.text if not answer.rejected and not answer.unclear else ""
    # only a plain no: "no, I can't move them" leans up like anything else
    if polarity(said) == "no" and len(said.split()) <= 3:
        return Decision("send", asked.other or said)
    return Decision("send", asked.text)


def emergency_detector(spacy_model: str = SPACY_MODEL) -> Callable[[str], bool]:
    """The assistant's own rule-based red-flag guard, as a yes/no on a text (the path as in
    config.yml, so a Rasa server shares the guard it already has)."""
    from spasm_aid.red_flags.guard import guard_for

    guard = guard_for(spacy_model)
    return lambda text: guard.detect(text).is_emergency


CONFIRM_SAFETY = "confirm_red_flag"  # custom.safety of the confirmation question


def confirmation_messages(recipient: str, decision: Decision) -> List[dict]:
    """The confirmation question as a reply: marked as a yes/no question and as a safety reply
    (spoken slowly: it gives the number)."""
    return [{"recipient_id": recipient, "text": decision.question(),
             "custom": {EXPECTS_KEY: YES_NO, "safety": CONFIRM_SAFETY}}]


def calls_for_help(replies: Iterable[dict]) -> bool:
    """The emergency message, or the unclear-speech reply or confirmation question (which give the
    number too)."""
    return any(
        routes_to_emergency([r]) or (r.get("custom") or {}).get("safety") in ("unclear_speech", CONFIRM_SAFETY)
        for r in replies
    )


def speaking_rate(replies: Iterable[dict], usual: int) -> int:
    """The emergency message (and the unclear-speech reply, which gives the number) is always
    spoken slowly; everything else at the person's chosen rate."""
    return min(usual, tts.SLOW_RATE) if calls_for_help(list(replies)) else usual


@dataclass
class VoiceState:
    rate: int = tts.NORMAL_RATE
    last_replies: List[dict] = field(default_factory=list)
    confirming: Optional[Decision] = None  # the confirmation question just asked, if any

    @property
    def expects_yes_no(self) -> bool:
        """The assistant's last reply asked a yes/no question (the response generator's marker)."""
        return expects_yes_no(self.last_replies)

    @property
    def last_was_emergency(self) -> bool:
        return routes_to_emergency(self.last_replies)

    def local_command(self, text: str) -> Optional[str]:
        """'faster' is handled here (the assistant has no such intent); 'slower' also here,
        and is passed on so the assistant repeats itself."""
        said = _key(text)
        if said in FASTER:
            self.rate = min(tts.MAX_RATE, self.rate + tts.RATE_STEP)
            return "faster"
        if said in SLOWER:
            self.rate = max(tts.MIN_RATE, self.rate - tts.RATE_STEP)
            return "slower"
        return None

    def speaking_rate(self, replies: Iterable[dict]) -> int:
        return speaking_rate(replies, self.rate)
