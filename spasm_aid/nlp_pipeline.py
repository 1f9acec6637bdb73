"""Build the project's own spaCy pipeline: blank English plus a lookup lemmatizer.

Official spaCy models are downloaded from GitHub, which these machines cannot reach, so the
pipeline is made from pinned PyPI packages only (spaCy and spacy-lookups-data) and saved where
config.yml's SpacyNLP and the red-flag guard load it from.

    python -m spasm_aid.nlp_pipeline models/spacy_en
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from spasm_aid.paths import SPACY_MODEL

DEFAULT_PATH = Path(SPACY_MODEL)


def build_pipeline():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lookup tables from spacy-lookups-data, offline
    nlp.meta["name"] = "spasm_aid_en"
    nlp.meta["description"] = "Blank English with a lookup lemmatizer, built offline"
    return nlp


def load_pipeline(path: Path | str = DEFAULT_PATH):
    import spacy

    path = Path(path)
    if not (path / "config.cfg").exists():
        raise FileNotFoundError(
            f"No spaCy pipeline at {path}: build it with "
            f"'python -m spasm_aid.nlp_pipeline {path}' (make does this for you)."
        )
    return spacy.load(path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH))
    args = parser.parse_args(argv)
    nlp = build_pipeline()
    Path(args.path).parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(args.path)
    # The guard's word lists beside it are written by the guard itself (make's KNOWN step), so
    # that this module and the guard do not import each other.
    print(f"spaCy pipeline written to {args.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
