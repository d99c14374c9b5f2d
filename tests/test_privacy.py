"""Personal data never lands: the real Presidio redactor with Teller's UK rules, and the
store's masking boundary checked on the bytes of the SQLite file itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.store import Store, UnmaskedWriteError
from bot.trace import DecisionRecord, GenerationRecord, Part, Ticket, TurnTrace
from bot.types import Action
from evals.stored import database_bytes, leaked
from knowledge.exemplars import read_jsonl
from voice.listen import Transcript

DEV = Path(__file__).parent.parent / "evals" / "data" / "dev"
DEV_CORPUS = DEV / "pii_messages.jsonl"
# Written to defeat a pattern-based masker, and by more writers: a few messages still
# get through (names without any cue, foreign addresses, a phone typed with letter O's);
# docs/privacy-and-security.md lists what and why.
HARDER_CORPORA = {
    "pii_messages_2.jsonl": (300, 5),
    "pii_messages_3.jsonl": (250, 3),
    "pii_messages_4.jsonl": (260, 3),
    "pii_messages_5.jsonl": (240, 2),
    "pii_messages_6.jsonl": (260, 0),
    "pii_messages_7.jsonl": (240, 2),
}

# What the review found stored raw, one case per kind, in the formats customers use.
UK_CASES = [
    ("My Mastercard is 2221 0012 3412 3456", "2221 0012 3412 3456"),
    ("card number 4929.1234.5678.9012 was charged twice", "4929.1234.5678.9012"),
    ("sort code 404132 account 71234567", "404132"),
    ("sort code 404132 account 71234567", "71234567"),
    ("NI number QQ 12 34 56 C", "QQ 12 34 56 C"),
    ("send it to 14 Elm Grove, Leeds LS6 2AB please", "14 Elm Grove"),
    ("send it to 14 Elm Grove, Leeds LS6 2AB please", "LS6 2AB"),
    ("my date of birth is 03/03/1985", "03/03/1985"),
    ("born on the 3rd of March 1985", "3rd of March 1985"),
    ("the one-time code was 552 019", "552 019"),
    ("my PIN is 4821", "4821"),
    ("the CVV on the back is 737", "737"),
    ("call me on +44 7700 900123", "+44 7700 900123"),
    ("Hi, my name is Priya Patel and my card is stuck", "Priya Patel"),
    ("my password is Tulip!2024", "Tulip!2024"),
    ("passport number 123456789", "123456789"),
    ("IBAN GB33 BUKB 2020 1555 5555 55", "GB33 BUKB 2020 1555 5555 55"),
    ("um my pin is four eight two one", "four eight two one"),
    ("the card is four five five six double seven three one", "four five five six"),
    ("the site wanted it as 4000_0566_5566_5556", "4000_0566_5566_5556"),
    (
        "its five four five four then five four five four then five four five four then five"
        " four five four",
        "five four five four then five four five four",
    ),
    ("four triple two then four twos then four twos then four twos", "four twos then four"),
    ("and it expires september twenty eight", "september twenty eight"),
    ("4111 1111 1111 1111, 482 is on the back", "482"),
    # Forms a fresh writer found after the rules above were written.
    ("my card number is 4O12 888O 1234 5O67 can you block it", "4O12 888O 1234 5O67"),
    ("card 4929\u200b1234\u200b5678\u200b9012 was taken", "4929\u200b1234"),
    ("it's 4929,1234,5678,9012", "4929,1234,5678,9012"),
    ("four nine two nine treble one two three four five six seven eight nine", "treble one"),
    ("my address is BFPO 57 while I'm posted abroad", "BFPO 57"),
    ("i moved to 88a kingsway , manchster M14 5XY", "88a kingsway"),
    ("Please update it to 14 Kingsway, Leeds", "14 Kingsway"),
    ("um it's rose cottage church road there's no number", "rose cottage church road"),
    ("the new one is three the paddocks wokingham", "three the paddocks"),
    ("we're at lower barn off mill road it's a farm track", "lower barn off mill road"),
    ("my house is sixty two a oakfield road", "sixty two a oakfield road"),
    ("24 victoria rd is the old address", "24 victoria rd"),
    ("Badgers Rest, RG9 4JP - there's no house number", "Badgers Rest"),
    ("forward my post to 3 Rue des Lilas, 69003 Lyon", "3 Rue des Lilas"),
    ("the postcode is el ess six, two ay bee", "el ess six, two ay bee"),
    ("postcode l s 6 2 a b", "l s 6 2 a b"),
    ("ell seventeen eight ex double you thats liverpool", "ell seventeen eight ex double you"),
    ("It is 4l11 l111 1lll 1111 I think, the print is worn", "4l11 l111 1lll 1111"),
    ("CARD:4111111111111111 NAME:TOMASZ WIERZBICKI - pls update", "TOMASZ WIERZBICKI"),
    ("It says cardholder P ASHWORTH on the letter", "P ASHWORTH"),
    ("postcode is BS7 then 9HX, house is 12", "BS7 then 9HX"),
    ("first line: Ty Gwyn, second line: 4 Heol y Coed", "4 Heol y Coed"),
    ("i'm the carer for mr dobson and he's worried", "dobson"),
    ("Send the statement to m_okonkwo87 @ example . com", "m_okonkwo87 @ example . com"),
    ("Verification text said: G-418822 is your code", "G-418822"),
    ("Password (case sensitive!!): mYdOgIsCaLlEdRuFuS", "mYdOgIsCaLlEdRuFuS"),
    ("If it helps for ID: Teodora Marinescu, born 4/5/1990", "Teodora Marinescu"),
    ("card number is for two for two for two for two for two for two", "for two for two"),
]


@pytest.mark.parametrize(("message", "secret"), UK_CASES)
def test_uk_personal_data_is_masked(redactor, message, secret):
    redaction = redactor.redact(message)
    assert secret not in redaction.text and redaction.entities


def test_every_string_of_the_development_corpus_is_masked(redactor):
    """The corpus the rules were written against: nothing may get through."""
    leaks = []
    for row in read_jsonl(DEV_CORPUS):
        masked = redactor.mask(row["text"])
        leaks += [(value, masked) for value in leaked(row["must_not_store"], masked.encode())]
    assert leaks == []


@pytest.mark.parametrize("name", sorted(HARDER_CORPORA))
def test_the_harder_development_corpora_are_nearly_all_masked(redactor, name):
    rows = read_jsonl(DEV / name)
    leaking = [
        row["text"]
        for row in rows
        if leaked(row["must_not_store"], redactor.mask(row["text"]).encode())
    ]
    total, most = HARDER_CORPORA[name]
    assert len(rows) == total and len(leaking) <= most


def test_ordinary_numbers_are_mostly_left_alone(redactor):
    clean = [row["text"] for row in read_jsonl(DEV_CORPUS) if not row["must_not_store"]]
    unchanged = [text for text in clean if redactor.mask(text) == text]
    assert len(clean) >= 20 and len(unchanged) / len(clean) >= 0.9
    assert redactor.mask("I paid £1,250.00 on 12/03 for 2 cards, ref T-20931") == (
        "I paid £1,250.00 on 12/03 for 2 cards, ref T-20931"
    )


def test_masking_is_idempotent(redactor):
    once = redactor.mask("Card 4556 7375 8689 9855, pin 4821, my name is Sam Lee")
    assert redactor.mask(once) == once and "[card number]" in once and "[name]" in once


def trace_full_of(secrets: dict[str, str], session: str) -> TurnTrace:
    """A turn whose every text field carries personal data (as if a stage had missed it)."""
    return TurnTrace(
        session,
        channel="voice",
        message=f"my card is {secrets['card']}",
        transcript=Transcript(
            f"my pin is {secrets['pin']}", "en", "base", -0.2, 0.01, 0.9, 3.0, 2.5, None
        ),
        decision=DecisionRecord(Action.ESCALATE, "customer_request", "human_agent"),
        generation=GenerationRecord(
            backend="scripted",
            source="approved",
            prompt=f"The customer said: sort code {secrets['sort_code']}",
            raw_text=f"Your date of birth is {secrets['dob']}",
        ),
        parts=(Part(f"Thanks, we'll call {secrets['phone']}.", "teller"),),
        ticket=Ticket(
            "LB-TEST01",
            "customer_request",
            f"Customer {secrets['name']} wants a person",
            (("customer", f"I'm {secrets['name']}, NI {secrets['ni']}"),),
            ("neutral",),
        ),
        errors=(f"lookup failed for {secrets['email']}",),
    )


SECRETS = {
    "card": "4556 7375 8689 9855",
    "pin": "4821",
    "sort_code": "40-41-32",
    "dob": "03/03/1985",
    "phone": "07700 900123",
    "name": "Priya Patel",
    "ni": "QQ123456C",
    "email": "priya.patel@example.com",
}


def test_the_store_masks_every_field_on_disk(redactor, tmp_path):
    url = f"sqlite:///{tmp_path / 'teller.db'}"
    store = Store(url, mask=redactor.mask)
    store.add_turn(trace_full_of(SECRETS, "s1"))
    on_disk = database_bytes(url)
    assert leaked(SECRETS.values(), on_disk) == []
    exported = json.dumps(store.export("s1"))
    assert leaked(SECRETS.values(), exported.encode()) == []
    assert "[card number]" in exported and "[PIN]" in exported and "[name]" in exported


def test_a_store_without_a_mask_refuses_to_write(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'teller.db'}")
    with pytest.raises(UnmaskedWriteError):
        store.add_turn(trace_full_of(SECRETS, "s1"))


def test_the_pipeline_stores_nothing_of_what_a_customer_types(make_assistant, tmp_path):
    url = f"sqlite:///{tmp_path / 'pipeline.db'}"
    from bot.store import Store as RealStore

    assistant = make_assistant()
    assistant.store = RealStore(url, mask=assistant.redactor.mask)
    first = assistant.turn("Hi, I'm Priya Patel. My card 4556 7375 8689 9855 was stolen")
    assistant.turn("I want to speak to a person, call me on 07700 900123", first.session_id)
    assert leaked(["Priya Patel", "4556 7375 8689 9855", "07700 900123"], database_bytes(url)) == []
