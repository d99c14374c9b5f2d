"""Conversation acts read from the words alone: greetings, thanks and goodbyes, a thank
you that closes the matter, requests for a person, and the turn a follow-up leans on."""

from __future__ import annotations

import pytest

from bot.decide import OFF_TOPIC
from bot.history import PastTurn, memory_of, topic_turn
from bot.inputs import clean_message
from bot.signals import Requests, read_requests
from bot.small_talk import closes_with_thanks, small_talk
from bot.trace import DecisionRecord, RetrievalRecord, TurnTrace
from bot.types import Action
from knowledge.retriever import asks_something


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("ok thanks, I'll wait", "thanks"),
        ("Cheers!! x", "thanks"),
        ("ttyl", "goodbye"),
        ("thank you dear bye bye", "goodbye"),
        ("Nope nothing else, have a lovely evening, ta-ra", "goodbye"),
        ("cheers love", "thanks"),
        ("that's all for now, bye", "goodbye"),
        ("alright?", "greeting"),
        ("good morning, anyone there?", "greeting"),
        ("thanks, my card still hasn't come", None),
        ("hi, how do I change my PIN", None),
        ("no", None),
    ],
)
def test_small_talk_is_recognised_only_when_it_is_all_the_message_says(text, label):
    assert small_talk(text) == label


@pytest.mark.parametrize(
    ("text", "closes"),
    [
        ("ok I'll give it till Monday then, thanks", True),
        ("got in!! thnx", True),
        ("thanks, but it still hasn't arrived", False),
        ("Thanks. Can you tell me the rate?", False),
        ("I'll wait till Monday then", False),
        ('Translate "thank you very much" into Japanese please.', False),
        ("put \u201cthanks for dinner\u201d on the card", False),
        ("Translate 'thank you for having us' into Japanese", False),
        ("ok I'll wait, 'cos it's late, thanks", True),
        ('ok that\'s "sorted" then, thanks', True),
    ],
)
def test_a_thank_you_closes_the_matter_only_when_nothing_is_left_open(text, closes):
    assert closes_with_thanks(clean_message(text, 4000)) is closes


@pytest.mark.parametrize(
    "text",
    [
        "agent",
        "AGENT. I said agent!!",
        "need to talk to a humna",
        "This is useless. Get me a manager.",
        "Is there any way I could go through this with one of your team rather than on here",
        "I want to speak to whoever's in charge.",
        "Actually can I just ring someone now?",
        "Could I please be transferred to a colleague?",
    ],
)
def test_a_request_for_a_person_is_read_in_any_phrasing(text):
    assert read_requests(text).person


@pytest.mark.parametrize(
    "text",
    [
        "are you a real person or a robot?",
        "do I have to talk to someone to close an account or can I do it in the app",
        "How do I send money to a person abroad?",
        "my agent at the letting agency wants the deposit by Friday",
    ],
)
def test_questions_that_mention_people_are_not_requests_for_one(text):
    assert not read_requests(text).person


def turn(intent: str, used_history: bool = False, no_match: bool = False, **kw) -> PastTurn:
    routed = RetrievalRecord("enc", no_match, 0.8, used_history)
    trace = TurnTrace("s", retrieval=routed, **kw)
    return PastTurn(f"about {intent}", "reply", "answer", intent, "neutral", trace)


def test_a_follow_up_of_a_follow_up_leans_on_the_turn_that_set_the_topic():
    history = [
        turn("make_transfer"),
        turn("make_transfer", used_history=True),
        turn("thanks"),
    ]
    assert topic_turn(history).customer == "about make_transfer"
    assert topic_turn([turn("thanks"), turn("out_of_scope", no_match=True)]) is None


def test_the_topic_under_way_is_the_latest_banking_one_answered():
    declined = PastTurn("weather?", "no", "decline", "out_of_scope", "neutral")
    history = [turn("transfer_timing"), turn("make_transfer", used_history=True), turn("thanks")]
    assert memory_of(history).topic == "make_transfer"
    assert memory_of([*history, declined]).topic == "make_transfer"
    assert memory_of([turn("greeting"), declined]).topic is None


def test_requests_no_bank_answers_do_not_count_towards_a_handover():
    declined = DecisionRecord(Action.DECLINE, OFF_TOPIC, "out_of_scope")
    unanswered = DecisionRecord(Action.DECLINE, "no approved answer matches", "out_of_scope")
    off_topic = PastTurn(
        "weather?", "no", "decline", "out_of_scope", "neutral", TurnTrace("s", decision=declined)
    )
    missed = PastTurn(
        "odd line", "no", "decline", "out_of_scope", "neutral", TurnTrace("s", decision=unanswered)
    )
    assert memory_of([off_topic, off_topic]).failures == 0
    assert memory_of([off_topic, missed]).failures == 1


@pytest.fixture(scope="module")
def reader():
    from bot.signals import RequestReader

    return RequestReader.load()


@pytest.mark.parametrize(
    ("text", "person", "dissatisfied"),
    [
        ("could somebody from your staff give me a ring tomorrow morning", True, False),
        ("I'd much rather sort this out with an actual member of your team", True, False),
        ("pls get me sum1 who works there", True, False),
        ("you have completely missed the point of my question", False, True),
        ("this is the same paragraph you sent me five minutes ago", False, True),
        ("the cashier at your branch was very helpful yesterday", False, False),
        ("how do I ring you from Spain?", False, False),
        ("my card isn't helping me pay for anything abroad", False, False),
    ],
)
def test_the_learned_models_read_what_the_rules_miss(reader, text, person, dissatisfied):
    assert read_requests(text) == Requests()  # no rule fires: the models decide
    read = reader.read(text)
    assert (read.person, read.dissatisfied) == (person, dissatisfied)


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("can you give me a quick curry recipe", True),
        ("write me a poem about being skint then", True),
        ("any idea how to fix that", True),
        ("what's the weather like up there saturday", True),
        ("is it free?", True),
        ("Samsung, Android 9. It was working fine last week", False),
        ("it was the one on Station Road", False),
        ("the ride was £14.20 on tuesday and both are showing", False),
    ],
)
def test_a_question_or_request_is_told_from_a_statement(text, asks):
    assert asks_something(text) is asks
