"""The approved FAQ corpus: loading, fact substitution and validation.

Entries live in YAML files under ``data/faq``. Loading validates the whole corpus and
reports every problem at once, each naming its file and entry.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from knowledge import DATA_DIR
from knowledge.facts import UnknownFactError, load_facts, referenced_facts, render
from knowledge.intents import IntentVocabulary, load_intents

ENTRY_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
REQUIRED_FIELDS = ("id", "intent", "title", "answer")
OPTIONAL_FIELDS = ("details", "keywords")
MAX_ANSWER_SENTENCES = 5
SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


class CorpusError(ValueError):
    """The corpus is invalid; the message lists every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid FAQ corpus:\n  " + "\n  ".join(problems))


@dataclass(frozen=True)
class FaqEntry:
    """One approved answer, with its facts already substituted."""

    id: str
    intent: str
    title: str
    answer: str
    details: str = ""
    keywords: tuple[str, ...] = ()
    source: str = ""
    facts_used: tuple[str, ...] = ()

    def passage(self) -> str:
        """The text the assistant may quote from: title, answer and details."""
        return "\n".join(part for part in (self.title, self.answer, self.details) if part)


@dataclass(frozen=True)
class Corpus:
    entries: tuple[FaqEntry, ...]
    facts: dict[str, str]
    intents: IntentVocabulary
    content_hash: str
    by_id: dict[str, FaqEntry] = field(init=False, repr=False, compare=False)
    by_intent: dict[str, tuple[FaqEntry, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        grouped: dict[str, list[FaqEntry]] = defaultdict(list)
        for entry in self.entries:
            grouped[entry.intent].append(entry)
        object.__setattr__(self, "by_id", {e.id: e for e in self.entries})
        object.__setattr__(self, "by_intent", {k: tuple(v) for k, v in grouped.items()})


def load_corpus(data_dir: Path = DATA_DIR) -> Corpus:
    """Load and validate ``facts.yaml``, ``intents.yaml`` and every ``faq/*.yaml``."""
    facts = load_facts(data_dir / "facts.yaml")
    intents = load_intents(data_dir / "intents.yaml")
    files = sorted((data_dir / "faq").glob("*.yaml"))
    digest = hashlib.sha256()
    for path in [data_dir / "facts.yaml", data_dir / "intents.yaml", *files]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())

    problems: list[str] = []
    entries: list[FaqEntry] = []
    seen: dict[str, str] = {}
    for path in files:
        for position, raw in enumerate(_read_entries(path, problems), start=1):
            entry = _parse_entry(raw, path.name, position, facts, intents, problems)
            if entry is None:
                continue
            if entry.id in seen:
                problems.append(
                    f"{path.name}: entry {entry.id!r}: duplicate id (also in {seen[entry.id]})"
                )
                continue
            seen[entry.id] = path.name
            entries.append(entry)
    if not files:
        problems.append(f"{data_dir / 'faq'}: no FAQ files found")
    if problems:
        raise CorpusError(problems)
    return Corpus(tuple(entries), facts, intents, digest.hexdigest())


def _read_entries(path: Path, problems: list[str]) -> list:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        problems.append(f"{path.name}: not valid UTF-8 YAML: {error}")
        return []
    if not isinstance(data, list):
        problems.append(f"{path.name}: must be a list of entries")
        return []
    return data


def _parse_entry(
    raw: object,
    source: str,
    position: int,
    facts: dict[str, str],
    intents: IntentVocabulary,
    problems: list[str],
) -> FaqEntry | None:
    if not isinstance(raw, dict):
        problems.append(f"{source}: entry #{position}: must be a mapping")
        return None
    name = f"{source}: entry {raw.get('id', f'#{position}')!r}"
    errors: list[str] = []
    for key in REQUIRED_FIELDS:
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            errors.append(f"{name}: {key} is missing or empty")
    unknown = set(raw) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS)
    if unknown:
        errors.append(f"{name}: unknown fields {sorted(unknown)}")
    if errors:
        problems.extend(errors)
        return None
    if not ENTRY_ID.match(raw["id"]):
        errors.append(f"{name}: id must be lowercase words joined by hyphens")
    if raw["intent"] not in intents:
        errors.append(f"{name}: unknown intent {raw['intent']!r}")
    keywords = raw.get("keywords") or []
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        errors.append(f"{name}: keywords must be a list of strings")

    texts = {key: raw.get(key) or "" for key in ("title", "answer", "details")}
    rendered: dict[str, str] = {}
    for key, template in texts.items():
        try:
            rendered[key] = " ".join(render(template, facts).split())
        except UnknownFactError as error:
            errors.append(f"{name}: {key} references unknown fact {error.args[0]!r}")
    if "answer" in rendered:
        sentences = len(SENTENCE_END.findall(rendered["answer"]))
        if sentences > MAX_ANSWER_SENTENCES:
            errors.append(f"{name}: answer has {sentences} sentences (at most 5)")
    if errors:
        problems.extend(errors)
        return None
    used = dict.fromkeys(ref for template in texts.values() for ref in referenced_facts(template))
    return FaqEntry(
        id=raw["id"],
        intent=raw["intent"],
        title=rendered["title"],
        answer=rendered["answer"],
        details=rendered["details"],
        keywords=tuple(keywords),
        source=source,
        facts_used=tuple(used),
    )
