"""The `teller` command as a user runs it: JSON shape, sessions, export, bad input."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.trace import TurnTrace

pytestmark = pytest.mark.slow

TELLER = str(Path(sys.executable).parent / "teller")
REPLY_KEYS = {
    "answer", "action", "intent", "faq_ids", "confidence", "emotion", "tone", "escalate",
    "scam_warning", "citations", "grounded", "session_id", "latency_ms",
}  # fmt: skip


def run(*args: str, stdin: bytes | None = None, **env: str) -> subprocess.CompletedProcess:
    """The real command, on the extractive backend (the LLM has its own tests)."""
    environment = {**os.environ, "TELLER_LLM": "extractive", **env}
    return subprocess.run(
        [TELLER, *args], input=stdin, capture_output=True, timeout=300, env=environment
    )


def ask(*args: str) -> dict:
    result = run("ask", *args, "--json")
    assert b"Traceback" not in result.stderr, result.stderr.decode()
    return json.loads(result.stdout)


def test_ask_json_shape():
    reply = ask("my card hasn't arrived yet")
    assert set(reply) >= REPLY_KEYS
    assert reply["action"] == "answer"
    assert reply["intent"] == "card_arrival"
    assert reply["faq_ids"] == ["card-arrival"]
    assert reply["citations"][0]["faq_id"] == "card-arrival"
    assert reply["hits"][0]["intent"] == "card_arrival"
    assert 0 < reply["confidence"] <= 1


def test_ask_continues_a_session_and_exports_it(tmp_path):
    first = ask("I want to send money to my sister in Spain")
    follow_up = ask("and how long will that take?", "--session", first["session_id"])
    assert follow_up["session_id"] == first["session_id"]
    assert follow_up["intent"] in ("make_transfer", "transfer_timing")
    out = tmp_path / "conversation.json"
    result = run("export", first["session_id"], "--out", str(out))
    assert result.returncode == 0, result.stderr.decode()
    exported = json.loads(out.read_text())
    assert [t["customer"] for t in exported["turns"]] == [
        "I want to send money to my sister in Spain",
        "and how long will that take?",
    ]
    assert TurnTrace.from_json(exported["turns"][1]["audit"]).retrieval.used_history


def test_export_unknown_session_is_a_clear_error():
    result = run("export", "no-such-session")
    assert result.returncode == 1
    assert b"no conversation no-such-session" in result.stderr


def test_ask_plain_text_cites_its_source():
    result = run("ask", "how do I change my PIN?")
    assert result.returncode == 0
    assert "sources: change-pin" in result.stderr.decode()


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("ask", "", "--json"), None, "empty"),
        (("ask", "   ", "--json"), None, "empty"),
        (("ask", "x" * 100_000, "--json"), None, "the limit is"),
        (("ask", "-", "--json"), b"\x00\x01\x02\xff\xfe binary", "not readable text"),
        (("ask", "-", "--json"), "café".encode("latin-1"), "not readable text"),
    ],
)
def test_bad_input_gets_a_clear_message(args, stdin, message):
    result = run(*args, stdin=stdin)
    assert result.returncode == 2
    reply = json.loads(result.stdout)
    assert message in reply["error"]
    assert reply["action"] == "clarify"
    assert b"Traceback" not in result.stderr


def test_emoji_only_is_declined():
    reply = ask("😀🙏")
    assert reply["action"] == "decline"
    assert reply["faq_ids"] == []


def test_index_status_reports_up_to_date():
    result = run("index", "status")
    assert result.returncode == 0, result.stderr.decode()
    assert "up to date" in result.stdout.decode()


def test_bad_configuration_is_a_clear_error():
    result = run("ask", "hi", TELLER_MAX_HITS="many")
    assert result.returncode != 0
    assert b"TELLER_MAX_HITS" in result.stderr
    assert b"Traceback" not in result.stderr


def test_read_only_database_is_a_clear_message(tmp_path):
    database = tmp_path / "ro.db"
    run("ask", "hello", TELLER_DATABASE_URL=f"sqlite:///{database}")
    result = run(
        "ask",
        "how do I change my PIN?",
        "--json",
        TELLER_DATABASE_URL=f"sqlite:///file:{database}?mode=ro&uri=true",
    )
    assert b"Traceback" not in result.stderr
    reply = json.loads(result.stdout)
    assert reply["saved"] is False
    assert reply["faq_ids"] == ["change-pin"]


def test_purge_keeps_the_audit_and_drops_the_words(tmp_path):
    database = f"sqlite:///{tmp_path / 'purge.db'}"
    reply = json.loads(
        run("ask", "my card hasn't arrived yet", "--json", TELLER_DATABASE_URL=database).stdout
    )
    result = run("purge", "--older-than", "0", TELLER_DATABASE_URL=database)
    assert result.returncode == 0, result.stderr.decode()
    assert "Purged the text of 1 turns in 1 conversations" in result.stdout.decode()
    exported = json.loads(run("export", reply["session_id"], TELLER_DATABASE_URL=database).stdout)
    assert exported["turns"][0]["customer"] == "[purged]"
    assert exported["turns"][0]["audit"]["intent"] == "card_arrival"
    refused = run("purge", "--older-than", "-1", TELLER_DATABASE_URL=database)
    assert refused.returncode == 2 and b"0 or more" in refused.stderr


def test_warm_says_the_extractive_backend_has_no_llm():
    result = run("warm")
    assert result.returncode == 2 and b"no LLM to warm" in result.stderr
