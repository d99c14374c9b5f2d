"""The facts sheet: one place for every figure an FAQ answer may state.

Answers reference facts as ``{{section.key}}``; :func:`render` substitutes the values
and refuses a reference to a fact that does not exist.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

FACT_REF = re.compile(r"{{\s*([A-Za-z0-9_]+\.[A-Za-z0-9_]+)\s*}}")


class UnknownFactError(KeyError):
    """An answer references a fact that the facts sheet does not define."""


def load_facts(path: Path) -> dict[str, str]:
    """Read the facts sheet into a flat ``{"section.key": value}`` mapping."""
    sheet = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    facts: dict[str, str] = {}
    for section, values in sheet.items():
        if not isinstance(values, dict):
            raise ValueError(f"{path}: section {section!r} must be a mapping of facts")
        for key, value in values.items():
            if value is None or str(value).strip() == "":
                raise ValueError(f"{path}: fact {section}.{key} has no value")
            facts[f"{section}.{key}"] = str(value)
    return facts


def render(template: str, facts: dict[str, str]) -> str:
    """Replace every ``{{section.key}}`` in ``template`` by its value."""

    def substitute(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in facts:
            raise UnknownFactError(key)
        return facts[key]

    return FACT_REF.sub(substitute, template)


def referenced_facts(template: str) -> list[str]:
    """The fact keys a template references, in order."""
    return FACT_REF.findall(template)
