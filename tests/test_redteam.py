"""``teller bench redteam``'s PII check on small samples: it finds what is in the file."""

from __future__ import annotations

from bot.store import Store
from bot.trace import TurnTrace
from evals.redteam import PII_SETS, personal_data
from knowledge.exemplars import read_jsonl


def test_masked_turns_leave_nothing_in_the_file(make_assistant, redactor, tmp_path):
    url = f"sqlite:///{tmp_path / 'redteam.db'}"
    assistant = make_assistant(store=Store(url, mask=redactor.mask))
    rows = read_jsonl(PII_SETS["development"])[:12]
    report = personal_data(assistant, url, rows, "sample")
    assert report["messages"] == 12 and report["cases_stored"] == 0


def test_the_check_finds_a_value_stored_unmasked(make_assistant, redactor, tmp_path):
    url = f"sqlite:///{tmp_path / 'redteam.db'}"
    Store(url, mask=str).add_turn(TurnTrace("raw", message="my pin is 4821"))  # no mask
    assistant = make_assistant(store=Store(url, mask=redactor.mask))
    leaky = {"text": "my pin is 4821", "channel": "text", "must_not_store": ["4821"]}
    report = personal_data(assistant, url, [{**leaky, "kinds": ["pin"]}], "leaky")
    assert report["cases_stored"] == 1 and report["stored_by_kind"] == {"pin": "1/1"}
