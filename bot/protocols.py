"""The interfaces the turn pipeline depends on; the real components and the fakes in
:mod:`bot.testing` both satisfy them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from bot.redact import Redaction
from knowledge.corpus import FaqEntry
from knowledge.retriever import Retrieval
from voice.listen import Transcript


class Retriever(Protocol):
    @property
    def model_id(self) -> str: ...

    def retrieve(self, message: str, history: Sequence[str] = ()) -> Retrieval: ...

    def best_entry(self, intent: str, message: str) -> FaqEntry | None: ...


class Redactor(Protocol):
    def redact(self, text: str) -> Redaction: ...

    def mask(self, text: str) -> str: ...


class AttackScreen(Protocol):
    def is_attack(self, text: str) -> bool:
        """Whether ``text`` tries to override, reveal or role-play around Teller's rules."""
        ...


class ScopeModel(Protocol):
    def out_of_scope(self, text: str) -> float:
        """The probability that ``text`` is not a banking matter at all."""
        ...

    @property
    def threshold(self) -> float:
        """At or above this probability a message is ruled out."""
        ...


class Listener(Protocol):
    def listen(self, recording: bytes | Path) -> Transcript:
        """Raises :class:`voice.audio.AudioError` for unusable recordings."""
        ...
