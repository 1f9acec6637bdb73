"""Ways a red flag reaches the assistant typed otherwise than in plain ASCII (issue 31): accents,
invisible characters inside words, fullwidth and mathematical letters, look-alike letters of
other scripts, odd spaces, and a slash command in front. Each is a pure function of the text, so
the same disguises serve the property-based tests and `make fuzz`."""
from __future__ import annotations

import unicodedata
from typing import Callable, Dict

from hypothesis import strategies as st

_ACCENTED = {"a": "\u00e1", "e": "\u00e9", "i": "\u00ef", "o": "\u00f6", "u": "\u00fc"}
# Cyrillic and Greek letters that look like Latin ones (a few of Unicode's confusables)
_LOOKALIKES = {"a": "\u0430", "c": "\u0441", "e": "\u0435", "o": "\u043e", "p": "\u0440", "x": "\u0445",
               "y": "\u0443", "i": "\u0456", "s": "\u0455", "v": "\u03bd", "h": "\u04bb"}
INVISIBLE = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
COMMANDS = ["/restart ", "/start ", "/stop ", "/repeat ", "/help ", "/get_started ", "/start@SpasmAidBot "]


def accents(text: str) -> str:
    """Every vowel accented: "I can't feel my l\u00e9gs"."""
    return "".join(_ACCENTED.get(c, c) for c in text)


def combining_accents(text: str) -> str:
    """An accent as a separate combining mark after each vowel (how some keyboards send it)."""
    return "".join(c + "\u0301" if c in _ACCENTED else c for c in text)


def invisible(text: str, char: str = "\u00ad") -> str:
    """An invisible character in the middle of every word of three letters or more."""
    return " ".join(w[: len(w) // 2] + char + w[len(w) // 2:] if len(w) >= 3 else w for w in text.split(" "))


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _mathematical(text: str, style: str) -> str:
    out = []
    for c in text:
        if c.isascii() and c.isalpha():
            name = f"MATHEMATICAL {style} {'CAPITAL' if c.isupper() else 'SMALL'} {c.upper()}"
            try:
                out.append(unicodedata.lookup(name))
                continue
            except KeyError:
                pass
        out.append(c)
    return "".join(out)


def bold(text: str) -> str:
    return _mathematical(text, "BOLD")


def script(text: str) -> str:
    return _mathematical(text, "BOLD SCRIPT")


def lookalikes(text: str) -> str:
    """Latin letters swapped for Cyrillic or Greek ones that look the same."""
    return "".join(_LOOKALIKES.get(c, c) for c in text)


def odd_spaces(text: str) -> str:
    return text.replace(" ", "\u00a0")


DISGUISES: Dict[str, Callable[[str], str]] = {
    "accents": accents, "combining_accents": combining_accents, "soft_hyphen": invisible,
    "zero_width_space": lambda t: invisible(t, "\u200b"), "word_joiner": lambda t: invisible(t, "\u2060"),
    "fullwidth": fullwidth, "bold": bold, "script": script, "lookalikes": lookalikes, "odd_spaces": odd_spaces,
}


@st.composite
def disguised(draw, text_strategy, command=None):
    """A text with one or two disguises applied, and a slash command in front: always (True),
    never (False) or sometimes (None)."""
    text = draw(text_strategy)
    for name in draw(st.lists(st.sampled_from(sorted(DISGUISES)), min_size=1, max_size=2, unique=True)):
        text = DISGUISES[name](text)
    if command or (command is None and draw(st.booleans())):
        text = draw(st.sampled_from(COMMANDS)) + text
    return text
