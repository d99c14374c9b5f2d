"""``teller bench latency``: what a customer waits for, with the configured LLM.

Text: scripted two-turn conversations through the whole pipeline; per-stage latency
(understanding the message: emotion and retrieval; the LLM's first token; the customer's
first text; the whole reply) for first turns and follow-ups separately, how often the
LLM's choice of sentences was used (rather than the approved answer as a fallback), how
much of each prompt the model reused rather than evaluated (its own counters), and
routing accuracy on the script.

Voice: spoken questions (Piper, clean line), each a new call, from the end of the
recording to the first reply audio.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from tqdm import tqdm

from bot.factory import build_assistant
from bot.llm import prefix_stats
from bot.settings import Settings
from evals import EVAL_DATA, asr
from evals.measure import machine, peak_memory_mb, percentile_ms
from voice.caller import Caller

SCRIPT = EVAL_DATA / "chat_turns.yaml"


def summarise(turns: list[dict]) -> dict:
    def stage(name: str) -> dict:
        values = [t[name] / 1000 for t in turns if t.get(name) is not None]
        if not values:
            return {}
        return {"p50_ms": percentile_ms(values, 50), "p95_ms": percentile_ms(values, 95)}

    return {
        "turns": len(turns),
        "intent_accuracy": round(sum(t["intent_ok"] for t in turns) / len(turns), 3),
        "understanding": stage("understanding"),
        "first_token": stage("first_token"),
        "first_text": stage("first_text"),
        "reply": stage("total"),
    }


def run(settings: Settings, limit: int | None = None, voice_turns: int = 20) -> dict:
    """The text benchmark, then (unless ``voice_turns`` is 0) the voice one."""
    report = text_turns(settings, limit)
    if voice_turns:
        caller = Caller(seed=0)
        line = asr.CONDITIONS["piper_clean"]
        clips = [caller.say(text, line) for text in asr.utterances(voice_turns)]
        report["voice"] = asr.voice_turns(settings.model_copy(update={"asr_model": "base"}), clips)
    report["peak_rss_mb"] = peak_memory_mb()
    report["machine"] = machine()
    return report


def text_turns(settings: Settings, limit: int | None) -> dict:
    conversations = yaml.safe_load(SCRIPT.read_text(encoding="utf-8"))[:limit]
    with tempfile.TemporaryDirectory() as scratch:
        settings = settings.model_copy(
            update={"database_url": f"sqlite:///{Path(scratch) / 'bench.db'}"}
        )
        assistant = build_assistant(settings)
        # As on a server up for a few minutes: every entry's prompt state is kept.
        assistant.warm()
        assistant.turn("hello")
        reuse_before = prefix_stats(assistant.llm)
        records = []
        total = sum(len(c["turns"]) for c in conversations)
        with tqdm(total=total, desc="scripted turns", unit="turn") as bar:
            for conversation in conversations:
                session = None
                for position, scripted in enumerate(conversation["turns"]):
                    reply = assistant.turn(scripted["text"], session)
                    session = reply.session_id
                    records.append(record(reply, scripted, position))
                    bar.update()
    llm_turns = [r for r in records if r["source"] in ("llm", "fallback")]
    generated_tokens = sum(r["tokens"] for r in llm_turns)
    generation_s = sum(r["generate"] for r in llm_turns) / 1000
    return {
        "llm": assistant.llm_name,
        "first_turns": summarise([r for r in records if r["position"] == 0]),
        "follow_ups": summarise([r for r in records if r["position"] > 0]),
        "llm_replies": len(llm_turns),
        "llm_choice_used": sum(r["source"] == "llm" for r in llm_turns),
        "fell_back": sum(r["source"] == "fallback" for r in llm_turns),
        "llm_choice_rate": round(sum(r["source"] == "llm" for r in llm_turns) / len(llm_turns), 3)
        if llm_turns
        else None,
        "delivered_grounded": round(sum(r["grounded"] for r in records) / len(records), 3),
        "tokens_per_s": round(generated_tokens / generation_s, 1) if generation_s else None,
        "prompt_reuse": reuse_since(reuse_before, prefix_stats(assistant.llm)),
    }


COUNTS = ("prompts", "prompt_tokens", "reused_tokens", "restored", "evaluated_prompt_tokens")


def reuse_since(before: dict | None, after: dict | None) -> dict | None:
    """The embedded model's prompt reuse over the scripted turns alone (not the warm-up)."""
    if before is None or after is None:
        return None
    counts = {key: after[key] - before[key] for key in COUNTS}
    share = counts["reused_tokens"] / counts["prompt_tokens"] if counts["prompt_tokens"] else 0.0
    return {**counts, "reused_share": round(share, 3)}


def record(reply, scripted: dict, position: int) -> dict:
    generation = reply.trace.generation
    source = "none"
    if generation is not None and generation.prompt is not None:
        source = "llm" if generation.source == "llm" else "fallback"
    return {
        "position": position,
        "intent_ok": reply.intent == scripted["intent"],
        "understanding": reply.latency_ms.get("understanding"),
        "first_token": reply.latency_ms.get("first_token"),
        "first_text": reply.latency_ms.get("first_text"),
        "generate": reply.latency_ms.get("generate", 0.0),
        "total": reply.latency_ms.get("total"),
        "tokens": generation.tokens if generation else 0,
        "source": source,
        "grounded": reply.grounded,
    }
