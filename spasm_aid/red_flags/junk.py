"""Telling junk from words (issue 14): markup, code, identifiers and keyboard mashing.

The classifier has never seen `<script>alert(1)</script>` or `__proto__` and guesses wildly,
often "red flag". Routing up on doubt is right for words that might describe a symptom; junk
gets the "didn't catch that" reply instead (which names the serious symptoms and the number).
Only messages in which the guard found nothing are judged here, and a message with any word at
or near a symptom word (the lexicon's `junk_symptom_sets`, misspellings within one letter) is
never junk. Measured by `make eval` on tests/eval/junk.yml.
"""
from __future__ import annotations

import re
from typing import Callable, Collection, FrozenSet, List

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from spasm_aid.settings import WELL_KNOWN_EMERGENCY_NUMBERS, emergency_number

# characters of markup, code, templates and identifiers, rare in what a person types or says
CODE_CHARACTERS = frozenset("<>{}[]=;$\\|`^~_#%@&")
CODE_CHARACTER_SHARE = 0.1
# shapes of code: a call "f(", "$(", "../", a URL scheme, SQL comments and queries, shell,
# a bare literal, a dotted identifier
CODE_SHAPES = re.compile(
    r"\w\(|\$\(|\.\./|://|^\s*[a-z]+:[a-z/]|;\s*--|\bselect\b.+\bfrom\b|\brm\s+-|\bfunction\b|\breturn\b"
    r"|^\s*(nan|undefined|null|none|nil)\s*$|^\s*\S+\.\S*[a-z]\S*\s*$",
    re.IGNORECASE,
)
EMERGENCY_NUMBERS = re.compile(rf"\b({'|'.join(WELL_KNOWN_EMERGENCY_NUMBERS)})\b")
KNOWN_SHARE = 0.5  # fewer known words than this share, and no symptom word: random letters


class JunkDetector:
    def __init__(
        self,
        known_words: Collection[str],
        symptom_words: Collection[str],
        correct: Callable[[str], str],
        lemma: Callable[[str], str] = lambda word: word,
    ) -> None:
        self.known_words = known_words
        self.symptom_words: FrozenSet[str] = frozenset(symptom_words)
        self._symptom_list = sorted(self.symptom_words)
        self.correct = correct  # the guard's typo correction
        self.lemma = lemma  # the guard's lemma lookup ("hurts" -> "hurt")

    def near_symptom(self, word: str) -> bool:
        """A symptom word, or an unknown word one letter away from one ("legz", "numm")."""
        if word in self.symptom_words or self.lemma(word) in self.symptom_words:
            return True
        if len(word) < 4 or word in self.known_words:
            return False
        return process.extractOne(word, self._symptom_list, scorer=Levenshtein.distance, score_cutoff=1) is not None

    def known(self, word: str) -> bool:
        if len(word) >= 5 and len(set(word)) <= 2:  # "lololol", "jkjkjkjk": mashing
            return False
        return word in self.known_words or (len(set(word)) >= 3 and self.correct(word) != word)

    def __call__(self, text: str, words: List[str]) -> bool:
        """Is `text` junk? `words`: its lower-case words (contractions expanded)."""
        chars = [c for c in text if not c.isspace()]
        if not chars or EMERGENCY_NUMBERS.search(text) or re.search(rf"\b{re.escape(emergency_number())}\b", text):
            return False
        if not any(c.isalpha() for c in chars):
            return True
        words = [w for w in words if len(w) >= 2]
        if any(self.near_symptom(w) for w in words):
            return False
        if CODE_SHAPES.search(text):
            return True
        if sum(c in CODE_CHARACTERS for c in chars) / len(chars) >= CODE_CHARACTER_SHARE:
            return True
        if not words:
            return len(chars) > 3  # "0x41414141"; "y", "k" or "ok" may be answers
        return sum(map(self.known, words)) / len(words) < KNOWN_SHARE
