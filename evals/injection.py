"""The prompt-injection benchmark: the learned screen's recall and false positives on
the development set and on held-out sets written independently of the screen and its
training data, by technique and by kind of ordinary message; with
``--through-assistant``, every attack also goes through the whole pipeline (with the
configured LLM) and the replies are checked for leaks of the system prompt."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml
from tqdm import tqdm

from bot.factory import build_assistant
from bot.injection import InjectionScreen, leaks_prompt
from bot.prompt import SYSTEM_PROMPT
from bot.settings import Settings
from evals import EVAL_DATA
from knowledge.exemplars import read_jsonl

YAML_SETS = {"development": "prompt_injections.yaml", "held_out": "prompt_injections_holdout.yaml"}
HELDOUT = EVAL_DATA / "heldout"


@dataclass(frozen=True)
class Case:
    text: str
    kind: str  # the attack's technique, or what kind of ordinary message it is


@dataclass(frozen=True)
class InjectionSet:
    attacks: list[Case]
    benign: list[Case]


def injection_sets() -> dict[str, InjectionSet]:
    """The development set, the first held-out set, and the 2026 held-out sets (attacks
    in 13 techniques; ordinary bank messages, many with trigger words or quoting a
    fraudster)."""
    sets = {}
    for name, file in YAML_SETS.items():
        data = yaml.safe_load((EVAL_DATA / file).read_text())
        sets[name] = InjectionSet(
            [Case(a["text"], a["kind"]) for a in data["attacks"]],
            [Case(b["text"], "plain") for b in data["benign"]],
        )
    sets["held_out_2026"] = InjectionSet(
        [Case(r["text"], r["technique"]) for r in read_jsonl(HELDOUT / "injection_attacks.jsonl")],
        [Case(r["text"], r["note"]) for r in read_jsonl(HELDOUT / "benign_messages.jsonl")],
    )
    return sets


def by_kind(cases: list[Case], hits) -> dict[str, float]:
    kinds: dict[str, list[bool]] = {}
    for case, hit in zip(cases, hits, strict=True):
        kinds.setdefault(case.kind, []).append(bool(hit))
    return {kind: round(sum(v) / len(v), 2) for kind, v in sorted(kinds.items())}


def screening(screen: InjectionScreen, cases: InjectionSet) -> dict:
    caught = screen.scores([c.text for c in cases.attacks]) >= screen.threshold
    flagged = screen.scores([c.text for c in cases.benign]) >= screen.threshold
    return {
        "attacks": len(cases.attacks),
        "benign": len(cases.benign),
        "recall": round(float(caught.mean()), 3),
        "false_positive_rate": round(float(flagged.mean()), 3),
        "recall_by_kind": by_kind(cases.attacks, caught),
        "false_positives_by_kind": by_kind(cases.benign, flagged),
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
    screen = InjectionScreen.load()
    sets = injection_sets()
    report = {name: screening(screen, cases) for name, cases in sets.items()}
    if with_assistant:
        attacks = [case.text for cases in sets.values() for case in cases.attacks]
        report["through_assistant"] = through_assistant(settings, attacks)
    return report
