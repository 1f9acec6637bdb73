"""Offline speech recognition with pocketsphinx, tuned to this dialogue.

Three passes over each utterance (each about 0.05-0.2 s on these machines):
- the assistant's own language model (tools.asr_model) for open answers;
- a small grammar of short answers and commands (yes/no synonyms, help, emergency, repeat,
  slower, faster, stop), used when a yes/no question is pending and for short utterances;
- agreement between the two decides: a sentence goes to the assistant as heard (its red-flag
  guard reads it), a short answer is taken from the grammar, and a short answer the two passes
  disagree on is rejected ("Sorry, was that a yes or a no?") instead of guessed;
- a second opinion on anything not corroborated by the grammar: the same language model through
  a slightly different front end (frequency warping, SECOND_OPINION_WARP). Where the two
  hypotheses mostly disagree the words are unreliable, and the recognition is marked unclear:
  the voice layer then never acts on a guess (see spasm_aid.voice.dialogue.decide);
- a second, independent recogniser (Whisper tiny.en, spasm_aid.voice.second_recogniser) on every
  utterance the answer grammar did not settle: if its words name an emergency, the assistant
  gets them (spasm_aid.voice.dialogue.decide). Two different models rarely lose the same red flag.
  It also scores the red-flag phrases of the training data against the audio and reports one it
  fits (spotted): the last resort when both recognisers' words lose a red flag.
Audio is given a faint noise floor first: digital silence (as in synthetic test speech)
derails pocketsphinx's noise estimation; a real microphone has such a floor anyway.
"""
from __future__ import annotations

import concurrent.futures
import functools
import logging
import os
import queue
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, List, Optional, Tuple

from spasm_aid.paths import ROOT
from spasm_aid.voice.audio import SAMPLE_RATE, RecognitionError, read_wav
from spasm_aid.voice.second_recogniser import Hearing

logger = logging.getLogger(__name__)

DEFAULT_MODEL_DIR = ROOT / "models" / "asr"
NOISE_FLOOR = 0.003  # of full scale
SHORT_UTTERANCE_WORDS = 3
SHORT_UTTERANCE_SECONDS = 1.5  # four "words" heard in less than this is a misheard short answer
# Frequency warp of the second-opinion front end (pocketsphinx inverse_linear: f / 1.1). Small
# enough to hear clear speech the same way, large enough to move a guess made on unclear speech.
SECOND_OPINION_WARP = 1.1
UNCLEAR_DISAGREEMENT = 0.5  # more than half the words differ between the two hypotheses
# Longer utterances are not decoded by pocketsphinx: on a minute of loud noise it took 30 s,
# and recognition is one utterance at a time. Whisper alone still listens to them for a red flag
# (3.8 s on that minute); otherwise the person is asked to say it in a few words.
MAX_UTTERANCE_SECONDS = 30

YES = ("yes", "yeah", "yep", "yup", "sure", "correct", "i do", "i have", "yes please")
NO = ("no", "nope", "nah", "not really", "no thanks", "i don't think so", "none", "nothing", "no i don't")
UNSURE = ("not sure", "i don't know", "maybe")
COMMANDS = ("help", "help me", "emergency", "repeat", "say that again", "slower", "slow down", "faster", "stop")
CALLS_FOR_HELP = ("help", "emergency")
ANSWER_GRAMMAR = "#JSGF V1.0;\ngrammar answers;\npublic <answer> = {};\n".format(
    " | ".join(YES + NO + UNSURE + COMMANDS)
)


