"""Shared fixtures. The spaCy pipeline is built by `make` (models/spacy_en); when a test runs
without it, it is built once into a temporary folder so the suite stands on its own."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


@pytest.fixture(scope="session")
def spacy_model_path(tmp_path_factory) -> Path:
    path = ROOT / "models" / "spacy_en"
    if (path / "config.cfg").exists():
        return path
    from spasm_aid.nlp_pipeline import build_pipeline

    path = tmp_path_factory.mktemp("spacy") / "spacy_en"
    build_pipeline().to_disk(path)
    return path


@pytest.fixture(scope="session")
def guard(spacy_model_path):
    from spasm_aid.red_flags.guard import guard_for

    return guard_for(str(spacy_model_path))
