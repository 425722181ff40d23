# tasktriad — the two everyday commands:   make train   |   make test
# Both create .venv on first use (python3 -m venv + pip install -e ".[dev,all]": every optional extra, so that the
# suite tests every option) and re-install only when pyproject.toml or the extras change.
# A leaner install: make train EXTRAS=dev,data   (remembered in .venv/.extras by every later make, until you name others)
# Extra arguments for a run:  make train ARGS="task=integer_regression"

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ARGS   ?=
EXTRAS_FILE := $(VENV)/.extras
REMEMBERED  := $(shell cat $(EXTRAS_FILE) 2>/dev/null)
EVERY_EXTRA := dev,all
EXTRAS ?= $(or $(REMEMBERED),$(EVERY_EXTRA))
ifneq ($(origin EXTRAS),file)
ifneq ($(EXTRAS),$(REMEMBERED))
$(shell mkdir -p $(VENV) && printf '%s\n' '$(EXTRAS)' > $(EXTRAS_FILE))
endif
endif

.PHONY: help install train test test-fast lint format bench bench-compare clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml $(wildcard $(EXTRAS_FILE))
	@test -x $(BIN)/python || { echo "Creating $(VENV) ..."; $(PYTHON) -m venv $(VENV); }
	@echo "Installing tasktriad[$(EXTRAS)] into $(VENV) (first time: about 3 minutes) ..."
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	@touch $(STAMP)

install: $(STAMP)  ## create .venv and install (only if pyproject.toml changed)

train: $(STAMP)  ## train the default experiment (ARGS="key=value ..." to override)
	$(BIN)/python -m src.train $(ARGS)

test: $(STAMP)  ## run the whole test suite on every core (what CI runs; ARGS="-k swap" to pick tests)
	$(BIN)/python -m pytest -n auto $(ARGS)

test-fast: $(STAMP)  ## the edit-test loop: every module, no training runs (under a minute on 2 cores)
	$(BIN)/python -m pytest -n auto -m "not train and not slow" $(ARGS)

lint: $(STAMP)  ## ruff lint + format check + hygiene hooks, through pre-commit
	$(BIN)/pre-commit run --all-files --show-diff-on-failure

format: $(STAMP)  ## apply ruff's formatting
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

BENCH_OUT = benchmarks/results/$(shell date +%F)-$(shell git rev-parse --short HEAD 2>/dev/null || echo nogit).jsonl
bench: $(STAMP)  ## the benchmarks, side by side with plain PyTorch (ARGS="--quick", "--device cuda --threads 4")
	@mkdir -p benchmarks/results
	$(BIN)/python -m benchmarks.step --out $(BENCH_OUT) $(ARGS)
	$(BIN)/python -m benchmarks.startup --out $(BENCH_OUT) $(ARGS)
	$(BIN)/python -m benchmarks.data --out $(BENCH_OUT) $(ARGS)
	$(BIN)/python -m benchmarks.scaling --out $(BENCH_OUT) $(ARGS)
	$(BIN)/python -m benchmarks.throughput --threads 2 --out $(BENCH_OUT) $(ARGS)
	@echo "Figures appended to $(BENCH_OUT); compare with the previous file: make bench-compare"

bench-compare: $(STAMP)  ## each figure of the last two `make bench` files, and its change
	$(BIN)/python -m benchmarks.compare $(ARGS)

clean:  ## remove caches, every __pycache__ included (keeps .venv, data/ and logs/)
	rm -rf .pytest_cache .ruff_cache
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
