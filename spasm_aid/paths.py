"""Where the project's files are, in one place (issue 15): no module recomputes the root."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = ROOT / "models"
# The project's spaCy pipeline, as config.yml names it (relative to the project root; the guard
# and the components resolve it from there whatever the working directory).
SPACY_MODEL = "models/spacy_en"
SPACY_MODEL_DIR = ROOT / SPACY_MODEL
# The reader's trained weights (python -m spasm_aid.reader.train), as config.yml names them.
READER_MODEL = "models/reader"
READER_MODEL_DIR = ROOT / READER_MODEL
RASA_MODEL = MODELS_DIR / "spasm-aid.tar.gz"
DOMAIN = ROOT / "domain.yml"
WEB_DIR = ROOT / "web"
