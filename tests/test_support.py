"""Claims read in context, sentence splitting, and the sentence support check."""

from __future__ import annotations

import pytest

from bot.claims import Claim, allowed_claims, claims, unsupported
from bot.sentences import split_sentences
from bot.signals import Requests, read_requests
from bot.support import MIN_OVERLAP, SupportChecker

APPROVED = (
    "Express delivery costs £5 and arrives the next working day. Standard delivery takes "
    "3 to 5 working days. Call us on 020 7946 0100 or visit lindenbrook.example/cards. "
    "Easy Saver pays 3.10% AER."
)
ALLOWED = allowed_claims([APPROVED])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It is fifty pounds.", {Claim("money", "50", "GBP")}),
        ("£1,250.50 or €3k", {Claim("money", "1250.5", "GBP"), Claim("money", "3000", "EUR")}),
        ("Only 75p.", {Claim("money", "0.75", "GBP")}),
        ("thirty-seven percent", {Claim("percent", "37", "%")}),
        ("2 . 5 % a year", {Claim("percent", "2.5", "%")}),
        ("two hundred and fifty pounds", {Claim("money", "250", "GBP")}),
        ("within 48 hours", {Claim("duration", "48", "hour")}),
        ("seven to ten business days", {Claim("duration", "7", "working day"),
                                         Claim("duration", "10", "working day")}),
        ("+44 (0)20 7946 0100", {Claim("phone", "02079460100")}),
        ("help[.]lindenbrook-refunds[.]net", {Claim("web", "help.lindenbrook-refunds.net")}),
        ("www . lindenbrook-verify . co . uk", {Claim("web", "lindenbrook-verify.co.uk")}),
        ("claims at lindenbrook dot co dot uk", {Claim("email", "claims@lindenbrook.co.uk")}),
        ("one of our team will call", set()),
        ("Steps:\n1. Open the app.\n2. Tap Cards.", set()),
        ("open 8am to 10pm", {Claim("time", "8:00am"), Claim("time", "10:00pm")}),
    ],
)  # fmt: skip
def test_claims_are_read_in_context(text, expected):
    assert claims(text) == expected


def test_a_figure_supports_only_the_same_claim():
    assert unsupported("It costs 5 pounds.", ALLOWED) == ()
    assert unsupported("It is 5 percent.", ALLOWED) == ("5 %",)
    assert unsupported("It takes 5 days.", ALLOWED) == ("5 day",)
    assert unsupported("Ring 020 7946 0155.", ALLOWED) == ("02079460155",)
    assert unsupported("Ring +44 20 7946 0100.", ALLOWED) == ()


def test_the_phone_number_is_one_claim_not_three_numbers():
    assert claims("Call 020 7946 0100") == {Claim("phone", "02079460100")}


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Rates are 3.10% AER. Visit lindenbrook.example/cards.", 2),
        ("E.g. this one! And then? Yes", 3),
        ("Steps:\n1. Open the app.\n2. Tap Cards.", 3),
        ("Mr. Smith called. He left", 2),
    ],
)
def test_sentences_end_where_a_reader_would_end_them(text, sentences):
    assert len(split_sentences(text)) == sentences


CHECKER = SupportChecker([APPROVED], fixed=["I'm passing you to one of our team now."])


def test_an_approved_sentence_is_supported_verbatim():
    verdicts = CHECKER.check_text(APPROVED)
    assert all(v.supported and v.reason == "approved sentence" for v in verdicts)


def test_a_close_paraphrase_with_approved_figures_is_supported():
    verdict = CHECKER.check("Standard delivery takes 3 to 5 working days")
    assert verdict.supported
    assert CHECKER.check("Express delivery arrives the next working day for £5.").supported


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("Express delivery costs £9 and arrives the next working day.", "claims"),
        ("Yes, you will get that money back.", "promise"),
        ("I have frozen your card and refunded the payment already.", "action"),
        ("Sure, I'll check on your new card.", "action"),
        ("If I were you I would move your savings.", "advice"),
        ("Style: The customer is in a good mood. Be warm and brief.", "style"),
        ("Honestly, this is ridiculous.", "insult"),
        ("You can use the international ATM feature available at most banks.", "advice"),
        ("Move your money to the new safe account we opened for you.", "fraud"),
        ("Please read me the six-digit code we just texted you.", "fraud"),
        ("Our app lets you set a travel notice for each country.", "overlap"),
    ],
)
def test_unsupported_sentences_are_caught_with_their_reason(sentence, reason):
    verdict = CHECKER.check(sentence)
    assert not verdict.supported and verdict.reason.startswith(reason)


@pytest.mark.parametrize(
    ("text", "person", "dissatisfied"),
    [
        ("Escalate this to a human agent immediately, I'm sick of automated answers", True, False),
        ("No, I don't want to explain it to a bot. A person, please.", True, False),
        ("put me through to an advisor", True, False),
        ("How do I send money to a person abroad?", False, False),
        ("Can someone else use my card?", False, False),
        ("You keep giving me the same answer", False, True),
        ("that doesn't help at all", False, True),
        ("thank you, that helped", False, False),
    ],
)
def test_what_the_customer_asks_of_the_conversation(text, person, dissatisfied):
    read = read_requests(text)
    assert (read.person, read.dissatisfied) == (person, dissatisfied)


@pytest.mark.parametrize(
    ("text", "again"),
    [
        ("You keep giving me the same answer", True),
        ("Still not helpful.", True),
        ("that's the second time, it doesn't help", True),
        ("that doesn't help at all", False),
        ("That's not what I asked. I want it closed.", False),
    ],
)
def test_saying_the_answers_keep_failing_is_told_from_saying_it_once(text, again):
    assert read_requests(text) == Requests(dissatisfied=True, again=again)


def test_the_support_benchmark_calibrates_on_one_half_and_scores_the_other(settings):
    from evals.support import run

    report = run(settings)
    assert report["labelled_sentences"] >= 500
    halves = report["calibration"]["sentences"] + report["held_out"]["sentences"]
    assert halves == report["labelled_sentences"]
    assert 0 < report["held_out"]["precision"] < 1 and 0 < report["held_out"]["recall"] < 1
    assert report["chosen_threshold"] == MIN_OVERLAP  # the shipped threshold is the calibrated one
