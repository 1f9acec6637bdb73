"""Turning a reply into what a speech synthesiser should say, in breath-sized parts.

Replies are written for reading; spoken, "15-20 minutes" must be "15 to 20 minutes", an
abbreviation must be words, markup and emoji must go, and a long reply must come in short
parts so that a person lying on the floor can follow (and say "repeat" after any of them).
"""
from __future__ import annotations

import re
import unicodedata
from typing import List

from spasm_aid.settings import WELL_KNOWN_EMERGENCY_NUMBERS, emergency_number

MAX_WORDS_PER_PART = 22  # about one breath at a calm speaking rate

ABBREVIATIONS = {
    r"\bOTC\b": "over the counter",
    r"\bNSAIDs\b": "anti-inflammatories",
    r"\bNSAID\b": "anti-inflammatory",
    r"\bGP\b": "family doctor",
    r"\bA&E\b": "the emergency department",
    r"\bER\b": "the emergency room",
    r"\be\.g\.": "for example",
    r"\bi\.e\.": "that is",
    r"\betc\.": "and so on",
    r"\bmins?\b": "minutes",
    r"\bhrs?\b": "hours",
    r"\bapprox\.": "about",
}


def _is_emoji_or_symbol(char: str) -> bool:
    category = unicodedata.category(char)
    return category in ("So", "Sk", "Cs", "Co") or 0x1F000 <= ord(char) <= 0x1FAFF


def speakable(text: str) -> str:
    """The reply as plain words: ranges, abbreviations, emergency numbers, no markup."""
    text = re.sub(r"<[^>]+>", " ", text)  # HTML or SSML tags
    text = re.sub(r"[*_`#>]+", " ", text)  # markdown emphasis, headings, quotes
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [label](link)
    text = "".join(" " if _is_emoji_or_symbol(c) else c for c in text)
    text = re.sub(r"(\d+)\s*[-\u2013\u2014]\s*(\d+)", r"\1 to \2", text)  # 15-20 -> 15 to 20
    text = re.sub(r"(\d+)\s*%", r"\1 percent", text)
    for pattern, words in ABBREVIATIONS.items():
        text = re.sub(pattern, words, text)
    # An emergency number is said digit by digit: "nine one one", not "nine hundred and eleven".
    text = re.sub(rf"\b({'|'.join(WELL_KNOWN_EMERGENCY_NUMBERS)})\b", lambda m: " ".join(m.group(1)), text)
    # the configured number, when it is not one of those ("Call 15 now", "dial 1122")
    text = re.sub(rf"\b(call|dial|ring|phone)(\s+)({re.escape(emergency_number())})\b",
                  lambda m: m.group(1) + m.group(2) + " ".join(m.group(3)), text, flags=re.IGNORECASE)
    text = text.replace("&", " and ")
    return re.sub(r"\s+", " ", text).strip()


def breath_parts(text: str, max_words: int = MAX_WORDS_PER_PART) -> List[str]:
    """Split a reply into parts of at most `max_words` words, at sentence ends, then commas."""
    parts: List[str] = []
    for line in speakable_lines(text):
        for sentence in re.split(r"(?<=[.!?])\s+", line):
            words = sentence.split()
            while len(words) > max_words:
                cut = _comma_cut(words, max_words)
                parts.append(" ".join(words[:cut]))
                words = words[cut:]
            if words:
                parts.append(" ".join(words))
    return parts


def speakable_lines(text: str) -> List[str]:
    return [speakable(line) for line in text.splitlines() if speakable(line)]


def _comma_cut(words: List[str], max_words: int) -> int:
    for i in range(max_words, max_words // 2, -1):
        if words[i - 1].endswith((",", ";", ":")):
            return i
    return max_words
