"""The NLU training examples (data/nlu/*.yml), read in one place: the speech recogniser's
language model, the second recogniser's red-flag phrases, the voice evaluation and the tests
all use them."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, List, Optional, Tuple

import yaml

from spasm_aid.paths import ROOT

NLU_DIR = ROOT / "data" / "nlu"
ANNOTATION = re.compile(r"\[([^\]]*)\][({][^)}]*[)}]")  # [text]{"entity": ...} or [text](entity)


class TrainingDataError(ValueError):
    """A training data file cannot be read as Rasa NLU data."""


def examples(paths: Optional[Iterable[Path]] = None) -> List[Tuple[str, str]]:
    """(intent, text) for every example in the files (default: every data/nlu file), in file
    order, with entity annotations reduced to their text."""
    found = []
    for path in sorted(NLU_DIR.glob("*.yml")) if paths is None else paths:
        try:
            with open(path, encoding="utf-8") as handle:
                items = yaml.safe_load(handle)["nlu"] or []
            for item in items:
                if "intent" in item:
                    found += [
                        (item["intent"], ANNOTATION.sub(r"\1", line.strip()[2:].strip()))
                        for line in item["examples"].splitlines()
                        if line.strip().startswith("- ")
                    ]
        except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as error:
            raise TrainingDataError(
                f"{path}: expected Rasa NLU data (nlu: a list of intents, each with its examples) ({error!r})"
            ) from error
    return [(intent, text) for intent, text in found if text]
