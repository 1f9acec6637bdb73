"""The reader: what each sentence of a message says about red flags, from its meaning.

Beside the rule-based guard (spasm_aid/red_flags), which knows the phrasings written into its
lexicon, the reader knows English through a sentence-embedding model (all-MiniLM-L6-v2,
spasm_aid/reader/encoder.py) and a logistic regression trained on the project's examples
(data/nlu and spasm_aid/reader/examples.yml). It reads a message sentence by sentence, so a sign
in the middle of a long story counts and a question at the end does not hide it.

For every sentence it gives the probability that it is:
  report.<flag>  a report of that red flag now (the speaker's, or someone's who is there)
  urgent         an urgent sign (see a doctor today)
  question       a question about a sign
  other          anything else (history, fears, denials, everyday senses, first-aid talk)

The classifier is trained by `python -m spasm_aid.reader.train` (make setup) into
models/reader/; at run time only numpy is used.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from spasm_aid.reader.encoder import SentenceEncoder

REPORT_PREFIX = "report."
URGENT, QUESTION, OTHER = "urgent", "question", "other"
WEIGHTS_FILE = "reader.npz"
MAX_SENTENCES = 16  # a long message is read in at most this many pieces (the rest joined to the last)
MAX_WORDS = 28  # a sentence longer than this is read in clauses as well
SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+|(?<=[.!?])(?=[A-Z])")
CLAUSE_BREAK = re.compile(r",\s+|\s+(?:but|and then|anyway|also|plus|so now|and now)\s+", re.IGNORECASE)


class ReaderModelError(RuntimeError):
    """The reader's trained weights are missing or malformed; the message says what to do."""


def split_sentences(text: str) -> List[str]:
    """The sentences of a message; a very long sentence is also split at commas and joining
    words, so that one clause about a sign is read on its own."""
    pieces: List[str] = []
    for sentence in SENTENCE_END.split(text.strip()):
        sentence = sentence.strip()
        if not sentence:
            continue
        if len(sentence.split()) > MAX_WORDS:
            clauses = [c.strip() for c in CLAUSE_BREAK.split(sentence) if c and c.strip()]
            pieces.extend(_rejoin_short(clauses))
        else:
            pieces.append(sentence)
    if len(pieces) > MAX_SENTENCES:
        pieces = pieces[: MAX_SENTENCES - 1] + [" ".join(pieces[MAX_SENTENCES - 1 :])]
    return pieces


def _rejoin_short(clauses: List[str], min_words: int = 4) -> List[str]:
    """Clauses of fewer than `min_words` words join the next one ("since then, I can't pee")."""
    out: List[str] = []
    carry = ""
    for clause in clauses:
        joined = f"{carry} {clause}".strip()
        if len(joined.split()) < min_words:
            carry = joined
        else:
            out.append(joined)
            carry = ""
    if carry:
        if out:
            out[-1] = f"{out[-1]} {carry}"
        else:
            out.append(carry)
    return out


@dataclass(frozen=True)
class SentenceReading:
    sentence: str
    probabilities: Dict[str, float]

    @property
    def report(self) -> float:
        """Probability that the sentence reports an emergency red flag now."""
        return sum(p for label, p in self.probabilities.items() if label.startswith(REPORT_PREFIX))

    @property
    def flag(self) -> str:
        """The emergency flag this sentence is most like (help included)."""
        reports = {k[len(REPORT_PREFIX) :]: p for k, p in self.probabilities.items() if k.startswith(REPORT_PREFIX)}
        return max(reports, key=reports.__getitem__)

    @property
    def question(self) -> float:
        return self.probabilities.get(QUESTION, 0.0)

    @property
    def urgent(self) -> float:
        return self.probabilities.get(URGENT, 0.0)

    @property
    def other(self) -> float:
        return self.probabilities.get(OTHER, 0.0)


class Reader:
    def __init__(self, encoder: SentenceEncoder, weights: np.ndarray, bias: np.ndarray, labels: Sequence[str]) -> None:
        if weights.shape != (len(labels), encoder_dimension(encoder)) or bias.shape != (len(labels),):
            raise ReaderModelError(f"reader weights {weights.shape} do not fit {len(labels)} labels")
        self.encoder = encoder
        self.weights = weights.astype(np.float32)
        self.bias = bias.astype(np.float32)
        self.labels = list(labels)

    @classmethod
    def load(cls, directory: Path, encoder: Optional[SentenceEncoder] = None) -> "Reader":
        path = Path(directory) / WEIGHTS_FILE
        try:
            with np.load(path) as data:
                weights, bias = data["weights"], data["bias"]
                labels = json.loads(str(data["labels"]))
        except (OSError, KeyError, ValueError) as error:
            raise ReaderModelError(
                f"{path}: the reader's weights are missing or malformed ({error}); run `make setup` "
                "(python -m spasm_aid.reader.train models/reader)"
            ) from error
        return cls(encoder or SentenceEncoder(), weights, bias, labels)

    def save(self, directory: Path) -> Path:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / WEIGHTS_FILE
        np.savez(path, weights=self.weights, bias=self.bias, labels=np.array(json.dumps(self.labels)))
        return path

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        scores = vectors @ self.weights.T + self.bias
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        return scores / scores.sum(axis=1, keepdims=True)

    def read_sentences(self, sentences: Sequence[str]) -> List[SentenceReading]:
        if not sentences:
            return []
        probs = self.probabilities(self.encoder.encode(sentences))
        return [
            SentenceReading(s, {label: float(p) for label, p in zip(self.labels, row, strict=True)})
            for s, row in zip(sentences, probs, strict=True)
        ]

    def read(self, text: str) -> List[SentenceReading]:
        return self.read_sentences(split_sentences(text))


def encoder_dimension(encoder: SentenceEncoder) -> int:
    return int(encoder.weights["embeddings.word_embeddings.weight"].shape[1])


@lru_cache(maxsize=2)
def reader_for(directory: str) -> Reader:
    """One reader per weights folder, shared by every caller in the process."""
    from spasm_aid.settings import PROJECT_ROOT

    path = Path(directory)
    if not path.is_absolute() and not path.exists():
        path = PROJECT_ROOT / path
    return Reader.load(path)


def strongest(readings: Sequence[SentenceReading], key) -> Tuple[Optional[SentenceReading], float]:
    """The reading with the highest value of `key`, and that value."""
    if not readings:
        return None, 0.0
    best = max(readings, key=key)
    return best, float(key(best))
