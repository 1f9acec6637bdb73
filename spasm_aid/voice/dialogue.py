"""What the voice layer decides by itself, as plain logic: whether a yes/no question is
pending, which commands it handles without the assistant, what to do with speech it could not
make out, and how fast to speak."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, List, Optional

from spasm_aid import replies
from spasm_aid.contract import expects_yes_no, routes_to_emergency
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
    "ask_again" (nothing usable was heard; text: what to say, if not the usual), or "unclear"
    (tell the assistant "/voice_unclear", which routes up, and act on no guess)."""

    kind: str
    text: str = ""

    def ask_again_text(self, expect_yes_no: bool) -> str:
        return self.text or (NOT_HEARD_YES_NO if expect_yes_no else NOT_HEARD)


def decide(recognition, names_emergency: Callable[[str], bool]) -> Decision:
    """One rule for the hands-free loop, the voice connector and the evaluation:
    - words that name an emergency are sent, even from speech marked unclear (an emergency is
      never held back for a doubt);
    - else, if the second recogniser's words name an emergency, those are sent: whatever else
      was heard or rejected, the assistant routes up on them;
    - else, if the second recogniser spotted a red-flag phrase in the audio, that phrase is sent
      (the guard still judges it);
    - a rejected short answer is asked again;
    - other speech marked unclear is not acted on: a misheard "no" must not answer a screening
      question;
    - anything else is sent as heard.
    """
    if recognition.text and names_emergency(recognition.text):
        return Decision("send", recognition.text)
    if recognition.alternative and names_emergency(recognition.alternative):
        return Decision("send", recognition.alternative)
    if recognition.spotted and names_emergency(recognition.spotted):
        return Decision("send", recognition.spotted)
    if recognition.source == "too_long":
        return Decision("ask_again", TOO_LONG)
    if recognition.rejected:
        return Decision("ask_again")
    if recognition.unclear:
        return Decision("unclear")
    return Decision("send", recognition.text)


def emergency_detector(spacy_model: str = SPACY_MODEL) -> Callable[[str], bool]:
    """The assistant's own rule-based red-flag guard, as a yes/no on a text (the path as in
    config.yml, so a Rasa server shares the guard it already has)."""
    from spasm_aid.red_flags.guard import guard_for

    guard = guard_for(spacy_model)
    return lambda text: guard.detect(text).is_emergency


def calls_for_help(replies: Iterable[dict]) -> bool:
    """The emergency message, or the unclear-speech reply (which gives the number too)."""
    return any(
        routes_to_emergency([r]) or (r.get("custom") or {}).get("safety") == "unclear_speech"
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
