"""The voice service shared by the hands-free loop (`make voice`) and the voice connector of the
Rasa server: hear a recording (recognise, then decide what to do with it) and turn replies into
speech. The engines load on first use, once, whichever thread asks first: a Rasa server loads
them only if a voice client calls."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Optional, Tuple, Union

from spasm_aid.voice.dialogue import Decision, after_confirmation, decide
from spasm_aid.voice.speakable import breath_parts

if TYPE_CHECKING:  # loaded on first use: the speech engines take seconds
    from spasm_aid.voice.asr import Recognition, Recognizer, RecognizerPool
    from spasm_aid.voice.tts import Speaker


class VoiceService:
    def __init__(
        self,
        recognizer: Union[Recognizer, RecognizerPool, None] = None,
        names_emergency: Optional[Callable[[str], bool]] = None,
        speaker: Optional[Speaker] = None,
        understood_as_red_flag: Optional[Callable[[str], bool]] = None,
    ) -> None:
        self._recognizer: Union[Recognizer, RecognizerPool, None] = recognizer
        self._names_emergency = names_emergency
        # the full NLU's reading of words (the assistant's, as if typed): the Rasa server's own
        # model in the voice connector, the connector's /understand route for `make voice`
        self.understood_as_red_flag = understood_as_red_flag
        self._speaker = speaker
        self._loading = threading.Lock()

    # --- the engines, loaded once ---------------------------------------------------------------
    def recognizer(self) -> Union[Recognizer, RecognizerPool]:
        with self._loading:
            if self._recognizer is None:
                from spasm_aid import settings
                from spasm_aid.voice.asr import Recognizer, RecognizerPool

                size = settings.voice_recognisers()
                self._recognizer = RecognizerPool(size) if size > 1 else Recognizer()
            return self._recognizer

    def names_emergency(self, text: str) -> bool:
        """Do these words name an emergency? The assistant's own rule-based guard."""
        with self._loading:
            if self._names_emergency is None:
                from spasm_aid.voice.dialogue import emergency_detector

                self._names_emergency = emergency_detector()
            names_emergency = self._names_emergency
        return names_emergency(text)

    def denies(self, text: str) -> bool:
        """Do these words deny a red flag ("i didn't fall")? The guard, when it can tell (a
        plain yes/no callable given instead of it cannot)."""
        self.names_emergency("")  # loads the guard
        denies = getattr(self._names_emergency, "denies", None)
        return bool(denies and denies(text))

    def speaker(self) -> Speaker:
        with self._loading:
            if self._speaker is None:
                from spasm_aid.voice.tts import Speaker

                self._speaker = Speaker()
            return self._speaker

    def load(self) -> None:
        """Load the recogniser and the guard now (before the first utterance, which must not wait)."""
        self.recognizer()
        self.names_emergency("")

    # --- hearing ------------------------------------------------------------------------------------
    def hear(self, pcm: bytes, expect_yes_no: bool = False, confirming: Optional[Decision] = None,
             understood_as_red_flag: Optional[Callable[[str], bool]] = None) -> Tuple[Recognition, Decision]:
        """What was heard in 16 kHz mono PCM, and what to do with it (spasm_aid.voice.dialogue.decide);
        `confirming`: the confirmation question just asked, which this utterance answers."""
        if confirming is not None:
            recognition = self.recognizer().recognise(pcm, expect_yes_no=True, names_emergency=self.names_emergency)
            return recognition, after_confirmation(confirming, recognition, self.names_emergency)
        recognition = self.recognizer().recognise(pcm, expect_yes_no, self.names_emergency)
        return recognition, decide(recognition, self.names_emergency, understood_as_red_flag or self.understood_as_red_flag,
                                    expect_yes_no, self.denies)

    # --- speaking -----------------------------------------------------------------------------------
    @staticmethod
    def speech_text(messages: Iterable[dict]) -> str:
        """The replies as one speakable text, a breath-sized part at a time."""
        return " ".join(part for m in messages if m.get("text") for part in breath_parts(m["text"]))

    def speak_to_file(self, text: str, path: Path, rate: int) -> Path:
        return self.speaker().to_file(text, path, rate=rate)
