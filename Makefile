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

.PHONY: run test setup index browser bench

run: setup index
	@echo "==> starting the web chat on http://127.0.0.1:7860 (Ctrl-C to stop)"
	$(BIN)/bot serve

test: setup browser
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
	$(BIN)/bot index

browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  echo "==> installing Debian's chromium and chromium-driver for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; fi; \
	fi

bench: setup index
	$(BIN)/python benchmarks/bench_index.py
