"""The `teller` command as a user runs it: JSON shape and bad input, no tracebacks."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

TELLER = str(Path(sys.executable).parent / "teller")


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([TELLER, *args], input=stdin, capture_output=True, timeout=300)


def test_ask_json_shape():
    result = run("ask", "my card hasn't arrived yet", "--json")
    assert result.returncode == 0, result.stderr.decode()
    reply = json.loads(result.stdout)
    assert set(reply) >= {"query", "no_match", "top_similarity", "hits"}
    assert reply["no_match"] is False
    top = reply["hits"][0]
    assert set(top) == {"faq_id", "intent", "title", "score", "similarity"}
    assert top["intent"] == "card_arrival"


def test_ask_with_history():
    result = run(
        "ask", "how long does it take?", "--history", "I want to send money to Spain", "--json"
    )
    reply = json.loads(result.stdout)
    assert reply["used_history"] is True


def test_ask_plain_text_cites_its_source():
    result = run("ask", "how do I change my PIN?")
    assert result.returncode == 0
    assert "[source: change-pin" in result.stdout.decode()


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
    assert message in json.loads(result.stdout)["error"]
    assert b"Traceback" not in result.stderr


def test_emoji_only_is_no_match():
    result = run("ask", "😀🙏", "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["no_match"] is True


def test_index_status_reports_up_to_date():
    result = run("index", "status")
    assert result.returncode == 0, result.stderr.decode()
    assert "up to date" in result.stdout.decode()


def test_bad_configuration_is_a_clear_error():
    import os

    env = {**os.environ, "TELLER_MAX_HITS": "many"}
    result = subprocess.run([TELLER, "ask", "hi"], capture_output=True, env=env, timeout=120)
    assert result.returncode != 0
    assert b"TELLER_MAX_HITS" in result.stderr
    assert b"Traceback" not in result.stderr
