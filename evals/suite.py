"""The offline evaluation suite: scripted dialogues through the same services the web
app uses (text turns and, for voice dialogues, TTS -> Whisper -> turn), one session
per dialogue, every turn checked against its expectations, and the metrics a bank
would gate a release on."""

from __future__ import annotations

import json
import re
import statistics
import time
from dataclasses import dataclass

import numpy as np
import torch
from sklearn.metrics import f1_score
from tqdm import tqdm

from bot.decide import HANDOVER_TOPICS
from bot.injection import leaks_prompt
from bot.prompt import SYSTEM_PROMPT
from bot.reply import Reply
from bot.stages import support_checker
from bot.support import NEVER, SentenceVerdict
from evals.expect import expected_intent, failures
from evals.scripts import Dialogue
from evals.wer import wer
from ui.services import Services
from voice.audio import SAMPLE_RATE, wav_bytes
from voice.caller import Caller, Line

METRICS = (
    "intent_accuracy",
    "emotion_accuracy",
    "emotion_macro_f1",
    "action_accuracy",
    "escalation_precision",
    "escalation_recall",
    "scam_warning_precision",
    "scam_warning_recall",
    "decline_rate_out_of_scope",
    "groundedness_rate",
    "supported_sentence_rate",
    "style_leaks",
    "unsafe_high_risk_replies",
    "pii_leaks",
    "latency_p50_ms",
    "latency_p95_ms",
    "n_dialogues",
    "n_turns",
)
# What a customer may type that must never be stored: card-like digit runs, e-mail
# addresses, UK mobile numbers, sort codes, 8-digit account numbers, IBANs.
PII_PATTERNS = [
    re.compile(r"\b(?:\d[ -]?){13,19}\b"),
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"),
    re.compile(r"(?:\+44\s?7|\b07)\d{3}\s?\d{6}\b"),
    re.compile(r"\b\d{2}-\d{2}-\d{2}\b"),
    re.compile(r"\b\d{8}\b"),
    re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}\b"),
]


@dataclass
class TurnResult:
    dialogue: str
    turn: int
    channel: str
    user: str
    transcribed: str | None  # what Whisper made of a voice turn
    reply: Reply
    expect: dict
    expected_intent: str | None
    failures: list[str]
    latency_ms: float
    support: tuple[SentenceVerdict, ...]  # each delivered sentence, checked afresh

    @property
    def grounded(self) -> bool:
        return all(verdict.supported for verdict in self.support)

    @property
    def style_leaks(self) -> int:
        leaked = [v for v in self.support if NEVER["style"].search(v.sentence)]
        return len(leaked) + leaks_prompt(self.reply.answer, SYSTEM_PROMPT)

    @property
    def unsafe_high_risk(self) -> bool:
        """A high-risk turn (by its expected or routed topic) whose reply the LLM chose
        rather than the approved text verbatim."""
        topics = {self.expected_intent, self.reply.intent}
        generation = self.reply.trace.generation
        chosen = generation is not None and generation.source == "llm"
        return chosen and bool(topics & (HANDOVER_TOPICS | {"scam"}))

    def to_json(self) -> dict:
        reply = self.reply
        return {
            "dialogue": self.dialogue,
            "turn": self.turn,
            "channel": self.channel,
            "user": self.user,
            "transcribed": self.transcribed,
            "answer": reply.answer,
            "intent": reply.intent,
            "emotion": reply.emotion.label,
            "action": str(reply.action),
            "escalate": reply.escalate,
            "scam_warning": reply.scam_warning,
            "ticket": reply.ticket,
            "faq_ids": reply.faq_ids,
            "expect": self.expect,
            "expected_intent": self.expected_intent,
            "failures": self.failures,
            "latency_ms": self.latency_ms,
            "grounded": self.grounded,
            "unsupported": [v.sentence for v in self.support if not v.supported],
            "passed": not self.failures,
        }


def run_dialogues(services: Services, dialogues: list[Dialogue], seed: int = 0) -> list[TurnResult]:
    """Every dialogue, one new session each, turn by turn."""
    torch.manual_seed(seed)
    caller = Caller(seed=seed)
    total = sum(len(d.turns) for d in dialogues)
    corpus = services.assistant.corpus
    results = []
    with tqdm(total=total, desc="dialogue turns", unit="turn") as progress:
        for dialogue in dialogues:
            session = services.session(None, dialogue.channel)
            previous = None
            for number, turn in enumerate(dialogue.turns, 1):
                started = time.perf_counter()
                if dialogue.channel == "voice":
                    recording = wav_bytes(caller.say(turn.user, Line("piper")), SAMPLE_RATE)
                    spoken, _ = services.talk(recording, session)
                    reply = spoken.reply
                    transcribed = spoken.transcript.text if spoken.transcript else ""
                else:
                    reply, transcribed = services.ask(turn.user, session), None
                latency = round((time.perf_counter() - started) * 1000, 1)
                wanted = expected_intent(turn.expect, previous)
                results.append(
                    TurnResult(
                        dialogue=dialogue.id,
                        turn=number,
                        channel=dialogue.channel,
                        user=turn.user,
                        transcribed=transcribed,
                        reply=reply,
                        expect=turn.expect.model_dump(exclude_defaults=True),
                        expected_intent=wanted,
                        failures=failures(turn.expect, reply, previous),
                        latency_ms=latency,
                        support=support_checker(corpus, reply.trace).check_text(reply.answer),
                    )
                )
                previous = wanted or reply.intent
                progress.update()
    return results


