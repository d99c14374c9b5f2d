"""The understanding benchmark, on the held-out sets (``evals/data/heldout/``, written
by people who never saw the training data; nothing is tuned on them) or, for
development, on the dev sets (``evals/data/dev/``, written the same way, which rules
and thresholds may be tuned on).

Single messages, each in a new session: intent accuracy, in-scope messages wrongly
declined, out-of-domain messages declined, small talk recognised, emotion accuracy and
macro-F1, the latency of a whole turn (p50, p95) and of each stage. Dialogues, one
session each: intent accuracy on every turn and on later turns (follow-ups and topic
switches), escalation precision and recall, requests for a person honoured,
scam-warning recall. Replies are written by the extractive writer unless asked
otherwise: routing and emotion do not depend on it.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from bot.reply import Reply
from bot.settings import Settings
from bot.types import Action
from evals import EVAL_DATA
from evals.measure import machine, percentile_ms
from evals.scripts import load_dialogues
from evals.suite import macro_f1, metrics, ratio, run_dialogues
from knowledge.exemplars import read_jsonl
from ui.services import Services, build_services

SETS = {"heldout": EVAL_DATA / "heldout", "dev": EVAL_DATA / "dev"}
IN_SCOPE, SMALL_TALK, OUT_OF_DOMAIN = "in_scope", "small_talk", "out_of_domain"


@dataclass(frozen=True)
class LabelledMessage:
    text: str
    intent: str
    emotion: str
    kind: str


def read_messages(path: Path) -> list[LabelledMessage]:
    rows = read_jsonl(path)
    return [LabelledMessage(**row) for row in rows]


def single_messages(services: Services, messages: list[LabelledMessage]) -> dict:
    """Every message alone, in its own session."""
    replies, seconds = [], []
    for message in tqdm(messages, desc="messages", unit="msg"):
        started = time.perf_counter()
        replies.append(services.ask(message.text, services.session(None)))
        seconds.append(time.perf_counter() - started)
    pairs = list(zip(messages, replies, strict=True))
    in_scope = [(m, r) for m, r in pairs if m.kind == IN_SCOPE]
    small_talk = [(m, r) for m, r in pairs if m.kind == SMALL_TALK]
    outside = [(m, r) for m, r in pairs if m.kind == OUT_OF_DOMAIN]
    gold = [m.emotion for m in messages]
    got = [r.emotion.label for r in replies]
    return {
        "n": len(messages),
        "intent_accuracy": ratio(sum(r.intent == m.intent for m, r in pairs), len(pairs)),
        "in_scope_intent_accuracy": ratio(
            sum(r.intent == m.intent for m, r in in_scope), len(in_scope)
        ),
        "in_scope_wrongly_declined": ratio(
            sum(r.action is Action.DECLINE for _, r in in_scope), len(in_scope)
        ),
        "small_talk_recognised": ratio(
            sum(r.intent == m.intent for m, r in small_talk), len(small_talk)
        ),
        "out_of_domain_declined": ratio(
            sum(r.action is Action.DECLINE for _, r in outside), len(outside)
        ),
        "emotion_accuracy": ratio(sum(g == p for g, p in zip(gold, got, strict=True)), len(gold)),
        "emotion_macro_f1": macro_f1(gold, got),
        "emotion_predicted": dict(sorted(Counter(got).items())),
        "p50_ms": percentile_ms(seconds, 50),
        "p95_ms": percentile_ms(seconds, 95),
        "stage_p50_ms": stage_medians(replies),
    }


def stage_medians(replies: list[Reply]) -> dict[str, float]:
    """The median time of each stage of the turn, from the traces."""
    by_stage: dict[str, list[float]] = defaultdict(list)
    for reply in replies:
        for stage, took in reply.trace.timings_ms.items():
            by_stage[stage].append(took)
    return {stage: round(statistics.median(times), 2) for stage, times in by_stage.items()}


def conversations(services: Services, folder: Path) -> dict:
    """Every dialogue in ``folder``, one session each."""
    dialogues = load_dialogues([folder])
    results = run_dialogues(services, dialogues)
    suite = metrics(services, results, len(dialogues))
    later = [r for r in results if r.turn > 1 and r.expected_intent]
    person = [r for r in results if r.expected_intent == "human_agent"]
    return {
        "n_dialogues": suite["n_dialogues"],
        "n_turns": suite["n_turns"],
        "intent_accuracy": suite["intent_accuracy"],
        "later_turn_intent_accuracy": ratio(
            sum(r.reply.intent == r.expected_intent for r in later), len(later)
        ),
        "escalation_precision": suite["escalation_precision"],
        "escalation_recall": suite["escalation_recall"],
        "person_requests_honoured": ratio(sum(r.reply.escalate for r in person), len(person)),
        "person_requests": len(person),
        "scam_warning_recall": suite["scam_warning_recall"],
        "scam_warning_precision": suite["scam_warning_precision"],
        "out_of_scope_declined": suite["decline_rate_out_of_scope"],
        "emotion_accuracy": suite["emotion_accuracy"],
        "emotion_macro_f1": suite["emotion_macro_f1"],
        "turn_p50_ms": suite["latency_p50_ms"],
    }


def run(
    settings: Settings, limit: int | None = None, writer: str = "extractive", on: str = "heldout"
) -> dict:
    """The whole benchmark on one set (``heldout`` or ``dev``), on a scratch database
    (nothing is written to the real one)."""
    settings = settings.model_copy(update={"llm": writer})
    scratch = settings.home / "bench" / "understanding.db"
    scratch.parent.mkdir(parents=True, exist_ok=True)
    scratch.unlink(missing_ok=True)
    services = build_services(settings.model_copy(update={"database_url": f"sqlite:///{scratch}"}))
    messages = read_messages(SETS[on] / "messages.jsonl")[:limit]
    started = time.perf_counter()
    singles = single_messages(services, messages)
    dialogues = conversations(services, SETS[on] / "dialogues")
    return {
        "set": on,
        "writer": settings.llm,
        "messages": singles,
        "dialogues": dialogues,
        "seconds": round(time.perf_counter() - started, 1),
        "machine": machine(),
    }
