"""Build the speech recogniser's language model from the assistant's own training data.

The general English model that ships with pocketsphinx heard "I can't feel my legs" as "I can
feel my legs" in a test: a negation lost is an emergency missed. A small model of what people
say to this assistant (data/nlu) makes those phrases far more likely. It is written as an ARPA
trigram model with absolute discounting, with a dictionary of just its words.

    python -m tools.asr_model models/asr
"""
from __future__ import annotations

import argparse
import math
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, Iterable, List

from spasm_aid.paths import ROOT
from spasm_aid.training_data import examples

EXTRA_DICT = Path(__file__).with_name("asr_extra.dict")
DISCOUNT = 0.5
VOICE_WEIGHT = 5  # each voice command counts as five training sentences
RED_FLAG_WEIGHT = 3  # and each red-flag example as three

DIGITS = "zero one two three four five six seven eight nine".split()
SPELLING = {
    "dont": "don't", "cant": "can't", "im": "i'm", "ive": "i've", "thats": "that's", "havent": "haven't",
    "couldnt": "couldn't", "isnt": "isn't", "wasnt": "wasn't", "didnt": "didn't", "doesnt": "doesn't",
    "wont": "won't", "whats": "what's", "its": "it's", "youre": "you're",
}
# Said to the assistant by voice, beyond what the text training data holds.
VOICE_PHRASES = [
    "yes", "no", "yeah", "yep", "nope", "nah", "help", "help me", "emergency", "repeat", "say that again",
    "slower", "slow down", "faster", "speed up", "stop", "start over", "not sure", "i don't know",
    "set a timer", "cancel the timer", "ice timer", "heat timer", "remind me to walk",
]


def words_of(text: str) -> List[str]:
    words: List[str] = []
    for word in re.findall(r"[a-z0-9']+", text.lower()):
        word = SPELLING.get(word, word)
        if word.isdigit():
            words.extend(DIGITS[int(d)] for d in word)
        else:
            words.append(word)
    return words


def training_sentences(root: Path = ROOT) -> List[List[str]]:
    sentences = [words_of(text) for _, text in examples(sorted((root / "data" / "nlu").glob("*.yml")))]
    # What matters most is heard best: spoken commands and the red-flag examples count more.
    sentences += [words_of(p) for p in VOICE_PHRASES] * VOICE_WEIGHT
    sentences += red_flag_sentences(root) * (RED_FLAG_WEIGHT - 1)
    return [s for s in sentences if s]


def red_flag_sentences(root: Path = ROOT) -> List[List[str]]:
    return [words_of(text) for intent, text in examples([root / "data" / "nlu" / "red_flags.yml"]) if intent == "red_flag"]


def load_dictionary(path: Path) -> Dict[str, List[str]]:
    """word -> pronunciations (a word may have several: "word(2)")."""
    entries: Dict[str, List[str]] = defaultdict(list)
    for line in open(path, encoding="utf-8"):
        if line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) >= 2:
            entries[re.sub(r"\(\d+\)$", "", parts[0])].append(" ".join(parts[1:]))
    return entries


def build(sentences: Iterable[List[str]], dictionary: Dict[str, List[str]]):
    """(arpa text, dictionary lines, skipped words): sentences with unknown words are left out.

    A trigram model with absolute discounting, each order backing off to the one below:
    P(c|a b) = max(n(a b c) - D, 0) / n(a b) + D * |{c: n(a b c) > 0}| / n(a b) * P(c|b).
    """
    kept: List[List[str]] = []
    skipped: Counter[str] = Counter()
    for sentence in sentences:
        unknown = [w for w in sentence if w not in dictionary]
        if unknown:
            skipped.update(unknown)
        else:
            kept.append(["<s>"] + sentence + ["</s>"])
    unigrams = Counter(w for s in kept for w in s if w != "<s>")
    bigrams = Counter((a, b) for s in kept for a, b in zip(s, s[1:], strict=False))
    trigrams = Counter((a, b, c) for s in kept for a, b, c in zip(s, s[1:], s[2:], strict=False))
    vocab = sorted(set(unigrams) | {"<s>"})
    predicted = [w for w in vocab if w != "<s>"]  # <s> is never predicted
    total = sum(unigrams.values())
    p_uni = {w: (unigrams[w] + 1) / (total + len(predicted)) for w in predicted}

    def discounted(counts: Counter, lower) -> tuple:
        """Probabilities of the seen n-grams and the backoff weight of each context."""
        followers: Dict[tuple, Dict[str, int]] = defaultdict(dict)
        for gram, count in counts.items():
            followers[gram[:-1]][gram[-1]] = count
        probs: Dict[tuple, float] = {}
        backoffs: Dict[tuple, float] = {}
        for context, nexts in followers.items():
            n = sum(nexts.values())
            weight = DISCOUNT * len(nexts) / n
            for word, count in nexts.items():
                probs[context + (word,)] = (count - DISCOUNT) / n + weight * lower(context, word)
            seen = sum(probs[context + (w,)] for w in nexts)
            seen_lower = sum(lower(context, w) for w in nexts)
            backoffs[context] = (1 - seen) / max(1e-9, 1 - seen_lower)
        return probs, backoffs

    p_bi, bo_uni = discounted(bigrams, lambda context, word: p_uni[word])
    p_tri, bo_bi = discounted(trigrams, lambda context, word: p_bi[(context[-1], word)])

    lines = ["\\data\\", f"ngram 1={len(vocab)}", f"ngram 2={len(p_bi)}", f"ngram 3={len(p_tri)}", "", "\\1-grams:"]
    for w in vocab:
        prob = -99.0 if w == "<s>" else math.log10(p_uni[w])
        bo = f" {math.log10(bo_uni[(w,)]):.4f}" if (w,) in bo_uni else ""
        lines.append(f"{prob:.4f} {w}{bo}")
    lines += ["", "\\2-grams:"]
    for gram, prob in sorted(p_bi.items()):
        bo = f" {math.log10(bo_bi[gram]):.4f}" if gram in bo_bi else ""
        lines.append(f"{math.log10(prob):.4f} {' '.join(gram)}{bo}")
    lines += ["", "\\3-grams:"]
    for gram, prob in sorted(p_tri.items()):
        lines.append(f"{math.log10(prob):.4f} {' '.join(gram)}")
    lines += ["", "\\end\\", ""]
    dict_lines = []
    for word in vocab:
        if word in ("<s>", "</s>"):
            continue
        for i, phones in enumerate(dictionary[word]):
            dict_lines.append(f"{word if i == 0 else f'{word}({i + 1})'} {phones}")
    return "\n".join(lines), "\n".join(dict_lines) + "\n", skipped


def main(argv=None) -> int:
    from pocketsphinx import get_model_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "models" / "asr"))
    args = parser.parse_args(argv)
    dictionary = load_dictionary(Path(get_model_path()) / "en-us" / "cmudict-en-us.dict")
    for word, phones in load_dictionary(EXTRA_DICT).items():
        dictionary[word] = phones + [p for p in dictionary.get(word, []) if p not in phones]
    arpa, dict_text, skipped = build(training_sentences(), dictionary)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "spasm_aid.lm").write_text(arpa)
    (out / "spasm_aid.dict").write_text(dict_text)
    print(f"language model written to {out} ({len(dict_text.splitlines())} pronunciations); "
          f"left out sentences with unknown words: {dict(skipped.most_common(10))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
