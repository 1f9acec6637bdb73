"""What the voice layer decides by itself, as plain logic: whether a yes/no question is
pending, which commands it handles without the assistant, what to do with speech it could not
make out, and how fast to speak."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Callable, FrozenSet, Iterable, List, Optional

from spasm_aid import replies
from spasm_aid.contract import EXPECTS_KEY, YES_NO, expects_yes_no, routes_to_emergency
from spasm_aid.paths import SPACY_MODEL
from spasm_aid.red_flags.polarity import FLIPS, MAX_FLIPS, NEGATIONS, flipped  # noqa: F401 (used by the voice layer)
from spasm_aid.voice import tts

FASTER = {"faster", "speed up", "go faster"}
SLOWER = {"slower", "slow down", "speak slower", "slower please"}
# what the voice layer says when it heard nothing usable (words: domain.yml, via spasm_aid.replies)
NOT_HEARD_YES_NO = replies.text(replies.VOICE_NOT_HEARD_YES_NO)
NOT_HEARD = replies.text(replies.VOICE_NOT_HEARD)
TOO_LONG = replies.text(replies.VOICE_TOO_LONG)


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


# Sent to the assistant when the answer to "Is something serious happening?" is yes, silence or
# unclear: words the rule-based guard routes to the emergency message by themselves.
EMERGENCY_WORDS = "emergency"


@dataclass(frozen=True)
class Decision:
    """What the voice layer does with a recognition: "send" text to the assistant,
    "ask_again" (nothing usable was heard; text: what to say, if not the usual), "unclear"
    (tell the assistant "/voice_unclear", which routes up, and act on no guess), or "confirm":
    one yes/no question that gives the number itself, whose answer, unless it is a plain no,
    sends `text` (words that name an emergency); on no, `other` is sent, or, if there is none,
    the person is asked to say it again. Two questions: "Did you say: <text>? If you did, call
    <number> now." (the recognisers disagree on a negation that decides whether it is an
    emergency), and "Is something serious happening ...? If so, call <number> now."
    (`question_name` VOICE_CHECK_SERIOUS: speech not made out while no question was pending)."""

    kind: str
    text: str = ""
    other: str = ""
    question_name: str = replies.VOICE_CONFIRM_RED_FLAG

    def ask_again_text(self, expect_yes_no: bool) -> str:
        return self.text or (NOT_HEARD_YES_NO if expect_yes_no else NOT_HEARD)

    def question(self) -> str:
        """The confirmation question (kind "confirm"), with the number."""
        return replies.text(self.question_name, heard=self.text)

    @property
    def checks_for_emergency(self) -> bool:
        """The question is "Is something serious happening?" (not "Did you say ...?")."""
        return self.question_name == replies.VOICE_CHECK_SERIOUS


def check_serious() -> Decision:
    """Speech not made out with no question pending: ask whether something serious is happening."""
    return Decision("confirm", EMERGENCY_WORDS, "", replies.VOICE_CHECK_SERIOUS)


# Words that negate what follows or precedes them. The acoustic models confuse "can" and "can't"
# (heard as "can't" in every voice, make voice-eval), "did" and "didn't", "had a fall" and "didn't
# fall": a red flag that rests on one of them is checked when the recognisers disagree
# (spasm_aid.red_flags.polarity holds the words and the flips).


def negations(text: str) -> List[str]:
    words = re.findall(r"[a-z']+", text.lower())
    return sorted(w for w in words if w in NEGATIONS or w.endswith("n't"))


def negates_a_verb(text: str) -> bool:
    """Whether the words say "not" of something ("i didn't follow", "i'm not in any way"); a bare
    "no" or "none" is left out: far-away speech is often heard as "no" ("help"), and "none" for
    "numb"."""
    return any(w in ("not", "never", "cannot") or w.endswith("n't") for w in negations(text))


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


# How close the audio's fit to the words with one auxiliary flipped must come to its fit to the
# words heard for the flip to be in doubt (the second recogniser's mean log-probability per token).
# Set on the tuning voices (tools/evaluation/negation_contrast.py, reports/negation-contrast.json,
# 112 utterances of 14 minimal pairs): at 0 it doubts 17 scorings of look-alikes heard as an
# emergency (as many as at 1.0) and 3 of red flags heard right; a larger margin doubts more red
# flags (0.3: 13, 0.8: 27) and no more look-alikes. The reverse (other words whose emergency flip
# fits at least as well) doubted no look-alike heard right at 0.
EMERGENCY_DOUBT_MARGIN = 0.0  # emergency words: a question when the flip fits at least as well
BENIGN_DOUBT_MARGIN = 0.0  # other words: a question when the emergency flip fits at least as well


def doubted(recognition, words: str, acceptable: Callable[[str], bool], margin: float) -> str:
    """The words with one auxiliary flipped, when the flip is `acceptable` and the audio fits it
    within `margin` of the words themselves (Recognition.contrasts), else ""."""
    for text, other, gain in recognition.contrasts:
        if text == words and gain >= -margin and acceptable(other):
            return other
    return ""


def is_bare_answer(text: str) -> bool:
    """A yes, no or not sure and nothing else: the answer grammar's phrases, or a few words of
    them ("no it is", "yes it is", "no no"), with no word that says what about."""
    from spasm_aid.voice.asr import NO, UNSURE, YES, polarity

    said = _key(text)
    if said in YES + NO + UNSURE:
        return True
    words = said.split()
    return 0 < len(words) <= 3 and polarity(said) in ("yes", "no", "unsure") and all(w in _answer_words() for w in words)


@functools.lru_cache(maxsize=1)
def _answer_words() -> FrozenSet[str]:
    """The words of the answer grammar's yes, no and not sure phrases, and a few that only
    repeat them ("no it is")."""
    from spasm_aid.voice.asr import NO, UNSURE, YES

    return frozenset({w for phrase in YES + NO + UNSURE for w in phrase.split()} | {"it", "is", "am", "was", "did"})


def decide(recognition, names_emergency: Callable[[str], bool],
           understood_as_red_flag: Optional[Callable[[str], bool]] = None,
           expect_yes_no: bool = False, denies: Optional[Callable[[str], bool]] = None) -> Decision:
    """One rule for the hands-free loop, the voice connector and the evaluation:
    - when one recogniser's words name an emergency and the other's do not, and the two differ
      in a negation ("i can't feel my legs" / "i can feel my legs"), ask one question that gives
      the number ("confirm"); unless the answer is no, the emergency words are sent;
    - the same question when one recogniser's words name an emergency and the other recogniser's
      deny one (`denies`, the guard: "might be fall" / "i didn't fall"; "no i can't pee" / "no
      chest pain");
    - the same question when one recogniser's words name an emergency without a negation, no
      other hearing names one, and another hearing says "not" of something ("my tooth fall" /
      "i didn't flower");
    - words that name an emergency are sent, even from speech marked unclear (an emergency is
      never held back for a doubt), unless they rest on an auxiliary the acoustic models confuse
      and the audio fits them negated at least as well ("i can't feel my legs" / "i can feel my
      legs", Recognition.contrasts): then the same one question;
    - else, if the second recogniser's words name an emergency, those are sent: whatever else
      was heard or rejected, the assistant routes up on them;
    - else the same for the words of the second recogniser's second look (its full 30 s window,
      taken when the two recognisers disagree);
    - else, if the second recogniser spotted a red-flag phrase in the audio, that phrase is sent
      (the guard still judges it);
    - else, if the full NLU (`understood_as_red_flag`: what the assistant would make of them
      typed) reads the second recogniser's words (or its second look's) as a red flag, those are
      sent when another hearing is read so too (pocketsphinx's words; when it heard none,
      Whisper's other look, if it heard other words); otherwise one question that gives the
      number ("Is something serious happening?");
    - words that are no emergency but whose audio fits them with an auxiliary flipped, which is
      one, at least as well ("i can pee" / "i can't pee") get the question too;
    - words of pocketsphinx only the full NLU reads as a red flag (not the guard), which the
      second recogniser heard otherwise, in words it does not read so: the same question;
    - a rejected short answer is asked again;
    - other speech marked unclear is not acted on: a misheard "no" must not answer a screening
      question. With no question pending, it gets "Is something serious happening ...? If so,
      call <number> now." ("confirm", check_serious): a yes, silence or an unclear answer gives
      the emergency message. So does a lone yes, no or not sure when nothing was asked: a
      far-away "help" is heard as "no" (make voice-eval, voices and rooms);
    - anything else is sent as heard.
    `names_emergency` is the rule-based guard; `expect_yes_no`: a yes/no question is pending.
    """
    first, second = recognition.text, recognition.alternative

    def understood(words: str) -> bool:
        return understood_as_red_flag is not None and understood_as_red_flag(words)

    first_up = bool(first) and names_emergency(first)
    second_up = bool(second) and names_emergency(second)
    third = recognition.second_look  # the second recogniser's second look (its full window)

    def denied(*hearings: str) -> str:
        """The first of these hearings that denies a red flag, or ""."""
        return next((w for w in hearings if w and denies is not None and denies(w)), "")

    if first_up != second_up:
        # one recogniser heard an emergency, the other the same words negated, or a red flag
        # denied: "Did you say ...?"
        up, down = (first, second) if first_up else (second, first)
        other = down if disagree_on_negation(first, second) else denied(down, third)
        if not other and not negates_a_verb(up) and not (third and names_emergency(third)):
            # nor does any other hearing back it, and one says "not" of something: a negation
            # the recognisers disagree on, in other words ("my tooth fall" / "i didn't flower" for
            # "i didn't fall"; "i fell off a ladder" / "i'm not in any way" for "i'm not numb
            # anywhere", make voice-eval, voices and rooms)
            other = next((w for w in (down, third) if w and negates_a_verb(w)), "")
        if other:
            return Decision("confirm", up, other)

    def sent_unless_doubted(words: str) -> Decision:
        # the emergency rests on an auxiliary ("i can't pee") and the audio fits it negated
        # about as well ("i can pee"): one question, which gives the number
        other = doubted(recognition, words, lambda text: not names_emergency(text), EMERGENCY_DOUBT_MARGIN)
        return Decision("confirm", words, other) if other else Decision("send", words)

    if first_up:
        return sent_unless_doubted(first)
    if second_up:
        return sent_unless_doubted(second)
    # the second look's words, or a red-flag phrase spotted in the audio: the same, unless a
    # hearing denies a red flag
    for words in (third if third not in (first, second) else "", recognition.spotted):
        if words and names_emergency(words):
            other = denied(first, second, third if words != third else "")
            return Decision("confirm", words, other) if other else sent_unless_doubted(words)
    # No words the guard names. The assistant's classifier (the full NLU, as if typed) may read
    # Whisper's words as a red flag: they are sent when the other hearing is read so too, which
    # is pocketsphinx's words, or, when pocketsphinx heard none, Whisper's other look (when its
    # two looks heard the very same words, there is no other). Otherwise the guess rests on words
    # the hearings disagree on ("my legs are ugly" / pocketsphinx's "my left arm" for "my legs
    # aren't weak"; a far-away "my face is fine" heard as "my face is this thing" and, on the
    # second look, "my face is this fine"): one question that gives the number (make
    # voice-eval, voices and rooms)
    read_up = next((w for w in dict.fromkeys((second, third)) if w and w != first and understood(w)), "")
    if read_up:
        others = [first] if first else [w for w in (second, third) if w and w != read_up]
        agreed = all(understood(w) for w in others)
        # nor when a hearing denies a red flag ("i wasn't in an accident" beside "i was a
        # trainer and accident"): the classifier does not weigh negations as the guard does
        if agreed and not denied(*(w for w in (first, second, third) if w != read_up)):
            return Decision("send", read_up)
        return check_serious()
    # the reverse: words heard without an emergency ("i can pee"), which the audio fits about as
    # well negated ("i can't pee"), an emergency
    for words in (first, second):
        other = doubted(recognition, words, names_emergency, BENIGN_DOUBT_MARGIN) if words else ""
        if other:
            return Decision("confirm", other, words)
    if recognition.source == "too_long":
        return Decision("ask_again", TOO_LONG)
    if recognition.rejected:
        return Decision("ask_again")
    if recognition.unclear:
        return Decision("unclear") if expect_yes_no else check_serious()
    if not expect_yes_no and is_bare_answer(recognition.text):
        return check_serious()
    if second and second != first and understood(first):
        # the same the other way: only the classifier reads pocketsphinx's words as a red flag,
        # and Whisper heard other words it does not ("help me about walking" / "tell me about
        # walking": 14 of 34 false emergencies on 777 benign training phrases)
        return check_serious()
    return Decision("send", recognition.text)


def after_confirmation(asked: Decision, answer, names_emergency: Callable[[str], bool]) -> Decision:
    """The answer to a confirmation question (`asked`, kind "confirm"): words naming an emergency
    are sent; a clear "no" sends the other recogniser's words (what the person presumably said),
    or, after "Is something serious happening?", asks them to say it again; "yes", an unclear
    answer, nothing heard, or anything else sends the emergency words: the question leans up.
    Only after "Is something serious happening?" is a clearly heard sentence (no yes or no in
    it) taken as what they meant to say, and sent as heard."""
    from spasm_aid.voice.asr import polarity

    if answer.text and names_emergency(answer.text):
        return Decision("send", answer.text)
    said = answer.text if not answer.rejected and not answer.unclear else ""
    if asked.checks_for_emergency and answer.source == "open" and polarity(said) is None:
        # "Is something serious happening?" answered by saying it again, clearly this time: it
        # goes on like any utterance (its words, or the second recogniser's, may name an emergency)
        again = decide(answer, names_emergency, expect_yes_no=True)
        if again.kind == "send":
            return again
    # only a plain no: "no, I can't move them" leans up like anything else
    if polarity(said) == "no" and len(said.split()) <= 3:
        if asked.checks_for_emergency:  # "nothing serious": what they said is still not known
            return Decision("ask_again", replies.text(replies.VOICE_SAY_AGAIN))
        return Decision("send", asked.other or said)
    return Decision("send", asked.text)


class EmergencyDetector:
    """The assistant's own rule-based red-flag guard, as a yes/no on a text: called, whether the
    words name an emergency; `denies`, whether they deny one ("i didn't fall", "no chest pain")."""

    def __init__(self, guard) -> None:
        self.guard = guard

    def __call__(self, text: str) -> bool:
        return self.guard.detect(text).is_emergency

    def denies(self, text: str) -> bool:
        return bool(text) and self.guard.detect(text).explicitly_denied


def emergency_detector(spacy_model: str = SPACY_MODEL) -> EmergencyDetector:
    """The guard (the path as in config.yml, so a Rasa server shares the guard it already has)."""
    from spasm_aid.red_flags.guard import guard_for

    return EmergencyDetector(guard_for(spacy_model))


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
