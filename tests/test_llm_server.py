"""llama.cpp's own server as the LLM engine, for real: once Teller has shown it an
approved entry (``teller warm``), a customer's turn on that entry finds the entry's
prompt in the server's host-RAM cache and evaluates only the customer's words."""

from __future__ import annotations

import re
import urllib.request

import pytest

from bot.factory import build_assistant
from bot.gguf import prepare_gguf
from evals.topology import MODEL_ALIAS, llama_server

pytestmark = pytest.mark.slow

# Questions that route to the entry named (tests/test_retriever.py checks routing).
WARMED = {
    "activate-my-card": "How do I activate my new card?",
    "visa-or-mastercard": "Is your debit card Visa or Mastercard?",
    "country-support": "Which countries can I send money to?",
}
NOT_WARMED = ("getting-virtual-card", "Can I get a virtual card for shopping online?")


def prompt_tokens_evaluated(base_url: str) -> int:
    """The server's own count of prompt tokens it has evaluated (not taken from a cache)."""
    metrics = urllib.request.urlopen(base_url.removesuffix("/v1") + "/metrics").read().decode()
    return int(float(re.search(r"^llamacpp:prompt_tokens_total (\S+)$", metrics, re.M)[1]))


def test_warmed_entries_are_found_in_the_servers_prompt_cache(settings, tmp_path):
    model = prepare_gguf(settings.models_dir)
    with llama_server(model, slots=2, log=tmp_path / "llama-server.log") as url:
        assistant = build_assistant(
            settings.model_copy(
                update={
                    "llm": "openai",
                    "llm_base_url": url,
                    "llm_model": MODEL_ALIAS,
                    "database_url": f"sqlite:///{tmp_path / 'teller.db'}",
                }
            )
        )
        assert assistant.warm(WARMED) == len(WARMED)
        evaluated = {}
        for entry_id, question in [*WARMED.items(), NOT_WARMED]:
            before = prompt_tokens_evaluated(url)
            reply = assistant.turn(question)
            assert reply.faq_ids == [entry_id] and reply.trace.generation.source == "llm"
            evaluated[entry_id] = prompt_tokens_evaluated(url) - before
    # Each warmed entry, shown before the two others, came back from the cache: only the
    # customer's words were evaluated. The entry never shown was evaluated whole.
    assert all(evaluated[entry_id] < 30 for entry_id in WARMED), evaluated
    assert evaluated[NOT_WARMED[0]] > 60, evaluated
