# Spasm Aid. Two commands do everything on a fresh machine:
#   make run    set up, train if needed, start the action server and chat in the terminal
#   make test   set up, train if needed, run the whole test suite
# Each step runs only when its inputs changed.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
RASA   := $(VENV)/bin/rasa
STAMP  := $(VENV)/.installed
SPACY  := models/spacy_en/config.cfg
KNOWN  := models/spacy_en/known_words.txt.gz
DEBS   := $(VENV)/.debian-packages
ASR    := models/asr/spasm_aid.lm
READER := models/reader/reader.npz
MODEL  := models/spasm-aid.tar.gz
DATA   := $(shell find data -name '*.yml' 2>/dev/null)
PYTHON_3_10 := $(shell command -v python3.10 2>/dev/null)

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: help setup model run serve production assist fault-test load test lint validate conversation-test report bench eval voice voice-eval mutation fuzz lock clean

help:
	@echo "make run     chat with the assistant in the terminal (sets everything up first)"
	@echo "make test    run the whole test suite (sets everything up first)"
	@echo "make serve   REST and socketio on 127.0.0.1:5005, action server on :5055"
	@echo "make production  2 Rasa + 2 action servers behind nginx on :8080, PostgreSQL + Redis"
	@echo "make load    Locust at 1, 50 and 200 users against the production profile"
	@echo "make assist  Home Assistant Assist (Wyoming) on :10700, for the assistant of make serve"
	@echo "make fault-test  kill servers, stop Redis, restart PostgreSQL under load balancing"
	@echo "make report  summarise the session log (and reports/session-log.html, with charts)"
	@echo "make bench   measure training, start-up, turn latency and memory"
	@echo "make eval    safety and language figures of the current model (reports/)"
	@echo "make voice   hands-free: microphone and speaker (INPUT=\"a.wav b.wav\" answers WAV files)"
	@echo "make voice-eval  speech recognition and latency figures (reports/voice.json)"
	@echo "make mutation    mutation testing of the safety core (reports/mutation.json)"
	@echo "make fuzz    hostile input on every endpoint of make serve and make production (reports/fuzz.json)"

$(PY):
	@if [ -z "$(PYTHON_3_10)" ]; then \
	  echo "Python 3.10 is needed (Rasa 3.6 does not run on 3.11+). Install it, e.g. 'pyenv install 3.10', then run make again." >&2; \
	  exit 1; fi
	$(PYTHON_3_10) -m venv $(VENV)

# Reinstall only when the lock file or the package definition changes. The project itself is
# installed in place (editable, no dependencies of its own: the lock pins them), so every process
# imports spasm_aid, actions and tools without PYTHONPATH.
$(STAMP): requirements.lock requirements-nodeps.lock pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements-nodeps.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

# Debian packages for voice (espeak-ng, sox, ...): installed when missing.
$(DEBS): scripts/install_debian_packages.sh | $(PY)
	bash scripts/install_debian_packages.sh
	@touch $@

setup: $(STAMP) $(DEBS) $(SPACY) $(KNOWN) $(ASR) $(READER)

# The reader (spasm_aid/reader): its classifier, trained on the project's examples over the
# sentence model's embeddings (no retraining of the Rasa model needed).
$(READER): $(STAMP) $(KNOWN) $(DATA) spasm_aid/reader/examples.yml spasm_aid/reader/examples_more.yml spasm_aid/reader/train.py spasm_aid/reader/encoder.py spasm_aid/red_flags/lexicon.yml
	$(PY) -m spasm_aid.reader.train models/reader

# The speech recogniser's language model, from the training data.
$(ASR): $(STAMP) $(DATA) tools/asr_model.py tools/asr_extra.dict
	$(PY) -m tools.asr_model models/asr

# The project's own spaCy pipeline: blank English + lookup lemmatizer, no download.
$(SPACY): $(STAMP) spasm_aid/nlp_pipeline.py
	$(PY) -m spasm_aid.nlp_pipeline models/spacy_en

# The words the guard's typo correction leaves alone (rebuilt when the guard changes; no retraining).
$(KNOWN): $(SPACY) spasm_aid/red_flags/guard.py
	$(PY) -c "from spasm_aid.red_flags.guard import write_known_words; write_known_words('models/spacy_en')"

# Train only when data, domain or config changed since the last model.
$(MODEL): $(STAMP) $(SPACY) domain.yml config.yml $(DATA)
	$(RASA) train --fixed-model-name spasm-aid --out models
	@touch $@

