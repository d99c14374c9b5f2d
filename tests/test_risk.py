"""Scam signals: the typologies of authorised push-payment fraud in a customer's own
words, and ordinary messages that share their words."""

from __future__ import annotations

import pytest

from bot.risk import ScamSignals, Story
from knowledge.retriever import Retrieval

NOTHING_ROUTED = Retrieval("", (), True, 0.0)

SCAMS = {
    "instructed": "An officer rang and said I need to withdraw two grand and keep it at home",
    "secrecy": "She told me not to tell the cashier what the money is for",
    "courier": "a courier is coming round tonight to collect my card for the investigation",
    "holding_account": "They want everything moved to a holding account until it's sorted",
    "on_the_line": "he's still on the line waiting for me to read the numbers out",
    "release_fee": "the platform says I have to pay a release fee before I can withdraw profits",
    "romance": "I met a lovely man online, he works on a rig and needs £2,000 to fly home",
    "new_number": "text from my son on a new number asking me to send 300 to a friend of his",
    "phishing_link": "I tapped the link in the text about my parcel and typed my card in",
    "purchase": "the seller on the marketplace has blocked me and the sofa never came",
    "overpayment": "they say they paid me too much by mistake and I should send it back",
}
ORDINARY = [
    "How long does it take to send money to Spain?",
    "I want to withdraw cash abroad, is there a fee?",
    "My parcel from you with the new card hasn't arrived",
    "Can I open a savings account for my son?",
    "What's the daily limit for taking out cash?",
    "I paid my plumber by bank transfer, can I see when it arrived?",
    "My new employer wants my sort code and account number for payroll",
    "The form asked for my postcode and a discount code",
]


@pytest.mark.parametrize(("signal", "message"), SCAMS.items())
def test_each_typology_is_a_scam_signal(signal, message):
    risk = ScamSignals().assess(message, NOTHING_ROUTED)
    assert risk.scam and signal in risk.signals


@pytest.mark.parametrize("message", ORDINARY)
def test_ordinary_banking_raises_no_signal(message):
    assert not ScamSignals().assess(message, NOTHING_ROUTED).scam


FOLLOW_UPS = {
    "money_moved": "I've sent £400 already, I need to do the rest now",
    "asks_to_go_ahead": "should I read him the numbers?",
    "code_passed_on": "ok so I put the code from the text in there?",
    "pressure": "they're waiting on the other line",
    "pays_a_bill_or_fee": "it's to pay off the tax bill they said I owe",
    "wants_it_back": "is there any chance of getting my money back?",
    "asks_what_now": "what do i do now",
}


@pytest.mark.parametrize(("signal", "message"), FOLLOW_UPS.items())
def test_a_follow_up_in_a_scam_conversation_is_the_scam_going_on(signal, message):
    risk = ScamSignals().assess(message, NOTHING_ROUTED, Story(scam_so_far=True))
    assert risk.scam and signal in risk.signals


@pytest.mark.parametrize("message", FOLLOW_UPS.values())
def test_the_same_follow_up_alone_raises_nothing(message):
    assert not ScamSignals().assess(message, NOTHING_ROUTED).scam


def test_a_scam_call_warns_again_on_the_follow_up(make_assistant):
    assistant = make_assistant()
    first = assistant.turn("Someone from your fraud team rang, he wants me to move my savings")
    follow_up = assistant.turn(
        "I already sent him five hundred pounds before I rang you", first.session_id
    )
    assert first.scam_warning and follow_up.scam_warning
    assert "money_moved" in follow_up.trace.risk.signals


MODEL_ONLY = [
    ("", "someone from the tax office rang, I owe unpaid tax and must pay today or be arrested"),
    ("", "my grandson texted from a new phone, he's in trouble and needs £900 for a solicitor"),
    ("", "I was told to buy £500 of Apple gift cards and read out the numbers on the back"),
]


@pytest.fixture(scope="module")
def shipped():
    return ScamSignals.shipped(min_vote=0.3)


@pytest.mark.parametrize(("earlier", "message"), MODEL_ONLY)
def test_the_scam_model_reads_stories_the_rules_miss(shipped, earlier, message):
    assert not ScamSignals().assess(message, NOTHING_ROUTED, Story(earlier=earlier)).scam
    risk = shipped.assess(message, NOTHING_ROUTED, Story(earlier=earlier))
    assert risk.scam and risk.signals == ("scam_model",)


@pytest.mark.parametrize("message", ORDINARY)
def test_the_scam_model_leaves_ordinary_banking_alone(shipped, message):
    assert not shipped.assess(message, NOTHING_ROUTED).scam


def test_a_story_told_over_two_turns_is_read_together(shipped):
    earlier = "a man rang saying he's from your fraud department and my account is compromised"
    message = "he's given me a sort code for the new account"
    assert not shipped.assess(message, NOTHING_ROUTED).scam
    assert shipped.assess(message, NOTHING_ROUTED, Story(earlier=earlier)).signals == (
        "scam_model",
    )


def test_stepping_back_after_a_warning_is_not_read_with_the_story(shipped):
    earlier = "a man rang saying he's from your fraud department and my account is compromised"
    message = "ok I hung up on him, thank you"
    assert not shipped.assess(
        message, NOTHING_ROUTED, Story(scam_so_far=True, earlier=earlier)
    ).scam


ON_ANOTHER_MATTER = [
    ("transfer_not_received_by_recipient", "she says it's definitely left her account"),
    ("declined_transfer", "i've done it three times now and he's stood here waiting for it"),
    (
        "balance_not_updated_after_cheque_or_cash_deposit",
        "It was from my nan for my birthday, £150, paid in at the post office counter",
    ),
]


@pytest.mark.parametrize(("topic", "message"), ON_ANOTHER_MATTER)
def test_a_short_message_on_another_banking_matter_is_not_a_scam_by_its_vote(
    retriever, topic, message
):
    routed = retriever.retrieve(message)
    alone = ScamSignals().assess(message, routed)
    assert alone.signals == ("scam_intent",)  # a few words, alone, lean towards the scam topic
    assert not ScamSignals().assess(message, routed, Story(topic=topic)).scam
    assert ScamSignals().assess(message, routed, Story(topic="scam")).scam
    assert ScamSignals().assess(message, routed, Story(scam_so_far=True, topic=topic)).scam


def test_a_named_signal_still_counts_on_another_matter():
    message = "he says he's from the fraud team and I need a safe account"
    assert ScamSignals().assess(message, NOTHING_ROUTED, Story(topic="make_transfer")).scam


def test_on_another_banking_matter_the_scam_model_is_not_asked(shipped):
    message = "About £7,000."
    assert shipped.assess(message, NOTHING_ROUTED).signals == ("scam_model",)
    assert not shipped.assess(message, NOTHING_ROUTED, Story(topic="branches")).scam