@dataclass(frozen=True)
class Recognition:
    text: str  # what to send to the assistant ("" when rejected)
    heard: str  # the open-model hypothesis, for the record
    source: str  # "open", "grammar", "rejected", "too_long" or "unclear" ("unheard" only inside asr)
    # what the warped front end heard, when it was asked (not when Whisper heard the same words)
    second_opinion: str = ""
    alternative: str = ""  # what the second recogniser (Whisper) heard, when it was asked
    # what the second recogniser heard on a second look (its full 30 s window), when the two
    # recognisers disagreed
    second_look: str = ""
    spotted: str = ""  # a red-flag phrase the second recogniser found the audio fits, when it was asked
    # (words heard, the same with one auxiliary negated or un-negated, how much better the audio
    # fits the second: mean log-probability per token), scored by the second recogniser
    contrasts: Tuple[Tuple[str, str, float], ...] = ()

    @property
    def rejected(self) -> bool:
        return self.source in ("rejected", "too_long")

    @property
    def unclear(self) -> bool:
        """Words were heard, but the two front ends disagree on most of them: not to be acted on
        as heard (unless they name an emergency)."""
        return self.source == "unclear"


WHISPER_WINDOW_SECONDS = 30
WINDOW_OVERLAP_SECONDS = 3  # a phrase cut by one window's end is whole in the next


def whisper_windows(pcm: bytes) -> List[bytes]:
    """16 kHz 16-bit PCM in Whisper-sized windows that overlap, covering all of it."""
    size = WHISPER_WINDOW_SECONDS * SAMPLE_RATE * 2
    step = (WHISPER_WINDOW_SECONDS - WINDOW_OVERLAP_SECONDS) * SAMPLE_RATE * 2
    windows = [pcm[start:start + size] for start in range(0, max(len(pcm) - (size - step), 1), step)]
    return windows or [pcm]


def word_edits(first: str, second: str) -> int:
    """Words inserted, deleted or replaced to turn one text into the other (edit distance)."""
    a, b = first.split(), second.split()
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1]


def disagreement(first: str, second: str) -> float:
    """Share of words that differ (word edits over the longer hypothesis)."""
    longer = max(len(first.split()), len(second.split()))
    return word_edits(first, second) / longer if longer else 0.0


def polarity(text: str) -> Optional[str]:
    text = text.strip().lower()
    for name, group in (("unsure", UNSURE), ("no", NO), ("yes", YES), ("command", COMMANDS)):
        if text in group:
            return name
    words = text.split()
    if any(w in ("no", "nope", "nah", "not") for w in words):
        return "no"
    if any(w in ("yes", "yeah", "yep", "yup") for w in words):
        return "yes"
    return None


def calls_for_help(heard: str) -> bool:
    """Whether the open model's words back the grammar's "help" or "emergency". The grammar
    always returns its nearest phrase, so on its own it turns "prevention" into "emergency" and
    "hey there" into "help" (44 of 617 benign training phrases, make voice-eval). When the open
    model heard other words, the utterance goes the way of any other: both recognisers' words,
    and the guard, decide (a real "help" reaches the emergency message through them)."""
    return not heard or any(word in CALLS_FOR_HELP for word in heard.split())


def corroborated(recognition: Recognition, second_words: Optional[str]) -> Recognition:
    """A grammar answer that only the grammar heard ("unheard": the open model heard no words)
    stands when the second recogniser heard the same kind of answer (yes, no, not sure, a
    command); otherwise nothing usable was heard and the speech is unclear, whose reply gives the
    emergency number, instead of a guessed "yes" or "no"."""
    if recognition.source != "unheard":
        return recognition
    kind = polarity(recognition.text)
    if kind is not None and second_words and polarity(second_words) == kind:
        return replace(recognition, source="grammar")
    return replace(recognition, text="", source="unclear")


@functools.lru_cache(maxsize=None)
def _whisper_thread() -> concurrent.futures.ThreadPoolExecutor:
    """Threads for the second recogniser beside pocketsphinx (one per recogniser of a pool;
    each recogniser waits for its own, so a few are enough)."""
    return concurrent.futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="whisper")


def add_noise_floor(pcm: bytes, level: float = NOISE_FLOOR, seed: int = 7) -> bytes:
    import numpy as np

    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.int32)
    amplitude = 32767 * level
    noise = np.random.default_rng(seed).uniform(-amplitude, amplitude, len(samples)).astype(np.int32)
    return np.clip(samples + noise, -32768, 32767).astype("<i2").tobytes()


