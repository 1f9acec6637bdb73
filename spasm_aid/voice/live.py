"""The live microphone loop of `make voice`: listen, answer, speak, and keep listening while
speaking.

Without hardware echo cancellation the microphone hears the assistant's own voice. So:
- the assistant's speech is never taken for a turn: while a reply plays, what the microphone
  hears is only checked for a spoken command (barge-in), and whatever was being said when the
  reply ends is dropped;
- barge-in: "help" or "emergency", "stop", "repeat" said over a reply stop it at once and are
  answered. A command counts when the answer grammar and the open model agree on it
  (spasm_aid.voice.asr) and the reply being played does not itself say that word (else it may be
  the assistant's own voice, heard back);
- after a confirmation question ("Did you say ...? If you did, call ..."), silence routes up.
Replies play through PortAudio without blocking the loop (sounddevice), a breath-sized part at a
time: the first part plays while the rest is synthesised.
"""
from __future__ import annotations

import logging
import re
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable, List, Optional

logger = logging.getLogger(__name__)

SAMPLE_RATE = 16000
BARGE_IN_COMMANDS = {"help": "help", "help me": "help", "emergency": "help", "stop": "stop", "repeat": "repeat",
                     "say that again": "repeat"}
MAX_BARGE_IN_SECONDS = 2.0  # a command is short; longer speech over a reply is not one
TIMER_CHECK_FRAMES = 100  # about every 3 s of quiet: timers or reminders due?
# About 8 s without speech after a confirmation question (the endpointer's frames are 30 ms).
CONFIRM_SILENCE_FRAMES = 270


class Player:
    """Plays a reply a breath-sized part at a time without blocking the loop: the first part is
    synthesised and starts playing while the next ones are synthesised (sounddevice, PortAudio).
    `stop` silences it at once."""

    def __init__(self) -> None:
        import sounddevice

        self.sounddevice = sounddevice
        self._thread: Optional[threading.Thread] = None
        self._stopped = threading.Event()
        self.first_audio = threading.Event()

    def start(self, parts: Iterable[Callable[[], Path]]) -> None:
        """`parts`: for each part, a function that synthesises it and returns its WAV file."""
        self.stop()
        self._stopped = threading.Event()
        self.first_audio = threading.Event()
        self._thread = threading.Thread(target=self._play, args=(list(parts), self._stopped, self.first_audio),
                                        name="reply-audio", daemon=True)
        self._thread.start()

    def _play(self, parts: List[Callable[[], Path]], stopped: threading.Event, first_audio: threading.Event) -> None:
        import soundfile

        try:
            for make in parts:
                data, rate = soundfile.read(str(make()), dtype="int16")  # synthesised while the last part plays
                self._wait_for_the_part_playing(stopped)
                if stopped.is_set():
                    return
                self.sounddevice.play(data, rate)
                first_audio.set()
            self._wait_for_the_part_playing(stopped)
        except Exception:  # a reply that cannot be played must not stop the listening
            logger.exception("Could not play the reply.")
        finally:
            first_audio.set()

    def _wait_for_the_part_playing(self, stopped: threading.Event) -> None:
        while not stopped.is_set() and self._stream_active():
            time.sleep(0.02)

    def _stream_active(self) -> bool:
        try:
            return bool(self.sounddevice.get_stream().active)
        except RuntimeError:  # nothing played yet
            return False

    @property
    def playing(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self) -> None:
        self._stopped.set()
        self.sounddevice.stop()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(5)


def words_of(text: str) -> List[str]:
    return re.findall(r"[a-z']+", text.lower())


def barge_in_command(recognition: Any, speaking: str) -> Optional[str]:
    """The command said over a reply ("help", "stop", "repeat"), or None: the grammar and the open
    model must agree, and a command the reply itself says is taken for the assistant's own voice."""
    command = BARGE_IN_COMMANDS.get(recognition.text.strip().lower()) if recognition.source == "grammar" else None
    if command is None:
        said = recognition.heard.strip().lower()
        command = BARGE_IN_COMMANDS.get(said) if recognition.source == "open" else None
    if command is None:
        return None
    spoken = set(words_of(speaking))
    if set(words_of(recognition.text or recognition.heard)) & spoken:
        logger.info("Ignored %r over a reply that says it (the assistant's own voice?)", recognition.text)
        return None
    return command


