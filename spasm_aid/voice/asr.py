"""Offline speech recognition with pocketsphinx, tuned to this dialogue.

Three passes over each utterance (each about 0.05-0.2 s on these machines):
- the assistant's own language model (spasm_aid.voice.lm) for open answers;
- a small grammar of short answers and commands (yes/no synonyms, help, emergency, repeat,
  slower, faster, stop), used when a yes/no question is pending and for short utterances;
- agreement between the two decides: a sentence goes to the assistant as heard (its red-flag
  guard reads it), a short answer is taken from the grammar, and a short answer the two passes
  disagree on is rejected ("Sorry, was that a yes or a no?") instead of guessed.
Audio is given a faint noise floor first: digital silence (as in synthetic test speech)
derails pocketsphinx's noise estimation; a real microphone has such a floor anyway.
"""
from __future__ import annotations

import os
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_MODEL_DIR = ROOT / "models" / "asr"
SAMPLE_RATE = 16000
NOISE_FLOOR = 0.003  # of full scale
SHORT_UTTERANCE_WORDS = 3
SHORT_UTTERANCE_SECONDS = 1.5  # four "words" heard in less than this is a misheard short answer

YES = ("yes", "yeah", "yep", "yup", "sure", "correct", "i do", "i have", "yes please")
NO = ("no", "nope", "nah", "not really", "no thanks", "i don't think so", "none", "nothing", "no i don't")
UNSURE = ("not sure", "i don't know", "maybe")
COMMANDS = ("help", "help me", "emergency", "repeat", "say that again", "slower", "slow down", "faster", "stop")
ANSWER_GRAMMAR = "#JSGF V1.0;\ngrammar answers;\npublic <answer> = {};\n".format(
    " | ".join(YES + NO + UNSURE + COMMANDS)
)


class RecognitionError(RuntimeError):
    pass


@dataclass(frozen=True)
class Recognition:
    text: str  # what to send to the assistant ("" when rejected)
    heard: str  # the open-model hypothesis, for the record
    source: str  # "open", "grammar" or "rejected"

    @property
    def rejected(self) -> bool:
        return self.source == "rejected"


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


def read_wav(path: Path) -> bytes:
    """16 kHz mono 16-bit PCM from any WAV (converted with sox when needed)."""
    try:
        with wave.open(str(path)) as w:
            if w.getframerate() == SAMPLE_RATE and w.getnchannels() == 1 and w.getsampwidth() == 2:
                return w.readframes(w.getnframes())
    except (wave.Error, EOFError) as error:
        raise RecognitionError(f"{path} is not a readable WAV file: {error}") from error
    try:
        return subprocess.run(
            ["sox", str(path), "-t", "raw", "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", "-e", "signed-integer", "-"],
            check=True,
            capture_output=True,
        ).stdout
    except FileNotFoundError as error:
        raise RecognitionError("sox is needed to convert audio: apt-get install sox (make does this)") from error
    except subprocess.CalledProcessError as error:
        raise RecognitionError(f"sox could not convert {path}: {error.stderr.decode(errors='replace')[:200]}") from error


def add_noise_floor(pcm: bytes, level: float = NOISE_FLOOR, seed: int = 7) -> bytes:
    import numpy as np

    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.int32)
    amplitude = 32767 * level
    noise = np.random.default_rng(seed).uniform(-amplitude, amplitude, len(samples)).astype(np.int32)
    return np.clip(samples + noise, -32768, 32767).astype("<i2").tobytes()


class Recognizer:
    def __init__(self, model_dir: Path = DEFAULT_MODEL_DIR) -> None:
        from pocketsphinx import Decoder, get_model_path

        lm, dictionary = Path(model_dir) / "spasm_aid.lm", Path(model_dir) / "spasm_aid.dict"
        if not lm.exists() or not dictionary.exists():
            raise RecognitionError(
                f"No speech model in {model_dir}: build it with 'python -m spasm_aid.voice.lm {model_dir}' "
                f"(make does this)."
            )
        self.decoder = Decoder(
            samprate=SAMPLE_RATE,
            hmm=os.path.join(get_model_path(), "en-us", "en-us"),
            lm=str(lm),
            dict=str(dictionary),
            loglevel="FATAL",
        )
        self.decoder.add_jsgf_string("answers", ANSWER_GRAMMAR)

    def _decode(self, search: str, pcm: bytes) -> Tuple[str, float]:
        self.decoder.activate_search(search)
        self.decoder.start_utt()
        self.decoder.process_raw(pcm, full_utt=True)
        self.decoder.end_utt()
        hyp = self.decoder.hyp()
        return (hyp.hypstr.strip(), hyp.prob) if hyp else ("", 0.0)

    def recognise(self, pcm: bytes, expect_yes_no: bool = False) -> Recognition:
        if len(pcm) < SAMPLE_RATE // 10:  # under 50 ms: nothing was said
            return Recognition("", "", "rejected")
        pcm = add_noise_floor(pcm)
        heard, _ = self._decode("_default", pcm)
        words = heard.split()
        seconds = len(pcm) / 2 / SAMPLE_RATE
        if len(words) > SHORT_UTTERANCE_WORDS and seconds > SHORT_UTTERANCE_SECONDS:
            return Recognition(heard, heard, "open")  # a sentence: the assistant reads it all
        answer, _ = self._decode("answers", pcm)
        if not heard and not answer:
            return Recognition("", "", "rejected")
        heard_kind, answer_kind = polarity(heard), polarity(answer)
        if answer_kind == "command" and answer.split()[0] in ("help", "emergency"):
            return Recognition(answer, heard, "grammar")  # always listened for
        if not expect_yes_no:
            return Recognition(heard or answer, heard, "open" if heard else "grammar")
        if answer and heard and heard_kind == answer_kind:
            return Recognition(answer, heard, "grammar")
        return Recognition("", heard, "rejected")  # the two passes disagree: ask again, never guess

    def recognise_file(self, path: Path, expect_yes_no: bool = False) -> Recognition:
        return self.recognise(read_wav(path), expect_yes_no)
