"""Invented claims from an untrusted model never reach the customer: streamed in the
real Qwen tokenizer's sub-word pieces, and from an adversarial OpenAI-compatible server
on loopback, through the real retriever, redactor and store."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.gguf import MODEL_FILE
from bot.llm import chat_model
from bot.testing import ScriptedLLM
from tests.adversary import AdversarialServer

pytestmark = pytest.mark.slow

CASES = yaml.safe_load((Path(__file__).parent / "data" / "invented_claims.yaml").read_text())
QUESTION = "how long does card delivery take?"


@pytest.fixture(scope="module")
def tokenizer(settings):
    from llama_cpp import Llama

    return Llama(str(settings.models_dir / MODEL_FILE), vocab_only=True, verbose=False)


def subword_pieces(tokenizer, text: str) -> list[str]:
    """``text`` as the model streams it: one piece per token, bytes joined until they
    decode (a '£' may span two tokens)."""
    pieces, pending = [], b""
    for token in tokenizer.tokenize(text.encode(), add_bos=False, special=False):
        pending += tokenizer.detokenize([token])
        try:
            pieces.append(pending.decode("utf-8"))
            pending = b""
        except UnicodeDecodeError:
            continue
    return pieces


def test_the_tokenizer_splits_claims_into_sub_words(tokenizer):
    pieces = subword_pieces(tokenizer, "Visit lindenbrook-secure.com to pay £50")
    assert "".join(pieces) == "Visit lindenbrook-secure.com to pay £50"
    assert "lindenbrook-secure.com" not in pieces and len(pieces) > 6


def test_sub_word_streams_of_invented_claims_are_never_delivered(make_assistant, tokenizer):
    assistant = make_assistant(llm=ScriptedLLM.streaming(
        *(subword_pieces(tokenizer, case["reply"]) for case in CASES)
    ))  # fmt: skip
    delivered = []
    for case in CASES:
        reply = assistant.turn(QUESTION)
        assert reply.trace.generation.fallback == "not sentence numbers"
        delivered += [case["kind"]] if case["claim"] in reply.answer else []
        assert reply.grounded
    assert len(CASES) >= 100 and delivered == []


def test_an_adversarial_server_delivers_nothing_it_invents(make_assistant, settings):
    with AdversarialServer(
        [case["reply"][i : i + 4] for i in range(0, len(case["reply"]), 4)] for case in CASES
    ) as server:
        remote = chat_model(
            settings.model_copy(
                update={"llm": "openai", "llm_base_url": server.base_url, "llm_timeout_s": 10}
            )
        )
        assistant = make_assistant(llm=remote)
        delivered = [
            case["kind"] for case in CASES if case["claim"] in assistant.turn(QUESTION).answer
        ]
    assert len(server.requests) == len(CASES) >= 100
    assert all(request["stream"] for request in server.requests)
    assert "grammar" in server.requests[0]  # llama.cpp's server is asked for numbers only
    assert delivered == []
