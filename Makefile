# Teller: set-up, run, test. Every target is idempotent; a second run takes seconds.
#
#   make run    set everything up, then start Teller (interactive chat for now)
#   make test   set everything up, then run the test suite
#   make bench  run the benchmarks
#   make lint   ruff

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := python3-venv
# Extra pip options, e.g. PIP_TORCH_OPTS="--index-url <a CPU wheel index>" on machines
# without a local torch wheel.
PIP_TORCH_OPTS ?=
STAMP := $(VENV)/.installed

export HF_HUB_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: run test bench lint setup apt index clean

run: setup
	$(BIN)/teller chat

# pytest exits 5 when it collected no test: that is a failure too.
test: setup
	@$(BIN)/pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; \
	exit $$status

bench: setup
	$(BIN)/teller bench routing

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

setup: apt $(STAMP) index

apt:
	@scripts/ensure-apt-packages.sh $(APT_PACKAGES)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet $(PIP_TORCH_OPTS) torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Builds the FAQ index only when it is missing or stale.
index: $(STAMP)
	@$(BIN)/teller index status || $(BIN)/teller index build

clean:
	rm -rf $(VENV) .teller .pytest_cache .ruff_cache