model: $(MODEL)

# The terminal chat (spasm_aid/terminal.py), not `rasa shell`: its arrow-key menus turned a
# typed "no" into "yes". Both servers listen on loopback only.
run: $(MODEL) setup
	@mkdir -p var
	$(PY) -m tools.with_action_server --rasa-model $(MODEL) -- $(PY) -m spasm_aid.terminal

# Loopback unless SERVE_INTERFACE says otherwise: platforms and browsers reach the assistant
# through a hardened front (make production: nginx), never Sanic directly (README, "Channels"; docs/hardening.md).
SERVE_INTERFACE ?= 127.0.0.1
serve: $(MODEL) setup
	@mkdir -p var
	@if [ "$(SERVE_INTERFACE)" != "127.0.0.1" ]; then echo "Warning: listening on $(SERVE_INTERFACE), without the nginx front of make production." >&2; fi
	$(PY) -m tools.with_action_server -- $(RASA) run -m $(MODEL) --port 5005 --interface $(SERVE_INTERFACE)

# Home Assistant Assist: a Wyoming conversation agent on :10700 for the assistant of make serve.
assist: setup
	$(PY) -m spasm_aid.channels.home_assistant $(ASSIST_ARGS)

# Several Rasa and action servers behind nginx, sharing PostgreSQL and Redis (tools/production.py).
production: $(MODEL) setup
	$(PY) -m tools.production $(PRODUCTION_ARGS)

# Kill servers, stop Redis, restart PostgreSQL under the production profile (also part of make test).
fault-test: $(MODEL) setup
	$(PY) -m pytest tests/production -v

# The load generator lives in its own environment: Locust's gevent must not patch Rasa's.
LOADVENV := .venv-load
$(LOADVENV)/.installed: tools/loadtest/requirements.lock | $(PY)
	$(PYTHON_3_10) -m venv $(LOADVENV)
	$(LOADVENV)/bin/pip install --quiet --disable-pip-version-check -r tools/loadtest/requirements.lock
	@touch $@

# Locust at 1, 50 and 200 users against the production profile; reports/load.json.
load: $(MODEL) setup $(LOADVENV)/.installed
	$(PY) -m tools.loadtest.run $(LOAD_ARGS)

validate: $(STAMP)
	$(RASA) data validate

# Conversation tests check NLU and dialogue predictions offline (the story gives the events
# actions would produce); tests/server/ drives the real servers end to end.
conversation-test: $(MODEL) setup
	$(RASA) test core --model $(MODEL) --stories tests/conversations \
	  --fail-on-prediction-errors --out results/core

# ruff (errors, likely bugs, import order) and mypy (types), both configured in pyproject.toml.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test: $(MODEL) setup
	$(MAKE) --no-print-directory lint
	SPASM_AID_REQUIRE_SETUP=1 $(PY) -m pytest
	$(MAKE) --no-print-directory validate
	$(MAKE) --no-print-directory conversation-test

report: $(STAMP)
	$(PY) -m spasm_aid.session_log.report --html reports/session-log.html

bench: $(MODEL) setup
	$(PY) -m tools.bench

# Uses the current model as it is (trains nothing): red-flag recall, false emergencies,
# intent scores, scripted conversations; writes reports/eval.json and PNG plots.
eval: setup
	$(PY) -m tools.evaluation

# Hands-free loop: starts the action server and the assistant, then listens.
voice: $(MODEL) setup
	$(PY) -m tools.with_action_server --rasa-model $(MODEL) -- \
	  $(PY) -m spasm_aid.voice $(if $(INPUT),--input $(INPUT)) $(VOICE_ARGS)

voice-eval: $(MODEL) setup
	$(PY) -m tools.evaluation.voice

# Do the safety core's unit tests fail when its code is wrong? reports/mutation.json (about 20 min).
mutation: setup
	$(PY) -m tools.mutation $(MUTATION_ARGS)

# Hypothesis-drawn hostile requests on every endpoint, checked for hangs, 5xx, refusals without the
# number, lost emergencies and memory growth (tools/fuzz/; about 30 min; FUZZ_ARGS="--examples 50" is quicker).
fuzz: $(MODEL) setup
	$(PY) -m tools.fuzz $(FUZZ_ARGS)

lock: | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	{ echo "# Generated by 'make lock' from requirements.txt on Python 3.10: every package pinned."; \
	  $(PY) -m pip freeze --exclude-editable; } > requirements.lock

clean:
	rm -rf models results .rasa
