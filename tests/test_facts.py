from pathlib import Path

import pytest

from knowledge.facts import UnknownFactError, load_facts, referenced_facts, render


def test_render_substitutes_every_reference():
    facts = {"cards.fee": "£5", "bank.name": "Lindenbrook Bank"}
    text = render("{{bank.name}} charges {{ cards.fee }}.", facts)
    assert text == "Lindenbrook Bank charges £5."


def test_render_refuses_unknown_fact():
    with pytest.raises(UnknownFactError) as error:
        render("It costs {{cards.nothing}}.", {"cards.fee": "£5"})
    assert error.value.args[0] == "cards.nothing"


def test_referenced_facts_in_order():
    assert referenced_facts("{{a.b}} and {{c.d}}") == ["a.b", "c.d"]


def test_empty_fact_is_an_error(tmp_path: Path):
    sheet = tmp_path / "facts.yaml"
    sheet.write_text("cards:\n  fee: ''\n")
    with pytest.raises(ValueError, match=r"cards\.fee has no value"):
        load_facts(sheet)
