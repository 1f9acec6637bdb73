"""Train the reader's classifier on the project's examples (make setup).

    python -m spasm_aid.reader.train models/reader

Labels: spasm_aid/reader/examples.yml as written; from data/nlu, `red_flag` examples are
reports of the flag the rule-based guard finds in them (help when it finds none), `urgent_flag`
examples are urgent, and every other intent is "other".
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional, Tuple

import numpy as np
import yaml

from spasm_aid.reader.encoder import SentenceEncoder
from spasm_aid.reader.reader import OTHER, QUESTION, REPORT_PREFIX, URGENT, Reader
from spasm_aid.training_data import examples as nlu_examples

EXAMPLES_PATH = Path(__file__).with_name("examples.yml")
# more sentences in the same shape (with an `urgent` list), written from the guidance only
MORE_EXAMPLES_PATH = Path(__file__).with_name("examples_more.yml")
# Regularisation strength of the logistic regression (scikit-learn's C).
STRENGTH = 8.0
RANDOM_STATE = 7


class ExamplesError(ValueError):
    pass


def reader_examples(path: Path = EXAMPLES_PATH) -> List[Tuple[str, str]]:
    """(label, text) from examples.yml."""
    try:
        with open(path, encoding="utf-8") as handle:
            raw = yaml.safe_load(handle)
        found = [(REPORT_PREFIX + flag, str(t)) for flag, texts in raw["report"].items() for t in texts]
        found += [(URGENT, str(t)) for t in raw.get(URGENT) or []]
        found += [(QUESTION, str(t)) for t in raw[QUESTION]]
        found += [(OTHER, str(t)) for t in raw[OTHER]]
    except (OSError, KeyError, TypeError, AttributeError, yaml.YAMLError) as error:
        raise ExamplesError(f"{path}: expected 'report' (flag: sentences), 'question' and 'other' lists: {error}") from error
    return found


def labelled_examples(guard=None) -> List[Tuple[str, str]]:
    """Every training sentence with its label."""
    if guard is None:
        from spasm_aid.paths import SPACY_MODEL
        from spasm_aid.red_flags.guard import guard_for

        guard = guard_for(SPACY_MODEL)
    from spasm_aid.triage import EMERGENCY

    found = reader_examples() + reader_examples(MORE_EXAMPLES_PATH)
    for intent, text in nlu_examples():
        if intent == "red_flag":
            flags = guard.detect(text).flags(EMERGENCY)
            found.append((REPORT_PREFIX + (flags[0] if flags else "help"), text))
        elif intent == "urgent_flag":
            found.append((URGENT, text))
        else:
            found.append((OTHER, text))
    return found


def train(encoder: Optional[SentenceEncoder] = None, examples: Optional[List[Tuple[str, str]]] = None) -> Reader:
    from sklearn.linear_model import LogisticRegression

    encoder = encoder or SentenceEncoder()
    examples = examples if examples is not None else labelled_examples()
    labels = sorted({label for label, _ in examples})
    vectors = encoder.encode([text for _, text in examples])
    targets = np.array([labels.index(label) for label, _ in examples])
    model = LogisticRegression(C=STRENGTH, max_iter=2000, class_weight="balanced", random_state=RANDOM_STATE)
    model.fit(vectors, targets)
    return Reader(encoder, model.coef_, model.intercept_, [labels[i] for i in model.classes_])


def main(argv: Optional[List[str]] = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 1:
        print("usage: python -m spasm_aid.reader.train <folder for the weights>", file=sys.stderr)
        return 2
    path = train().save(Path(args[0]))
    print(f"reader weights written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
