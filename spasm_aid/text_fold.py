"""One folding of Unicode text for every reader (the guard, its junk and symptom checks, the
classifier, the reader), so that a red flag is read the same however it was typed: "I can't
feel my l\u00e9gs", a soft hyphen or zero-width space inside a word, fullwidth or mathematical
"fancy" letters, or a Cyrillic "\u0435" for "e" (issue 31).

Steps, in order:
1. NFKC: fullwidth, mathematical, ligature and circled letters become plain ones.
2. Format characters go (Unicode category Cf: soft hyphen, zero-width space and joiners, word
   joiner, byte-order mark, direction marks): they are invisible and split words.
3. Letters of other scripts that Unicode's confusables table lists as looking like a Latin letter
   become that letter (confusable-homoglyphs ships the consortium's table).
4. Accents are dropped (NFKD, then combining marks removed): "l\u00e9gs" -> "legs".

The result is plain text; ASCII text comes back unchanged, so folding is safe to repeat.
"""
from __future__ import annotations

import functools
import unicodedata
from typing import Dict


@functools.lru_cache(maxsize=1)
def _latin_lookalikes() -> Dict[str, str]:
    """Non-ASCII characters that look like one ASCII letter, from Unicode's confusables table."""
    from confusable_homoglyphs.confusables import confusables_data

    table: Dict[str, str] = {}
    for char, homoglyphs in confusables_data.items():
        if len(char) != 1 or char.isascii():
            continue
        letters = [h["c"] for h in homoglyphs if len(h["c"]) == 1 and h["c"].isascii() and h["c"].isalpha()]
        if letters:
            table[char] = letters[0]
    return table


def fold_text(text: str) -> str:
    """The text as every reader reads it (see the module docstring); ASCII is returned as is."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", text)
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    lookalikes = _latin_lookalikes()
    text = "".join(lookalikes.get(char, char) if not char.isascii() else char for char in text)
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(char for char in decomposed if not unicodedata.combining(char)))


__all__ = ["fold_text"]