class LiveLoop:
    """One hands-free conversation on a microphone stream (`read(frames) -> (bytes, overflowed)`)."""

    def __init__(self, session: Any, stream: Any, player: Optional[Player] = None,
                 endpointer_factory: Optional[Callable[[], Any]] = None, log: Callable[[str], None] = print) -> None:
        if endpointer_factory is None:
            from pocketsphinx import Endpointer

            endpointer_factory = lambda: Endpointer(sample_rate=SAMPLE_RATE)  # noqa: E731
        self.session, self.stream, self.log = session, stream, log
        self.player = player or Player()
        self.new_endpointer = endpointer_factory
        self.endpointer = endpointer_factory()
        self.speaking = ""  # the text of the reply being played
        self.spoken_at: List[float] = []  # end of speech to first reply audio, seconds, per turn
        self.turns: List[dict] = []
        self.barged_in: List[str] = []
        self._tmp = tempfile.TemporaryDirectory(prefix="spasm-aid-live-")

    def say(self, result: dict, speech_ended: Optional[float] = None) -> None:
        text = self.session.speech_text(result["replies"])
        self.log(f"bot: {text}")
        if not text:
            return
        from spasm_aid.voice.speakable import breath_parts

        folder = Path(tempfile.mkdtemp(dir=self._tmp.name))
        rate = result["rate"]

        def synthesiser(index: int, part: str) -> Callable[[], Path]:
            return lambda: self.session.voice.speak_to_file(part, folder / f"{index}.wav", rate)

        self.player.start(synthesiser(index, part) for index, part in enumerate(breath_parts(text) or [text]))
        self.player.first_audio.wait(30)
        if speech_ended is not None:
            self.spoken_at.append(time.monotonic() - speech_ended)
            self.log(f"(first audio {self.spoken_at[-1]:.2f} s after the end of speech)")
        self.speaking = text

    def _answer_text(self, text: str, speech_ended: float) -> dict:
        """A command heard over a reply, answered as if said on its own."""
        result = self.session.say_text(text)
        self.turns.append(result)
        self.say(result, speech_ended)
        return result

    def _drop_buffered(self, frame_size: int) -> None:
        """Input captured while the reply played and not yet read: the reply itself, heard back."""
        available = getattr(self.stream, "read_available", 0)
        while available >= frame_size:
            self.stream.read(frame_size)
            available -= frame_size

    def run(self, max_seconds: Optional[float] = None) -> int:
        frame_size = self.endpointer.frame_bytes // 2  # samples of 16-bit audio
        utterance, barge, quiet_frames = b"", b"", 0
        was_playing = too_long = False
        started = time.monotonic()
        while max_seconds is None or time.monotonic() - started < max_seconds:
            frame, _ = self.stream.read(frame_size)
            frame = bytes(frame)
            playing = self.player.playing
            if playing:
                # the microphone may be hearing the reply itself: listen only for a command, a
                # short utterance (continuous speech, such as the reply heard back, is dropped
                # unrecognised, which also keeps the loop up with the audio)
                was_playing = True
                speech = self.endpointer.process(frame)
                if speech is not None and not too_long:
                    barge += speech
                    if len(barge) > MAX_BARGE_IN_SECONDS * SAMPLE_RATE * 2:
                        barge, too_long = b"", True
                if not self.endpointer.in_speech:
                    too_long = False
                    if barge:
                        ended = time.monotonic()
                        heard = self.session.voice.recognizer().recognise_command(barge)
                        barge = b""
                        command = barge_in_command(heard, self.speaking)
                        if not command:
                            self.log(f"(over the reply, not taken: {heard.heard!r})")
                        else:
                            self.player.stop()
                            self.barged_in.append(command)
                            self.log(f"(barge-in) heard: {command!r}")
                            self._answer_text(command, ended)
                            if command == "stop":
                                return 0
                continue
            if was_playing:  # the reply has ended: what was heard during it is dropped
                self.log("(reply ended; listening)")
                was_playing, utterance, barge, too_long, quiet_frames = False, b"", b"", False, 0
                self.endpointer = self.new_endpointer()
                self.speaking = ""
                self._drop_buffered(frame_size)
                continue
            quiet_frames = 0 if self.endpointer.in_speech else quiet_frames + 1
            if quiet_frames == CONFIRM_SILENCE_FRAMES:  # no answer to "Did you say ...?": routes up
                later = self.session.silence()
                if later:
                    self.log("(no answer)")
                    self.turns.append(later)
                    self.say(later)
                    continue
            if quiet_frames and quiet_frames % TIMER_CHECK_FRAMES == 0:
                later = self.session.pushed(0)
                if later:
                    self.say(later)
                    continue
            speech = self.endpointer.process(frame)
            if speech is not None:
                utterance += speech
            if not self.endpointer.in_speech and utterance:
                ended = time.monotonic()
                result = self.session.turn(utterance)
                utterance = b""
                self.turns.append(result)
                self.log(f"heard: {result['heard']!r}")
                self.say(result, ended)
                quiet_frames = 0
                if result["sent"] in ("stop", "bye"):
                    while self.player.playing:  # let the goodbye finish
                        time.sleep(0.05)
                    return 0
        return 0