class SecondLook:
    """Whisper's second look at one utterance (SecondRecogniser.look_again: its full 30 s window
    and spotting, 0.25-0.7 s), taken only when the two recognisers' words differ. Two independent
    recognisers that heard the very same words heard what was said: in make voice-eval spotting
    never changed an outcome when they agreed. When Whisper listened from the start (a sentence),
    the look starts on Whisper's thread as soon as both words are known (after pocketsphinx's
    first pass), while pocketsphinx's second opinion still decodes."""

    def __init__(self, second, pcm: bytes, listening: "Optional[concurrent.futures.Future[str]]" = None) -> None:
        self.second, self.pcm, self.listening = second, pcm, listening
        self.started: "Optional[concurrent.futures.Future[Hearing]]" = None
        self.settled: Optional[threading.Event] = None  # set once the early start was decided

    def after_heard(self, heard: str) -> None:
        """pocketsphinx's first pass heard `heard` (called on its thread)."""
        if self.listening is None:
            raise ValueError("Whisper was not asked to listen to this utterance")
        settled = self.settled = threading.Event()

        def start(listened: "concurrent.futures.Future[str]") -> None:
            try:
                if listened.exception() is None and not (listened.result() and listened.result() == heard):
                    self.started = _whisper_thread().submit(self.second.look_again, self.pcm)
            finally:
                settled.set()

        self.listening.add_done_callback(start)

    def words(self) -> str:
        """What Whisper's listen heard (waits for it)."""
        if self.listening is None:
            raise ValueError("Whisper was not asked to listen to this utterance")
        return self.listening.result()

    def hearing(self, heard: str, words: Optional[str] = None) -> Hearing:
        """The second look's hearing, or an empty one when Whisper's `words` (its listen's, by
        default) are pocketsphinx's `heard`."""
        if self.settled is not None:
            self.settled.wait()
            if self.started is not None:
                return self.started.result()
        if words is None:
            words = self.words()
        return Hearing("", "") if words and words == heard else self.second.look_again(self.pcm)


