"""``teller bench all`` (``make bench``): every benchmark in one run, and one summary
table, Markdown and JSON, with the machine it ran on."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.settings import Settings
from evals.measure import machine

# (metric, where it is in the results, target): targets from the issues; "" = none.
HEADLINES = [
    ("routing top-1 accuracy (Banking77 test)", "routing.top1", ">= 0.945"),
    ("routing p50 latency ms", "routing.p50_ms", "<= 15"),
    ("routing out-of-scope no-match", "routing.out_of_scope_no_match", ""),
    *(
        (f"held-out {part}: {name.replace('_', ' ')}", f"understanding.{part}.{name}", target)
        for part, name, target in (
            ("messages", "intent_accuracy", ">= 0.92"),
            ("messages", "in_scope_wrongly_declined", "<= 0.03"),
            ("messages", "out_of_domain_declined", ">= 0.97"),
            ("messages", "emotion_accuracy", ">= 0.75"),
            ("messages", "emotion_macro_f1", ">= 0.70"),
            ("dialogues", "intent_accuracy", ">= 0.90"),
            ("dialogues", "escalation_precision", ">= 0.90"),
            ("dialogues", "escalation_recall", ">= 0.95"),
            ("dialogues", "scam_warning_recall", ">= 0.95"),
        )
    ),
    ("emotion macro-F1 (GoEmotions, 6 labels)", "emotion.macro_f1", ">= 0.65"),
    ("emotion p50 latency ms", "emotion.p50_ms", "<= 10"),
    ("scam precision", "scam.precision", ">= 0.90"),
    ("scam recall", "scam.recall", ">= 0.95"),
    ("injection held-out recall (2026 sets)", "redteam.injection.held_out_2026.recall", ">= 0.90"),
    (
        "ordinary messages refused as injection",
        "redteam.injection.held_out_2026.refused_by_the_pipeline",
        "<= 0.02",
    ),
    ("held-out PII messages stored", "redteam.pii.held_out.cases_stored", "<= 0"),
    ("session reads without the signed id", "redteam.sessions.reads_without_the_signed_id", "<= 0"),
    ("ASR WER, base, clean Piper", "asr.wer.base.piper_clean", "<= 0.05"),
    ("ASR WER, base, real recordings", "asr.wer.base.real", ""),
    ("ASR real-time factor, base", "asr.rtf.base", "<= 0.25"),
    ("first text p50 ms, first turns", "latency.first_turns.first_text.p50_ms", "<= 800"),
    ("first text p50 ms, follow-ups", "latency.follow_ups.first_text.p50_ms", "<= 500"),
    ("whole reply p50 ms, first turns", "latency.first_turns.reply.p50_ms", "<= 3000"),
    ("whole reply p50 ms, follow-ups", "latency.follow_ups.reply.p50_ms", "<= 3000"),
    ("LLM first token p50 ms, first turns", "latency.first_turns.first_token.p50_ms", ""),
    ("prompt tokens reused", "latency.prompt_reuse.reused_share", ""),
    ("LLM choice used", "latency.llm_choice_rate", ""),
    ("voice: end of speech to first audio p50 ms", "latency.voice.voice_turn_p50_ms", "<= 1500"),
    ("voice: end of speech to first audio p95 ms", "latency.voice.voice_turn_p95_ms", "<= 2500"),
    ("dialogues intent accuracy (LLM)", "dialogues.intent_accuracy", ""),
    ("dialogues action accuracy (LLM)", "dialogues.action_accuracy", ""),
    ("dialogues groundedness (LLM)", "dialogues.groundedness_rate", ">= 1.0"),
    ("dialogues PII leaks", "dialogues.pii_leaks", "<= 0"),
    ("dialogues turn latency p50 ms (LLM)", "dialogues.latency_p50_ms", ""),
]


def lookup(results: dict, path: str):
    value = results
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def run_all(settings: Settings, out: Path, samples: Path) -> dict:
    """Run every benchmark; each report is kept whole in the JSON."""
    from evals import asr, emotion, latency, redteam, routing, run_eval, scam, understanding

    steps = {
        "routing": lambda: routing.run(settings, 500, False),
        "understanding": lambda: understanding.run(settings),
        "emotion": lambda: emotion.run(),
        "scam": lambda: scam.run(settings),
        "redteam": lambda: redteam.run(settings),
        "asr": lambda: asr.run(settings, None, 0, samples),
        "latency": lambda: latency.run(settings, None, 20),
        "dialogues": lambda: run_eval.run(
            [run_eval.DIALOGUES], "llama", out / "dialogues", run_eval.THRESHOLDS
        )[0]["metrics"],
    }
    results, seconds = {}, {}
    for name, step in steps.items():
        started = time.perf_counter()
        results[name] = step()
        seconds[name] = round(time.perf_counter() - started, 1)
    return {
        "machine": machine(),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": seconds,
        "results": results,
    }


def verdict(value, target: str) -> str:
    if not target or value is None:
        return ""
    op, bound = target.split()
    met = value >= float(bound) if op == ">=" else value <= float(bound)
    return "met" if met else "missed"


def rows(summary: dict) -> list[dict]:
    table = []
    for metric, path, target in HEADLINES:
        value = lookup(summary["results"], path)
        table.append(
            {"metric": metric, "value": value, "target": target, "verdict": verdict(value, target)}
        )
    return table


def markdown(summary: dict) -> str:
    info = summary["machine"]
    lines = [
        "# Teller benchmarks",
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores, Python {info['python']}; "
        f"finished {summary['finished']}.",
        "",
        "| metric | value | target | |",
        "|---|---|---|---|",
    ]
    for row in rows(summary):
        cells = (row[key] for key in ("metric", "value", "target", "verdict"))
        lines.append("| " + " | ".join(str(cell) for cell in cells) + " |")
    lines += [
        "",
        "Seconds per benchmark: " + ", ".join(f"{k} {v}" for k, v in summary["seconds"].items()),
    ]
    return "\n".join(lines) + "\n"


def write(summary: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(json.dumps({**summary, "table": rows(summary)}, indent=2))
    (out / "summary.md").write_text(markdown(summary))
