"""The scripted inputs of the evaluations: dialogues (``teller eval``) and phone calls
(``teller call``), both YAML, both checked turn by turn against the same expectations.

Loading validates everything and reports every problem at once, each naming the
file, the dialogue or call, and the turn.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.types import EMOTIONS
from knowledge import DATA_DIR
from knowledge.intents import OUT_OF_SCOPE, load_intents

SAME = "same"  # expected intent: the same topic as the previous turn
Emotion = Literal["angry", "anxious", "sad", "confused", "happy", "neutral"]
assert set(Emotion.__args__) == set(EMOTIONS)


class ScriptError(ValueError):
    """A script file that cannot be used; the message lists every problem."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Expect(Strict):
    """What a turn should do; every key optional."""

    intent: str | None = None
    emotion: Emotion | None = None
    action: Literal["answer", "clarify", "decline", "escalate"] | None = None
    escalate: bool | None = None
    scam_warning: bool | None = None
    mentions: list[str] = []
    must_not_mention: list[str] = []

    @field_validator("intent")
    @classmethod
    def known_intent(cls, intent: str | None) -> str | None:
        if intent is not None and intent not in known_intents():
            raise ValueError(f"unknown intent {intent!r} (see knowledge/data/intents.yaml)")
        return intent


class DialogueTurn(Strict):
    user: str = Field(min_length=1)
    expect: Expect = Expect()


class Dialogue(Strict):
    id: str = Field(min_length=1)
    language: str = "en"
    channel: Literal["text", "voice"] = "text"
    turns: list[DialogueTurn] = Field(min_length=1)


class CallTurn(Strict):
    say: str = Field(min_length=1)
    voice: str = "piper"
    speed: float = Field(1.0, ge=0.5, le=2.0)
    snr_db: float | None = None
    telephone: bool = False
    expect: Expect = Expect()


class CallScript(Strict):
    id: str = Field(min_length=1)
    title: str
    description: str = ""
    turns: list[CallTurn] = Field(min_length=1)


@cache
def known_intents() -> frozenset[str]:
    vocabulary = load_intents(DATA_DIR / "intents.yaml")
    return vocabulary.all | {OUT_OF_SCOPE, SAME}


def read_yaml(path: Path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ScriptError(f"{path}: cannot read: {error}") from error


def describe(path: Path, label: str, error: ValidationError) -> list[str]:
    """One line per problem: file, dialogue or call, turn (1-based), field, message."""
    lines = []
    for problem in error.errors():
        location = list(problem["loc"])
        where = f"{path}, {label}"
        if location[:1] == ["turns"] and len(location) > 1 and isinstance(location[1], int):
            where += f", turn {location[1] + 1}"
            location = location[2:]
        field = ".".join(str(part) for part in location)
        lines.append(f"{where}: {field + ': ' if field else ''}{problem['msg']}")
    return lines


def load_dialogues(paths: list[Path]) -> list[Dialogue]:
    """Dialogues from YAML files or folders of them, ids unique across all."""
    files = [f for p in paths for f in (sorted(p.glob("*.yaml")) if p.is_dir() else [p])]
    if not files:
        raise ScriptError(f"no dialogue files in {', '.join(map(str, paths))}")
    dialogues, problems, seen = [], [], {}
    for path in files:
        data = read_yaml(path)
        if not isinstance(data, list):
            problems.append(f"{path}: expected a list of dialogues")
            continue
        for number, item in enumerate(data, 1):
            label = f"dialogue {item.get('id', number) if isinstance(item, dict) else number}"
            try:
                dialogue = Dialogue.model_validate(item)
            except ValidationError as error:
                problems += describe(path, label, error)
                continue
            if dialogue.id in seen:
                problems.append(f"{path}, {label}: id also used in {seen[dialogue.id]}")
            seen[dialogue.id] = path
            dialogues.append(dialogue)
    if problems:
        raise ScriptError("\n".join(problems))
    return dialogues


def load_call(path: Path) -> CallScript:
    data = read_yaml(path)
    try:
        return CallScript.model_validate(data)
    except ValidationError as error:
        label = f"call {data.get('id', '?') if isinstance(data, dict) else '?'}"
        raise ScriptError("\n".join(describe(path, label, error))) from error
