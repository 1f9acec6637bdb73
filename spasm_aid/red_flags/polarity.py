"""Negation words and one-auxiliary flips ("i can pee" <-> "i can't pee"), shared by the voice
layer (the recognisers confuse "can" and "can't") and the reader (a sentence embedding hardly
tells a sentence from its negation: "i can feel my legs" reads almost like "i can't feel my
legs"). Plain functions, no models."""
from __future__ import annotations

import re
from typing import Dict, List

# Words that negate what follows or precedes them.
NEGATIONS = frozenset({"not", "no", "never", "nothing", "none", "nobody", "cannot", "without"})


def negations(text: str) -> List[str]:
    words = re.findall(r"[a-z']+", text.lower().replace("\u2019", "'"))
    return sorted(w for w in words if w in NEGATIONS or w.endswith("n't") or w.endswith("nt") and w[:-2] + "n't" in FLIPS)


# Auxiliaries and their negations: one word apart. "had" and "fell" have their negation in other
# words: "i had a fall" / "i haven't had a fall", "i didn't fall".
_NEGATED = {
    "can": ["can't"], "could": ["couldn't"], "did": ["didn't"], "do": ["don't"], "does": ["doesn't"], "is": ["isn't"],
    "are": ["aren't"], "was": ["wasn't"], "were": ["weren't"], "will": ["won't"],
    "have": ["haven't", "don't have"], "has": ["hasn't", "doesn't have"], "had": ["haven't had", "didn't have", "hadn't"],
    "fell": ["didn't fall"],
}
FLIPS: Dict[str, List[str]] = {word: list(negated) for word, negated in _NEGATED.items()}
for _word, _negated in _NEGATED.items():
    for _single in (n for n in _negated if " " not in n):
        FLIPS.setdefault(_single, [_word])
FLIPS["cannot"] = ["can"]
MAX_FLIPS = 4  # variants per text at most (one batch of a scorer)


def flipped(text: str) -> List[str]:
    """The text with its first auxiliary turned into its negation or back ("i can pee" -> "i
    can't pee", "i had a fall" -> "i haven't had a fall"), at most MAX_FLIPS variants."""
    words = text.split()
    for i, word in enumerate(words):
        if word in FLIPS:
            return [" ".join(words[:i] + [other] + words[i + 1:]) for other in FLIPS[word]][:MAX_FLIPS]
    return []


def negated_variants(sentence: str) -> List[str]:
    """The sentence said the other way round, when it negates nothing and has an auxiliary to
    negate ("I can feel my legs." -> ["i can't feel my legs."]); [] otherwise."""
    lowered = re.sub(r"\s+", " ", sentence.lower().replace("\u2019", "'")).strip()
    if negations(lowered):
        return []
    return flipped(lowered)
