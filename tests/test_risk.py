"""Scam signals: the typologies of authorised push-payment fraud in a customer's own
words, and ordinary messages that share their words."""

from __future__ import annotations

import pytest

from bot.risk import ScamSignals
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
    risk = ScamSignals().assess(message, NOTHING_ROUTED, scam_so_far=True)
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
