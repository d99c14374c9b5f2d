"""What a streamed turn yields: text as it is released, a correction, then the reply."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Token:
    """Text released to the customer."""

    text: str


@dataclass(frozen=True)
class Replace:
    """Everything released so far is withdrawn; this text stands instead."""

    text: str