class Recognizer:
    def __init__(self, model_dir: Path = DEFAULT_MODEL_DIR, second=None) -> None:
        from pocketsphinx import Decoder, get_model_path

        lm, dictionary = Path(model_dir) / "spasm_aid.lm", Path(model_dir) / "spasm_aid.dict"
        if not lm.exists() or not dictionary.exists():
            raise RecognitionError(
                f"No speech model in {model_dir}: build it with 'python -m tools.asr_model {model_dir}' "
                f"(make does this)."
            )
        settings = dict(
            samprate=SAMPLE_RATE,
            hmm=os.path.join(get_model_path(), "en-us", "en-us"),
            lm=str(lm),
            dict=str(dictionary),
            loglevel="FATAL",
        )
        self.decoder = Decoder(**settings)
        self.decoder.add_jsgf_string("answers", ANSWER_GRAMMAR)
        self.warped = Decoder(warp_type="inverse_linear", warp_params=str(SECOND_OPINION_WARP), **settings)
        self.lock = threading.Lock()
        self.second_recogniser, self.degraded = second, None
        if second is None:
            from spasm_aid.voice.second_recogniser import SecondRecogniser, SecondRecogniserError

            try:
                self.second_recogniser = SecondRecogniser()
            except SecondRecogniserError as error:
                # Listening with one recogniser beats not listening at all; said loudly, and
                # the tests fail on it (they expect the second recogniser's words).
                self.degraded = f"Listening without the second recogniser: {error}"
                logger.warning(self.degraded)

    def _decode(self, search: str, pcm: bytes, decoder=None) -> Tuple[str, float]:
        decoder = decoder or self.decoder
        decoder.activate_search(search)
        decoder.start_utt()
        decoder.process_raw(pcm, full_utt=True)
        decoder.end_utt()
        hyp = decoder.hyp()
        return (hyp.hypstr.strip(), hyp.prob) if hyp else ("", 0.0)

    def _checked(self, heard: str, pcm: bytes, confirmed_by: Optional[Callable[[], str]] = None) -> Recognition:
        """The open hypothesis, or unclear when the second opinion mostly disagrees.
        `confirmed_by`: the second recogniser's words (waits for them). When Whisper heard the
        very same words, two independent recognisers agree and the second opinion (a second
        pocketsphinx pass, 0.1 s of a core) is not asked: it could only mark agreed words
        unclear, and it is most of the work left for several speakers at once."""
        if confirmed_by is not None and heard and confirmed_by() == heard:
            return Recognition(heard, heard, "open")
        second, _ = self._decode("_default", pcm, self.warped)
        if disagreement(heard, second) > UNCLEAR_DISAGREEMENT:
            return Recognition(heard, heard, "unclear", second)
        return Recognition(heard, heard, "open", second)

    def recognise(self, pcm: bytes, expect_yes_no: bool = False,
                  names_emergency: Optional[Callable[[str], bool]] = None) -> Recognition:
        """What was said in 16 kHz mono PCM. `names_emergency` (the red-flag guard), when given,
        limits the can/can't check (Recognition.contrasts) to words whose flip changes whether
        they name an emergency: the only ones it can change a decision for (0.17 s each)."""
        if len(pcm) < SAMPLE_RATE // 10:  # under 50 ms: nothing was said
            return Recognition("", "", "rejected")
        # One utterance at a time: the decoders keep state between calls, and the voice
        # connector recognises in worker threads.
        with self.lock:
            if len(pcm) > MAX_UTTERANCE_SECONDS * SAMPLE_RATE * 2:
                logger.info("An utterance of %.0f s: only the second recogniser listens to it.", len(pcm) / 2 / SAMPLE_RATE)
                if self.second_recogniser is None:
                    return Recognition("", "", "too_long")
                # Whisper hears 30 s at a time: it looks at every window of the recording, so a red
                # flag said after the first 30 s of a minute is heard too (issue 31)
                looks = [self.second_recogniser.look_again(window) for window in whisper_windows(pcm)]
                words = " ".join(look.words for look in looks if look.words)
                spotted = next((look.spotted for look in looks if look.spotted), "")
                return Recognition("", "", "too_long", alternative=words, spotted=spotted)
            # A sentence is never settled by the answer grammar, so Whisper listens to it at once,
            # on its own thread, while pocketsphinx decodes (CTranslate2 runs outside Python's
            # lock): the reply waits for the slower of the two, not their sum. A short utterance
            # may be a settled yes or no, for which Whisper is not run at all.
            early = None
            if self.second_recogniser is not None and len(pcm) > SHORT_UTTERANCE_SECONDS * SAMPLE_RATE * 2:
                early = SecondLook(self.second_recogniser, pcm, _whisper_thread().submit(self.second_recogniser.listen, pcm))
            result = self._recognise(add_noise_floor(pcm), expect_yes_no, early.after_heard if early else None,
                                     early.words if early else None)
            if early is None and (result.source == "grammar" or self.second_recogniser is None):
                return corroborated(result, None)  # grammar: a settled short answer
            if early is not None:
                words, look = early.words(), early.hearing(result.heard)
            else:
                words = self.second_recogniser.listen(pcm)
                look = SecondLook(self.second_recogniser, pcm).hearing(result.heard, words)
            contrasts = self._contrasts(pcm, (result.text, words, look.words, look.spotted), names_emergency)
        return replace(corroborated(result, words), alternative=words, second_look=look.words, spotted=look.spotted,
                       contrasts=contrasts)

    def _contrasts(self, pcm: bytes, texts, names_emergency: Optional[Callable[[str], bool]] = None
                   ) -> Tuple[Tuple[str, str, float], ...]:
        """Each text heard with an auxiliary in it, against the same words with it negated (or
        not): "i can't feel my legs" / "i can feel my legs". The acoustic models confuse the two;
        the second recogniser's scores of both, given the audio, say which the audio fits. With
        `names_emergency`, only pairs of which one names an emergency and the other not ("what
        can i take for the pain" / "what can't i take ..." is left alone)."""
        from spasm_aid.voice.dialogue import flipped

        pairs = [(text, other) for text in dict.fromkeys(t for t in texts if t) for other in flipped(text)
                 if names_emergency is None or names_emergency(text) != names_emergency(other)]
        if not pairs:
            return ()
        return tuple((text, other, gain) for (text, other), gain in zip(pairs, self.second_recogniser.contrast(pcm, pairs), strict=True))

    def _recognise(self, pcm: bytes, expect_yes_no: bool, on_heard: Optional[Callable[[str], None]] = None,
                   confirmed_by: Optional[Callable[[], str]] = None) -> Recognition:
        heard, _ = self._decode("_default", pcm)
        if on_heard is not None:
            on_heard(heard)
        words = heard.split()
        seconds = len(pcm) / 2 / SAMPLE_RATE
        if len(words) > SHORT_UTTERANCE_WORDS and seconds > SHORT_UTTERANCE_SECONDS:
            return self._checked(heard, pcm, confirmed_by)  # a sentence: the assistant reads it all, if it is clear
        answer, _ = self._decode("answers", pcm)
        if not heard and not answer:
            return Recognition("", "", "rejected")
        heard_kind, answer_kind = polarity(heard), polarity(answer)
        if answer_kind == "command" and answer.split()[0] in CALLS_FOR_HELP and calls_for_help(heard):
            return Recognition(answer, heard, "grammar")  # always listened for
        if not expect_yes_no:
            if not heard:
                # The open model heard no words: the grammar's nearest phrase is only a guess
                # (a far-away "I can't pee" became "yes"). The second recogniser decides.
                return Recognition(answer, heard, "unheard")
            if heard_kind is not None and heard_kind == answer_kind:
                return Recognition(heard, heard, "open")  # the grammar heard the same kind of answer
            return self._checked(heard, pcm, confirmed_by)
        if answer and heard and heard_kind == answer_kind:
            return Recognition(answer, heard, "grammar")
        return Recognition("", heard, "rejected")  # the two passes disagree: ask again, never guess

    def recognise_file(self, path: Path, expect_yes_no: bool = False) -> Recognition:
        return self.recognise(read_wav(path), expect_yes_no)

    def recognise_command(self, pcm: bytes) -> Recognition:
        """A short utterance heard over the assistant's own reply: pocketsphinx alone (the answer
        grammar and the open model), fast enough to keep up with the microphone."""
        if len(pcm) < SAMPLE_RATE // 10:
            return Recognition("", "", "rejected")
        with self.lock:
            return corroborated(self._recognise(add_noise_floor(pcm), expect_yes_no=False), None)


