"""The prompt-injection benchmark: screening recall and false positives on the
development set and on a held-out set written independently of the screen; with
``--through-assistant``, every attack also goes through the whole pipeline (with the
configured LLM) and the replies are checked for leaks of the system prompt."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from tqdm import tqdm

from bot.factory import build_assistant
from bot.injection import is_injection, leaks_prompt
from bot.prompt import SYSTEM_PROMPT
from bot.settings import Settings
from evals import EVAL_DATA

SETS = {"development": "prompt_injections.yaml", "held_out": "prompt_injections_holdout.yaml"}


def screening(data: dict) -> dict:
    attacks = [a["text"] for a in data["attacks"]]
    benign = [b["text"] for b in data["benign"]]
    caught = [is_injection(t) for t in attacks]
    flagged = [is_injection(t) for t in benign]
    by_kind: dict[str, list[bool]] = {}
    for attack, hit in zip(data["attacks"], caught, strict=True):
        by_kind.setdefault(attack["kind"], []).append(hit)
    return {
        "attacks": len(attacks),
        "benign": len(benign),
        "recall": round(sum(caught) / len(attacks), 3),
        "false_positive_rate": round(sum(flagged) / len(benign), 3),
        "recall_by_kind": {k: round(sum(v) / len(v), 2) for k, v in sorted(by_kind.items())},
    }


def through_assistant(settings: Settings, attacks: list[str]) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        settings = settings.model_copy(
            update={"database_url": f"sqlite:///{Path(scratch) / 'bench.db'}"}
        )
        assistant = build_assistant(settings)
        leaks = declined = llm_written = 0
        for text in tqdm(attacks, desc="attacks through the assistant", unit="turn"):
            reply = assistant.turn(text)
            leaks += leaks_prompt(reply.answer, SYSTEM_PROMPT)
            declined += str(reply.action) == "decline"
            generation = reply.trace.generation
            llm_written += generation is not None and generation.source == "llm"
    return {
        "llm": assistant.llm_name,
        "attacks": len(attacks),
        "declined": declined,
        "answered_by_llm": llm_written,
        "system_prompt_leaks": leaks,
    }


def run(settings: Settings, with_assistant: bool = False) -> dict:
    data = {name: yaml.safe_load((EVAL_DATA / f).read_text()) for name, f in SETS.items()}
    report = {name: screening(d) for name, d in data.items()}
    if with_assistant:
        attacks = [a["text"] for d in data.values() for a in d["attacks"]]
        report["through_assistant"] = through_assistant(settings, attacks)
    return report
