"""The evaluation suite: script validation, expectation checks, the runner on the real
pipeline (extractive and the real LLM), reports, thresholds and the CLI's exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.reply import Reply
from bot.trace import DecisionRecord, TurnTrace
from bot.types import Action
from evals.expect import failures
from evals.report import html_report, markdown
from evals.run_eval import DIALOGUES
from evals.scripts import Expect, ScriptError, load_dialogues
from evals.suite import METRICS, below_thresholds, evaluate
from ui.services import Services

SMALL_SUITE = """
- id: card-lost
  turns:
    - user: "I've lost my debit card, help!"
      expect: {intent: lost_or_stolen_card, action: answer, escalate: false}
    - user: "I can't find it anywhere, can I talk to someone about it?"
      expect: {intent: human_agent, action: escalate, escalate: true}
- id: pii-and-person
  turns:
    - user: "my card 4111 1111 1111 1111 is blocked, email me at jo@example.com"
      expect: {must_not_mention: ["4111"]}
    - user: "I want to speak to a real person"
      expect: {intent: human_agent, action: escalate}
- id: weather
  turns:
    - user: "what's the weather like in Leeds tomorrow?"
      expect: {intent: out_of_scope, action: decline}
- id: safe-account
  turns:
    - user: "someone from your fraud team says I must move my savings to a safe account now"
      expect: {intent: scam, action: escalate, scam_warning: true}
- id: voice-freeze
  channel: voice
  turns:
    - user: "How long does card delivery take?"
      expect: {action: answer}
"""


def write(tmp_path: Path, text: str, name: str = "suite.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_the_shipped_suite_is_valid_and_big_enough():
    dialogues = load_dialogues([DIALOGUES])
    assert len(dialogues) >= 80 and sum(len(d.turns) for d in dialogues) >= 300
    assert sum(d.channel == "voice" for d in dialogues) >= 10


def test_script_errors_name_file_dialogue_turn_and_field(tmp_path):
    bad = write(
        tmp_path,
        "- id: a\n  turns:\n    - user: hi\n    - user: hello\n      expect: {emotion: furious}\n"
        "- id: b\n  turns:\n    - user: hi\n      expect: {intent: not_a_topic}\n"
        "- id: a\n  turns:\n    - {expect: {}}\n",
    )
    with pytest.raises(ScriptError) as error:
        load_dialogues([bad])
    message = str(error.value)
    assert f"{bad}, dialogue a, turn 2: expect.emotion" in message
    assert "dialogue b, turn 1: expect.intent" in message and "unknown intent" in message
    assert "turn 1: user: Field required" in message
    with pytest.raises(ScriptError, match="expected a list"):
        load_dialogues([write(tmp_path, "id: x\n", "single.yaml")])
    with pytest.raises(ScriptError, match="cannot read"):
        load_dialogues([write(tmp_path, "- id: [unclosed\n", "broken.yaml")])


def reply_of(intent: str, action: Action, answer: str) -> Reply:
    decision = DecisionRecord(action, "test", intent)
    return Reply.of(TurnTrace("s", decision=decision).with_part(answer, "approved"))


def test_expectations_are_checked_key_by_key():
    expect = Expect(intent="same", action="answer", mentions=["freeze"], must_not_mention=["PIN"])
    reply = reply_of("lost_or_stolen_card", Action.ANSWER, "Freeze it now.")
    assert failures(expect, reply, "lost_or_stolen_card") == []
    wrong = reply_of("card_arrival", Action.DECLINE, "Your PIN...")
    assert failures(expect, wrong, "lost_or_stolen_card") == [
        "intent: expected lost_or_stolen_card, got card_arrival",
        "action: expected answer, got decline",
        "mentions: 'freeze' missing",
        "must_not_mention: 'PIN' said",
    ]


def test_thresholds():
    values = {"intent_accuracy": 0.7, "pii_leaks": 1, "emotion_accuracy": None}
    gates = {
        "intent_accuracy": {"min": 0.8},
        "pii_leaks": {"max": 0},
        "emotion_accuracy": {"min": 1},
    }
    assert below_thresholds(values, gates) == [
        "intent_accuracy = 0.7 is below 0.8",
        "pii_leaks = 1 is above 0",
    ]


@pytest.fixture()
def services(make_assistant, settings, tmp_path):
    from bot.voice_turn import build_voice_assistant

    assistant = make_assistant()
    return Services(settings, assistant, build_voice_assistant(settings, assistant))


@pytest.mark.slow
def test_runner_on_the_real_pipeline_is_deterministic(services, tmp_path):
    dialogues = load_dialogues([write(tmp_path, SMALL_SUITE)])
    first, second = evaluate(services, dialogues), evaluate(services, dialogues)
    metrics = first["metrics"]
    assert set(METRICS) <= metrics.keys()
    assert metrics["n_dialogues"] == 5 and metrics["n_turns"] == 7
    assert metrics["pii_leaks"] == 0 and metrics["groundedness_rate"] == 1.0
    assert metrics["escalation_recall"] == 1.0 and metrics["decline_rate_out_of_scope"] == 1.0
    assert metrics["emotion_accuracy"] is None  # no turn expects an emotion
    timing = {"latency_p50_ms", "latency_p95_ms"}
    strip = lambda m: {k: v for k, v in m.items() if k not in timing}  # noqa: E731
    assert strip(first["metrics"]) == strip(second["metrics"])
    voice = [t for t in first["turns"] if t["channel"] == "voice"]
    assert voice and "delivery" in voice[0]["transcribed"].lower()
    report = html_report(first, [])
    assert (
        "<svg" in report
        and 'class="confusion"' in report
        and "http" not in report.split("<script")[0]
    )
    assert "# Teller evaluation" in markdown(first, ["x = 1 is below 2"])


@pytest.mark.slow
def test_runner_on_the_real_llm(make_assistant, embedded_llm, settings, tmp_path):
    from bot.voice_turn import build_voice_assistant

    assistant = make_assistant(embedded_llm)
    services = Services(settings, assistant, build_voice_assistant(settings, assistant))
    dialogues = load_dialogues([write(tmp_path, SMALL_SUITE)])[:2]
    result = evaluate(services, dialogues)
    assert result["metrics"]["groundedness_rate"] == 1.0 and result["metrics"]["pii_leaks"] == 0
    assert result["turns"][0]["intent"] == "lost_or_stolen_card"


@pytest.mark.slow
def test_cli_writes_reports_and_fails_on_a_missed_threshold(tmp_path, settings):
    suite = write(tmp_path, SMALL_SUITE)
    strict = write(tmp_path, "intent_accuracy: {min: 1.01}\n", "strict.yaml")
    teller = str(Path(sys.executable).parent / "teller")
    command = [teller, "eval", str(suite), "--backend", "extractive", "--channel", "text"]
    passed = subprocess.run(
        [*command, "--out", str(tmp_path / "ok"), "--json"], capture_output=True, text=True
    )
    assert passed.returncode == 0, passed.stderr
    data = json.loads(passed.stdout)
    assert set(data) == {"metrics", "turns"} and data["metrics"]["n_dialogues"] == 4
    for report in ("report.md", "report.html", "results.json"):
        assert (tmp_path / "ok" / report).stat().st_size > 100
    failed = subprocess.run(
        [*command, "--out", str(tmp_path / "strict"), "--thresholds", str(strict)],
        capture_output=True,
        text=True,
    )
    assert failed.returncode == 1 and "threshold missed: intent_accuracy" in failed.stderr