class RecognizerPool:
    """Several recognisers, each with its own decoders (and its own Whisper), so several speakers
    are heard at once: a recogniser decodes one utterance at a time (its decoders keep state).
    An utterance takes whichever recogniser is free, or waits for the first one to be."""

    def __init__(self, size: int, make=None) -> None:
        if size < 1:
            raise ValueError("a pool needs at least one recogniser")
        make = make or Recognizer
        self.members = [make() for _ in range(size)]
        self.free: "queue.Queue[Recognizer]" = queue.Queue()
        for member in self.members:
            self.free.put(member)

    @property
    def degraded(self) -> Optional[str]:
        return next((m.degraded for m in self.members if m.degraded), None)

    def recognise(self, pcm: bytes, expect_yes_no: bool = False,
                  names_emergency: Optional[Callable[[str], bool]] = None) -> Recognition:
        member = self.free.get()
        try:
            return member.recognise(pcm, expect_yes_no, names_emergency)
        finally:
            self.free.put(member)

    def recognise_file(self, path: Path, expect_yes_no: bool = False) -> Recognition:
        return self.recognise(read_wav(path), expect_yes_no)

    def recognise_command(self, pcm: bytes) -> Recognition:
        member = self.free.get()
        try:
            return member.recognise_command(pcm)
        finally:
            self.free.put(member)
