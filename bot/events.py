"""What a streamed turn yields: text as it is released, then the reply."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Token:
    """Text released to the customer."""

    text: str
