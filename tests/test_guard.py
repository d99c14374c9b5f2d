"""The grounding guard and the streaming release that applies it sentence by sentence."""

from bot.checks import ClaimsSupported
from bot.guard import allowed_claims, check, claims
from bot.release import release

PASSAGE = (
    "Express delivery costs £5 and arrives the next working day. Call 020 7946 0100 "
    "or visit lindenbrook.example/cards; standard delivery takes 3 to 5 working days, "
    "interest is 3.10% AER. Write to complaints@lindenbrook.example."
)
ALLOWED = allowed_claims([PASSAGE])
CLAIMS = ClaimsSupported(frozenset(ALLOWED))


def test_claims_cover_numbers_money_percentages_urls_emails_and_worded_durations():
    found = claims(
        "Pay £1,250.50 (2.5%) within three working days at www.bank.example/x "
        "or mail help@bank.example."
    )
    assert {"£1250.50", "2.5%", "3", "bank.example/x", "help@bank.example"} <= found


def test_grounded_reply_passes():
    verdict = check("Express costs £5; it takes 3 to 5 working days. Rate: 3.10%.", ALLOWED)
    assert verdict.grounded


def test_worded_number_is_checked_like_digits():
    assert check("It takes five working days.", ALLOWED).grounded
    assert not check("It takes seven working days.", ALLOWED).grounded


def test_invented_fee_phone_url_and_email_are_caught():
    verdict = check(
        "It costs £7.50, call 020 7946 0155, see lindenbrook.example/fees or a@b.example",
        ALLOWED,
    )
    assert not verdict.grounded
    assert set(verdict.unsupported) == {"£7.50", "0155", "lindenbrook.example/fees", "a@b.example"}


def test_release_streams_plain_text_at_once():
    released, held, verdict = release("Sure, I can help with ", CLAIMS)
    assert (released, held, verdict) == ("Sure, I can help with ", "", None)


def test_release_holds_a_sentence_with_a_figure_until_it_ends():
    released, held, verdict = release("Happy to help. It costs £", CLAIMS)
    assert released == "Happy to help. "
    assert held == "It costs £"
    released, held, verdict = release(held + "5 for express. Then", CLAIMS)
    assert released == "It costs £5 for express. Then"
    assert verdict is None


def test_release_stops_on_an_unsupported_sentence():
    released, held, verdict = release("It costs £9 for express. More", CLAIMS)
    assert released == ""
    assert held == "It costs £9 for express. More"
    assert verdict is not None and verdict.unsupported == ("£9",)


def test_numbered_list_markers_are_not_claims():
    assert claims("Steps:\n1. Open the app.\n2. Tap Cards.\n12) Done.") == set()