def pii_leaks(services: Services, results: list[TurnResult]) -> int:
    """PII typed by customers that can be found anywhere in the stored conversations."""
    typed = {
        match.group().replace(" ", "").replace("-", "")
        for r in results
        for pattern in PII_PATTERNS
        for match in pattern.finditer(r.user)
    }
    sessions = {r.reply.session_id for r in results}
    stored = "".join(
        json.dumps(services.store.export(s), ensure_ascii=False) for s in sessions if s
    )
    flat = stored.replace(" ", "").replace("-", "")
    return sum(1 for item in typed if item in flat)


def ratio(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def macro_f1(gold: list[str], predicted: list[str]) -> float:
    """Macro-F1 over the labels the gold side uses."""
    score = f1_score(gold, predicted, labels=sorted(set(gold)), average="macro", zero_division=0)
    return round(float(score), 4)


def precision_recall(pairs: list[tuple[bool, bool]]) -> tuple[float | None, float | None]:
    """(expected, got) pairs -> precision and recall of ``got``."""
    true_positive = sum(e and g for e, g in pairs)
    return ratio(true_positive, sum(g for _, g in pairs)), ratio(
        true_positive, sum(e for e, _ in pairs)
    )


def expected_flag(expect: dict, key: str, from_action: bool) -> bool | None:
    """An explicit expectation, or (for escalation) the one implied by the action."""
    if key in expect:
        return expect[key]
    if from_action and "action" in expect:
        return expect["action"] == "escalate"
    return None


def metrics(services: Services, results: list[TurnResult], dialogues: int) -> dict:
    with_intent = [r for r in results if r.expected_intent]
    with_emotion = [r for r in results if "emotion" in r.expect]
    with_action = [r for r in results if "action" in r.expect]
    out_of_scope = [r for r in results if r.expected_intent == "out_of_scope"]
    escalation = [
        (flag, r.reply.escalate)
        for r in results
        if (flag := expected_flag(r.expect, "escalate", True)) is not None
    ]
    scam = [
        (flag, r.reply.scam_warning)
        for r in results
        if (flag := expected_flag(r.expect, "scam_warning", False)) is not None
    ]
    emotions_true = [r.expect["emotion"] for r in with_emotion]
    emotions_got = [r.reply.emotion.label for r in with_emotion]
    latencies = [r.latency_ms for r in results]
    escalation_precision, escalation_recall = precision_recall(escalation)
    scam_precision, scam_recall = precision_recall(scam)
    return {
        "intent_accuracy": ratio(
            sum(r.reply.intent == r.expected_intent for r in with_intent), len(with_intent)
        ),
        "emotion_accuracy": ratio(
            sum(t == g for t, g in zip(emotions_true, emotions_got, strict=True)), len(with_emotion)
        ),
        "emotion_macro_f1": macro_f1(emotions_true, emotions_got) if with_emotion else None,
        "action_accuracy": ratio(
            sum(str(r.reply.action) == r.expect["action"] for r in with_action), len(with_action)
        ),
        "escalation_precision": escalation_precision,
        "escalation_recall": escalation_recall,
        "scam_warning_precision": scam_precision,
        "scam_warning_recall": scam_recall,
        "decline_rate_out_of_scope": ratio(
            sum(str(r.reply.action) == "decline" for r in out_of_scope), len(out_of_scope)
        ),
        "groundedness_rate": ratio(sum(r.grounded for r in results), len(results)),
        "supported_sentence_rate": ratio(
            sum(v.supported for r in results for v in r.support),
            sum(len(r.support) for r in results),
        ),
        "style_leaks": sum(r.style_leaks for r in results),
        "unsafe_high_risk_replies": sum(r.unsafe_high_risk for r in results),
        "pii_leaks": pii_leaks(services, results),
        "latency_p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "latency_p95_ms": round(float(np.percentile(latencies, 95)), 1) if latencies else None,
        "n_dialogues": dialogues,
        "n_turns": len(results),
    }


def voice_wer(results: list[TurnResult]) -> float | None:
    spoken = [r for r in results if r.transcribed is not None]
    return wer([r.user for r in spoken], [r.transcribed for r in spoken]) if spoken else None


def below_thresholds(values: dict, thresholds: dict) -> list[str]:
    """Each metric outside its threshold: ``min`` (at least) or ``max`` (at most)."""
    problems = []
    for metric, bounds in thresholds.items():
        value = values.get(metric)
        if value is None:
            continue
        if "min" in bounds and value < bounds["min"]:
            problems.append(f"{metric} = {value} is below {bounds['min']}")
        if "max" in bounds and value > bounds["max"]:
            problems.append(f"{metric} = {value} is above {bounds['max']}")
    return problems


def evaluate(services: Services, dialogues: list[Dialogue]) -> dict:
    results = run_dialogues(services, dialogues)
    values = metrics(services, results, len(dialogues))
    return {
        "metrics": values,
        "voice_wer": voice_wer(results),
        "turns": [r.to_json() for r in results],
    }
