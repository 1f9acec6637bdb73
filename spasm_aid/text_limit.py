"""Bounding the length of what the classifier reads, without losing a red flag.

The intent classifier's cost grows with the square of the message length (a 200,000-character
message exhausted its memory in a test), so long messages are cut before it sees them. A red
flag may be anywhere in a long, rambling message, so the parts that raise a flag are kept first.
"""
from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, List

if TYPE_CHECKING:  # the channels' edge imports this module without loading spaCy
    from spasm_aid.red_flags.guard import RedFlagGuard

MAX_CHARS = 1000  # what the classifier reads at most
WINDOW_CHARS = 300  # the size of the pieces a long message is scanned in
# Beyond this nothing is read at all (bounds the work per message, about 1.5 s). Every channel's
# body limit is below it, so each message a channel accepts is read whole (spasm_aid.channels.edge).
MAX_SCANNED_CHARS = 128 * 1024


def _windows(text: str, size: int) -> List[str]:
    pieces, current = [], ""
    for word in re.findall(r"\S+\s*", text):
        if current and len(current) + len(word) > size:
            pieces.append(current)
            current = ""
        current += word[: size]
    if current:
        pieces.append(current)
    return pieces


def limit_text(text: str, guard: "RedFlagGuard", max_chars: int = MAX_CHARS) -> str:
    """`text` itself when short; otherwise at most `max_chars` characters: the pieces that
    raise a flag or ask for help, in order, then the start of the message."""
    if len(text) <= max_chars:
        return text
    windows = _windows(text[:MAX_SCANNED_CHARS], WINDOW_CHARS)
    flagged = [i for i, piece in enumerate(windows) if guard.detect(piece).positive]
    chosen: List[int] = []
    for index in flagged + [i for i in range(len(windows)) if i not in flagged]:
        if sum(len(windows[i]) for i in chosen) + len(windows[index]) > max_chars:
            break
        chosen.append(index)
    return " ".join(windows[i].strip() for i in sorted(chosen))


# Cuts already made, by the text's hash: a channel cuts a long message off the event loop
# (spasm_aid.channels.edge.readable_text) and the pipeline's limiter then finds the cut here
# instead of reading the text again on the loop; the message itself keeps its words.
_CUTS: "OrderedDict[str, str]" = OrderedDict()
_CUTS_LOCK = threading.Lock()
REMEMBERED_CUTS = 256


def _key(text: str, max_chars: int) -> str:
    return f"{max_chars}:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def limit_text_once(text: str, guard: "RedFlagGuard", max_chars: int = MAX_CHARS) -> str:
    """limit_text, remembered for the last REMEMBERED_CUTS long texts."""
    if len(text) <= max_chars:
        return text
    key = _key(text, max_chars)
    with _CUTS_LOCK:
        if key in _CUTS:
            _CUTS.move_to_end(key)
            return _CUTS[key]
    cut = limit_text(text, guard, max_chars)
    with _CUTS_LOCK:
        _CUTS[key] = cut
        while len(_CUTS) > REMEMBERED_CUTS:
            _CUTS.popitem(last=False)
    return cut
