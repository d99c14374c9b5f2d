"""The LLM writer on scripted models: the model only chooses approved sentences; its own
words never reach the customer, whatever it streams."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.assistant import drain
from bot.events import Token
from bot.history import PastTurn
from bot.prompt import SYSTEM_PROMPT, Exchange, selection_grammar, selection_prompt
from bot.sentences import split_sentences
from bot.stages import exchange
from bot.support import SupportChecker
from bot.testing import BrokenLLM, ScriptedLLM
from bot.trace import GenerationRecord, TurnTrace
from bot.writer import Brief, Writer, WriterConfig, complete_numbers

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
    reply = make(slow, total_s=0.1).turn(QUESTION)
    assert reply.trace.generation.fallback == "timeout: no whole reply within 0.1 s"
    assert reply.answer == corpus.by_id["card-arrival"].answer


def test_a_backend_that_never_begins_releases_the_turn(make, corpus):
    stalled = ScriptedLLM.streaming(["1"], ["1"], delay_s=10.0)
    assistant = make(stalled, first_token_s=0.2, max_wait_s=0.5)
    first = assistant.turn(QUESTION)
    assert first.trace.generation.fallback == "timeout: no first token within 0.2 s"
    assert first.answer == corpus.by_id["card-arrival"].answer and not first.busy
    # While the abandoned call still holds the model, the next turn does not queue
    # behind it: it is answered from the approved text at once, and says so.
    second = assistant.turn(QUESTION, first.session_id)
    assert second.trace.generation.fallback.startswith("busy: predicted wait")
    assert second.answer == first.answer and second.busy


def test_a_follow_up_may_choose_only_what_was_not_said_and_sees_what_it_leans_on(make, sentences):
    llm = ScriptedLLM.saying("1", "1,2")
    assistant = make(llm)
    first = assistant.turn(QUESTION)
    follow_up = assistant.turn("and how long will it take?", first.session_id)
    first_prompt, prompt = llm.prompts[0][-1].content, llm.prompts[1][-1].content
    # The first turn's prompt, its answer, then what is new (its kept state serves);
    # "already said" would only repeat the answer shown, so it is left out ...
    assert prompt == first_prompt + " 1\n\nCustomer: and how long will it take?\nNumbers:"
    # ... but the one already said is not said again, whatever the model chooses.
    assert follow_up.answer == sentences[1]
    assert llm.prompts[1][0].content == SYSTEM_PROMPT  # the fixed prefix llama.cpp caches


def test_the_grammar_allows_only_sentence_numbers():
    grammar = selection_grammar([1, 2, 4], most=3)
    assert grammar.splitlines() == ['root ::= num ("," num){0,2}', 'num ::= "4" | "2" | "1"']


@pytest.mark.parametrize("case", CASES, ids=lambda case: case["kind"])
def test_invented_claims_streamed_in_pieces_never_reach_the_customer(make, corpus, case):
    reply_text = case["reply"]
    pieces = [reply_text[i : i + 3] for i in range(0, len(reply_text), 3)]
    reply = make(ScriptedLLM.streaming(pieces)).turn(QUESTION)
    assert case["claim"] not in reply.answer
    assert reply.answer == corpus.by_id["card-arrival"].answer


def drive(stream) -> tuple[list[str], str]:
    """The pieces a writer's stream showed, and the text it returned."""
    tokens, (text, _) = drain(stream)
    return [token.text.strip() for token in tokens], text


def test_a_spoken_reply_leads_with_the_first_sentence_before_the_model_is_asked(corpus, sentences):
    llm = ScriptedLLM.saying("1,3")  # the lead is not the model's to give again
    writer = Writer(llm, "scripted", WriterConfig())
    brief = Brief(sentences=tuple(sentences), message=QUESTION, opening="", spoken=True)
    answer = corpus.by_id["card-arrival"].answer
    stream = writer.write(brief, ("card-arrival",), SupportChecker([answer]))
    assert next(stream).text == sentences[0] and not llm.prompts  # the model not yet asked
    pieces, text = drive(stream)
    assert "\nAlready said: 1\n" in llm.prompts[0][-1].content
    assert pieces == [sentences[2]] and text == f"{sentences[0]} {sentences[2]}"


def test_a_spoken_lead_stands_alone_when_the_model_fails(corpus, sentences):
    writer = Writer(BrokenLLM(), "broken", WriterConfig())
    brief = Brief(sentences=tuple(sentences), message=QUESTION, opening="", spoken=True)
    answer = corpus.by_id["card-arrival"].answer
    pieces, text = drive(writer.write(brief, ("card-arrival",), SupportChecker([answer])))
    assert pieces == [sentences[0]] and text == sentences[0]  # short; the rest on request


def test_warming_shows_the_model_each_entry_s_sentences_with_no_customer_words():
    llm = ScriptedLLM.saying("1", "1")
    writer = Writer(llm, "scripted", WriterConfig())
    assert writer.warm([("Cards arrive in 5 days.", "Track them in the app."), ("Call us.",)]) == 2
    shown = [prompt[-1].content for prompt in llm.prompts]
    assert shown == [
        selection_prompt(("Cards arrive in 5 days.", "Track them in the app."), ""),
        selection_prompt(("Call us.",), ""),
    ]


def test_warming_stops_at_a_backend_that_fails():
    assert Writer(BrokenLLM(), "broken", WriterConfig()).warm([("A.",), ("B.",)]) == 0


def test_a_number_is_complete_as_soon_as_no_allowed_number_goes_on_from_it():
    assert complete_numbers("3", done=False, allowed=range(1, 10)) == [3]  # at once
    assert complete_numbers("1", done=False, allowed=range(1, 13)) == []  # could be 12
    assert complete_numbers("1,", done=False, allowed=range(1, 13)) == [1]
    assert complete_numbers("1", done=True, allowed=range(1, 13)) == [1]


def test_the_earlier_exchange_is_shown_only_for_the_same_entries():
    chose = GenerationRecord("scripted", "llm", entry_ids=("card-arrival",), raw_text="2,1")
    turn = PastTurn(QUESTION, "", "answer", None, "neutral", TurnTrace("s", generation=chose))
    same, other = ("card-arrival",), ("change-pin",)
    assert exchange(turn, same) == Exchange(QUESTION, "2,1")
    assert exchange(turn, other) is None  # its numbers meant other sentences
