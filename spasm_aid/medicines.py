"""Which pain-relief answer fits what the person asked (clinical-guidance section 4).

Pure functions over the table in medicines.yml: the medicine named (brand names and typos
included), whether it is for a child or teenager, and, with pregnancy known, the one version
of the answer to give. The answers themselves are domain responses.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional, Tuple

import yaml

from spasm_aid.text_fold import fold_text

TABLE_PATH = Path(__file__).with_name("medicines.yml")
PREGNANCY = "pregnancy"
CHILD = "child"
# a word this long, one typo from a listed name, still names it ("ibuprofan", "tylenoll")
TYPO_MIN_LENGTH = 6
TYPO_CUTOFF = 0.84
# "14 year old", "14-year-old" (hyphens are spaces by then), "14yo"; not "10 years ago"
AGE = re.compile(r"\b(\d{1,2}) ?(?:(?:years?|yrs?) old|yo)\b")
# "my son", "a teenager"; not "her daughter", which is how a helper names herself
POSSESSIVES = ("my", "our", "a", "the", "your")


class MedicinesTableError(ValueError):
    """medicines.yml is not as expected; the message names the file and the entry."""


@dataclass(frozen=True)
class MedicinesTable:
    names: Dict[str, Tuple[str, ...]]  # medicine id -> the words for it
    child_words: Tuple[str, ...]
    children_alone: Tuple[str, ...]
    under_age: int
    precedence: Tuple[str, ...]
    without_cautions: Tuple[str, ...]
    single_words: Dict[str, str]  # each one-word name -> its medicine (for typo matching)


@lru_cache(maxsize=None)
def load_table(path: Optional[str] = None) -> MedicinesTable:
    source = Path(path) if path else TABLE_PATH
    with open(source, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    return _parse(raw, str(source))


def _parse(raw: dict, source: str) -> MedicinesTable:
    try:
        names = {medicine: tuple(str(w).lower() for w in words) for medicine, words in raw["medicines"].items()}
        children = raw["children"]
        table = MedicinesTable(
            names=names,
            child_words=tuple(children["after_possessive"]),
            children_alone=tuple(str(w).lower() for w in children["alone"]),
            under_age=int(children["under_age"]),
            precedence=tuple(raw["precedence"]),
            without_cautions=tuple(raw["answered_without_cautions"]),
            single_words={w: medicine for medicine, words in names.items() for w in words if " " not in w},
        )
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise MedicinesTableError(
            f"{source}: expected 'medicines' (id: [words]), 'children' (after_possessive, alone, "
            f"under_age), 'precedence' and 'answered_without_cautions' ({error!r})"
        ) from error
    known = set(names) | {CHILD, PREGNANCY}
    for entry in (*table.precedence, *table.without_cautions):
        if entry not in known:
            raise MedicinesTableError(f"{source}: {entry!r} is neither a medicine of 'medicines' nor child/pregnancy")
    missing = known - set(table.precedence)
    if missing:
        raise MedicinesTableError(f"{source}: 'precedence' must list {sorted(missing)} too")
    return table


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"[a-z0-9]+", fold_text(text).lower())) + " "


def _names_word(said: str, word: str) -> bool:
    return f" {word} " in said


def _single_word_typos(said: str, table: MedicinesTable) -> Dict[str, str]:
    """Listed one-word names, by the said word that is one typo from it."""
    single = table.single_words
    long_names = [w for w in single if len(w) >= TYPO_MIN_LENGTH]
    found: Dict[str, str] = {}
    for token in said.split():
        if len(token) < TYPO_MIN_LENGTH or token in single:
            continue
        close = difflib.get_close_matches(token, long_names, n=1, cutoff=TYPO_CUTOFF)
        if close:
            found[token] = single[close[0]]
    return found


def medicines_named(text: str, table: Optional[MedicinesTable] = None) -> Tuple[str, ...]:
    """The medicines a message names, in the table's order."""
    table = table or load_table()
    said = _words(text)
    named = {m for m, words in table.names.items() if any(_names_word(said, w) for w in words)}
    named |= set(_single_word_typos(said, table).values())
    return tuple(m for m in table.names if m in named)


def for_a_child(text: str, table: Optional[MedicinesTable] = None) -> bool:
    """'can my son take aspirin', 'for a 14 year old', 'is it ok for kids'."""
    table = table or load_table()
    said = _words(text)
    if any(_names_word(said, w) for w in table.children_alone):
        return True
    if any(_names_word(said, f"{p} {w}") for p in POSSESSIVES for w in table.child_words):
        return True
    return any(int(age) < table.under_age for age in AGE.findall(said))


def answer_variant(text: str, pregnant: bool = False, table: Optional[MedicinesTable] = None) -> Optional[str]:
    """The one version of the pain-relief answer for this question, or None for the general one."""
    table = table or load_table()
    applies = set(medicines_named(text, table))
    if for_a_child(text, table):
        applies.add(CHILD)
    if pregnant:
        applies.add(PREGNANCY)
    return next((variant for variant in table.precedence if variant in applies), None)


def needs_no_cautions(variant: Optional[str], table: Optional[MedicinesTable] = None) -> bool:
    """A child's medicine or a muscle relaxant: the answer is 'ask first' without the questions."""
    return variant in (table or load_table()).without_cautions
