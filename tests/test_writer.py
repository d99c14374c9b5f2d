"""The LLM writer on scripted models: the model only chooses approved sentences; its own
words never reach the customer, whatever it streams."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.events import Token
from bot.prompt import SYSTEM_PROMPT, selection_grammar
from bot.sentences import split_sentences
from bot.testing import (
    BrokenLLM,
    ScriptedLLM,
)

CASES = yaml.safe_load((Path(__file__).parent / "data" / "invented_claims.yaml").read_text())
QUESTION = "my new card hasn't arrived yet"


@pytest.fixture(scope="module")
def sentences(corpus):
    return split_sentences(corpus.by_id["card-arrival"].answer)


@pytest.fixture()
def make(fake_assistant):
    return fake_assistant


def test_chosen_sentences_are_delivered_verbatim_in_order(make, sentences):
    events = list(make(ScriptedLLM.saying("3,1")).stream(QUESTION))
    reply = events[-1]
    assert reply.answer == f"{sentences[2]} {sentences[0]}"
    assert [e.text.strip() for e in events if isinstance(e, Token)] == [sentences[2], sentences[0]]
    generation = reply.trace.generation
    assert generation.source == "llm" and generation.raw_text == "3,1"
    assert [v.check for v in generation.verdicts] == ["support", "support"]
    assert reply.grounded


def test_the_tone_opening_goes_out_first(make, sentences):
    reply = make(ScriptedLLM.saying("2")).turn("I'm furious, my card didn't arrive")
    assert reply.tone == "apologetic"
    assert reply.answer.startswith("I'm sorry about this") and reply.answer.endswith(sentences[1])


def test_a_written_reply_has_at_most_three_sentences(make, sentences):
    reply = make(ScriptedLLM.saying("1,2,3,4")).turn(QUESTION)
    assert reply.answer == " ".join(sentences[:3])


@pytest.mark.parametrize(
    ("output", "reason"),
    [
        ("Happy to help! Express delivery costs £9 and takes 1 hour.", "not sentence numbers"),
        (SYSTEM_PROMPT.replace("\n", " "), "not sentence numbers"),
        ("   ", "no sentence chosen"),
        ("99,0", "no sentence chosen"),
    ],
)
def test_an_unusable_answer_gives_the_approved_text(make, corpus, output, reason):
    reply = make(ScriptedLLM.saying(output)).turn(QUESTION)
    assert reply.answer == corpus.by_id["card-arrival"].answer
    assert reply.trace.generation.fallback == reason and reply.grounded


def test_a_backend_failure_gives_the_approved_text(make, corpus):
    reply = make(BrokenLLM()).turn(QUESTION)
    assert reply.answer == corpus.by_id["card-arrival"].answer
    assert reply.trace.generation.fallback.startswith("llm error: connection refused")


def test_a_slow_backend_times_out(make, corpus):
    slow = ScriptedLLM.streaming([" ", " ", " ", " ", "1"], delay_s=0.05)
    reply = make(slow, timeout_s=0.1).turn(QUESTION)
    assert reply.trace.generation.fallback == "timeout: no whole reply within 0.1 s"
    assert reply.answer == corpus.by_id["card-arrival"].answer


def test_a_backend_that_never_begins_releases_the_turn(make, corpus):
    stalled = ScriptedLLM.streaming(["1"], ["1"], delay_s=10.0)
    assistant = make(stalled, first_token_s=0.2)
    first = assistant.turn(QUESTION)
    assert first.trace.generation.fallback == "timeout: no first token within 0.2 s"
    assert first.answer == corpus.by_id["card-arrival"].answer
    # While the abandoned call is still running, the next turn does not queue behind it:
    # it is answered from the approved text at once.
    second = assistant.turn(QUESTION, first.session_id)
    assert second.trace.generation.fallback.startswith("llm error: the model is still finishing")


def test_a_follow_up_is_offered_only_what_was_not_said_and_what_it_leans_on(make, sentences):
    llm = ScriptedLLM.saying("1", "1")
    assistant = make(llm)
    first = assistant.turn(QUESTION)
    follow_up = assistant.turn("and how long will it take?", first.session_id)
    prompt = llm.prompts[1][-1].content
    assert sentences[0] not in prompt and f"1. {sentences[1]}\n" in prompt
    assert f"The customer said before: {QUESTION}" in prompt
    assert follow_up.answer == sentences[1]  # the new sentence, not the first again
    assert llm.prompts[1][0].content == SYSTEM_PROMPT  # the fixed prefix llama.cpp caches


def test_the_grammar_allows_only_sentence_numbers():
    grammar = selection_grammar(count=4, most=3)
    assert grammar.splitlines() == ['root ::= num ("," num){0,2}', 'num ::= "4" | "3" | "2" | "1"']


@pytest.mark.parametrize("case", CASES, ids=lambda case: case["kind"])
def test_invented_claims_streamed_in_pieces_never_reach_the_customer(make, corpus, case):
    reply_text = case["reply"]
    pieces = [reply_text[i : i + 3] for i in range(0, len(reply_text), 3)]
    reply = make(ScriptedLLM.streaming(pieces)).turn(QUESTION)
    assert case["claim"] not in reply.answer
    assert reply.answer == corpus.by_id["card-arrival"].answer
