"""The shipped corpus is complete and consistent; validation names file and entry."""

import re
import shutil
from pathlib import Path

import pytest

from knowledge import DATA_DIR
from knowledge.corpus import CorpusError, load_corpus

NUMBER = re.compile(r"\d")


def test_every_banking77_intent_has_an_approved_entry(corpus):
    assert len(corpus.intents.banking77) == 77
    missing = [i for i in corpus.intents.banking77 if i not in corpus.by_intent]
    assert missing == []


def test_at_least_thirty_more_topics(corpus):
    extra = [e for e in corpus.entries if e.intent in corpus.intents.extra]
    assert len(extra) >= 30
    for topic in (
        "human_agent",
        "scam",
        "complaint",
        "greeting",
        "thanks",
        "savings",
        "mortgage",
        "branches",
        "statements",
        "bank_contact_policy",
    ):
        assert topic in corpus.by_intent, topic


def test_every_figure_comes_from_the_facts_sheet(corpus):
    """Facts are substituted, so each digit in an answer is part of some fact's value."""
    fact_values = " ".join(corpus.facts.values())
    for entry in corpus.entries:
        for number in re.findall(r"[\d][\d,.:%]*\d|\d", entry.answer):
            assert number in fact_values, (entry.id, number)


def copy_corpus(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns("banking77", "exemplars"))
    return target


def write_faq(data: Path, name: str, text: str) -> None:
    (data / "faq" / name).write_text(text, encoding="utf-8")


ENTRY = """
- id: {id}
  intent: {intent}
  title: A title
  answer: {answer}
"""


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (
            ENTRY.format(id="card-arrival", intent="card_arrival", answer="Hello."),
            r"extra\.yaml: entry 'card-arrival': duplicate id \(also in cards\.yaml\)",
        ),
        (
            ENTRY.format(id="new-one", intent="buy_a_horse", answer="Hello."),
            r"extra\.yaml: entry 'new-one': unknown intent 'buy_a_horse'",
        ),
        (
            ENTRY.format(id="new-one", intent="card_arrival", answer="''"),
            r"extra\.yaml: entry 'new-one': answer is missing or empty",
        ),
        (
            ENTRY.format(id="new-one", intent="card_arrival", answer="It costs {{cards.gold}}."),
            r"extra\.yaml: entry 'new-one': answer references unknown fact 'cards\.gold'",
        ),
        (
            ENTRY.format(id="New_One", intent="card_arrival", answer="Hello."),
            r"extra\.yaml: entry 'New_One': id must be lowercase",
        ),
        (
            ENTRY.format(id="new-one", intent="card_arrival", answer="A. B. C. D. E. F."),
            r"extra\.yaml: entry 'new-one': answer has 6 sentences",
        ),
        ("- just a string\n", r"extra\.yaml: entry #1: must be a mapping"),
        ("id: [unclosed\n", r"extra\.yaml: not valid UTF-8 YAML"),
    ],
)
def test_validation_names_file_and_entry(tmp_path, entry, problem):
    data = copy_corpus(tmp_path)
    write_faq(data, "extra.yaml", entry)
    with pytest.raises(CorpusError) as error:
        load_corpus(data)
    assert re.search(problem, str(error.value)), str(error.value)


def test_all_problems_reported_at_once(tmp_path):
    data = copy_corpus(tmp_path)
    write_faq(
        data,
        "extra.yaml",
        ENTRY.format(id="a-b", intent="nope", answer="x")
        + ENTRY.format(id="c-d", intent="card_arrival", answer="Costs {{no.fact}}."),
    )
    with pytest.raises(CorpusError) as error:
        load_corpus(data)
    assert len(error.value.problems) == 2


def test_non_utf8_file_is_reported(tmp_path):
    data = copy_corpus(tmp_path)
    (data / "faq" / "latin1.yaml").write_bytes("- id: caf\xe9\n".encode("latin-1"))
    with pytest.raises(CorpusError, match=r"latin1\.yaml: not valid UTF-8 YAML"):
        load_corpus(data)


def test_content_hash_tracks_changes(tmp_path, corpus):
    data = copy_corpus(tmp_path)
    assert load_corpus(data).content_hash == corpus.content_hash
    facts = data / "facts.yaml"
    facts.write_text(facts.read_text().replace('express_fee: "£5"', 'express_fee: "£6"'))
    assert load_corpus(data).content_hash != corpus.content_hash
