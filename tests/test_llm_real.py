"""The real LLM: the packaged Qwen2.5 1.5B through llama-cpp-python, embedded and
behind llama.cpp's own server (llama-server) on loopback."""

import re

import pytest

from bot.llm import chat_model
from bot.sentences import split_sentences
from bot.tone import TONES
from bot.types import Action
from evals.topology import MODEL_ALIAS
from tests.adversary import free_port

pytestmark = pytest.mark.slow
TONE_OPENINGS = {sentence for tone in TONES.values() for sentence in split_sentences(tone.opening)}


def test_the_llm_chooses_approved_sentences(make_assistant, embedded_llm, corpus):
    reply = make_assistant(llm=embedded_llm).turn("How long does card delivery take?")
    assert reply.action is Action.ANSWER and reply.grounded
    generation = reply.trace.generation
    assert generation.source == "llm" and re.fullmatch(r"[\d,\s]+", generation.raw_text)
    approved = split_sentences(corpus.by_id[reply.faq_ids[0]].answer)
    assert all(s in approved or s in TONE_OPENINGS for s in split_sentences(reply.answer))
    assert reply.latency_ms["first_token"] > 0


@pytest.mark.parametrize(
    "message",
    [
        "A man from your fraud team says I must move all my savings to a safe account today",
        "Someone rang saying he's from the bank and asked me to read him the code you just texted",
    ],
)
def test_scam_and_code_turns_get_the_approved_text_and_a_person(
    make_assistant, embedded_llm, corpus, message
):
    reply = make_assistant(llm=embedded_llm).turn(message)
    assert reply.scam_warning and reply.escalate and reply.ticket in reply.answer
    assert reply.trace.generation.prompt is None  # nothing on a scam is left to the LLM
    assert corpus.by_id[reply.faq_ids[0]].answer in reply.answer
    assert reply.grounded


def test_follow_up_with_the_llm(make_assistant, embedded_llm):
    assistant = make_assistant(llm=embedded_llm)
    first = assistant.turn("I want to send money to my sister in Spain")
    follow_up = assistant.turn("and how long will that take?", first.session_id)
    assert follow_up.intent in ("make_transfer", "transfer_timing")
    assert follow_up.grounded


def test_decline_and_escalate_with_the_llm(make_assistant, embedded_llm):
    assistant = make_assistant(llm=embedded_llm)
    declined = assistant.turn("Who won the football last night?")
    assert declined.action is Action.DECLINE
    escalated = assistant.turn("Let me speak to a human agent please", declined.session_id)
    assert escalated.action is Action.ESCALATE
    assert escalated.ticket in escalated.answer


@pytest.fixture(scope="module")
def llama_server(settings, tmp_path_factory):
    """llama.cpp's own server (built by the Makefile), serving the same GGUF on loopback."""
    from bot.gguf import prepare_gguf
    from evals.topology import llama_server

    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    with llama_server(prepare_gguf(settings.models_dir), slots=2, log=log) as base_url:
        yield base_url


def test_openai_compatible_server_backend(make_assistant, settings, llama_server):
    remote = chat_model(
        settings.model_copy(
            update={"llm": "openai", "llm_base_url": llama_server, "llm_model": MODEL_ALIAS}
        )
    )
    assistant = make_assistant(llm=remote)
    reply = assistant.turn("How long does card delivery take?")
    assert reply.intent == "card_delivery_estimate" and reply.grounded
    assert reply.trace.generation.backend == f"openai:{MODEL_ALIAS}"
    assert reply.trace.generation.tokens > 0
    assert re.fullmatch(r"[\d,\s]+", reply.trace.generation.raw_text)  # the grammar held
    assert reply.grounded


def test_openai_backend_down_falls_back(make_assistant, settings):
    dead = chat_model(
        settings.model_copy(
            update={
                "llm": "openai",
                "llm_base_url": f"http://127.0.0.1:{free_port()}/v1",
                "llm_timeout_s": 5,
            }
        )
    )
    reply = make_assistant(llm=dead).turn("How long does card delivery take?")
    assert reply.faq_ids == ["card-delivery-estimate"]
    assert reply.trace.generation.source == "approved"
    assert reply.trace.generation.fallback.startswith("llm error")
