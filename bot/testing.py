"""Test doubles shipped with Teller, for unit tests of the turn's logic: each stands in
for a real component behind the same interface (:mod:`bot.protocols`), loads no model
and answers at once. Every capability also has tests on the real components."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessageChunk
from langchain_core.outputs import ChatGenerationChunk
from pydantic import Field

from bot.redact import Redaction
from bot.types import Emotion
from knowledge.corpus import Corpus, FaqEntry
from knowledge.retriever import Hit, Retrieval
from voice.audio import AudioError
from voice.cues import AcousticCues
from voice.listen import Transcript


class KeywordRetriever:
    """Routes a message to the entry of the first intent whose keyword it contains;
    a message with ``also`` keywords of a second intent gets that one as runner-up."""

    model_id = "fake-keywords"

    def __init__(self, corpus: Corpus, keywords: dict[str, str], score: float = 0.9):
        self.corpus = corpus
        self.keywords = keywords
        self.score = score
        self.calls: list[tuple[str, tuple[str, ...]]] = []

    def retrieve(self, message: str, history: Sequence[str] = ()) -> Retrieval:
        self.calls.append((message, tuple(history)))
        intents = self._intents(message)
        used_history = False
        if not intents and history:
            intents, used_history = self._intents(history[-1]), True
        if not intents:
            return Retrieval(message, (), True, 0.1)
        scores = [self.score, *([0.4] * (len(intents) - 1))]
        if len(intents) > 1:
            scores[0] = 0.45
        hits = tuple(
            Hit(self.entry_of(intent), score, 0.8)
            for intent, score in zip(intents, scores, strict=True)
        )
        return Retrieval(message, hits, False, 0.8, used_history=used_history)

    def best_entry(self, intent: str, message: str) -> FaqEntry | None:
        return self.entry_of(intent)

    def entry_of(self, intent: str) -> FaqEntry:
        return next(e for e in self.corpus.entries if e.intent == intent)

    def _intents(self, message: str) -> list[str]:
        lowered = message.lower()
        found = [intent for word, intent in self.keywords.items() if word in lowered]
        return list(dict.fromkeys(found))


class DigitRedactor:
    """Masks runs of 12 to 19 digits (spaces allowed) as card numbers."""

    CARD = re.compile(r"\b\d(?:[ -]?\d){11,18}\b")

    def redact(self, text: str) -> Redaction:
        masked, count = self.CARD.subn("[card number]", text)
        return Redaction(masked, ("CREDIT_CARD",) if count else ())

    def mask(self, text: str) -> str:
        return self.redact(text).text


class KeywordEmotion:
    """``angry`` for messages with an angry word (intensity from '!'), else neutral."""

    ANGRY = ("furious", "ridiculous", "useless", "angry")

    def __init__(self):
        self.cues: list[AcousticCues | None] = []

    def classify(self, text: str, cues: AcousticCues | None = None) -> Emotion:
        self.cues.append(cues)
        if any(word in text.lower() for word in self.ANGRY):
            return Emotion("angry", 0.9, min(1.0, 0.5 + 0.2 * text.count("!")))
        return Emotion()


class ScriptedLLM(GenericFakeChatModel):
    """Streams its scripted replies, one per call, in the pieces given (words, or a
    tokenizer's sub-words), and records every prompt it was sent."""

    replies: list = Field(default_factory=list)  # each reply a list of pieces
    prompts: list = Field(default_factory=list)
    delay_s: float = 0.0  # before each piece
    messages: object = Field(default_factory=lambda: iter([]))

    @classmethod
    def saying(cls, *replies: str, delay_s: float = 0.0) -> ScriptedLLM:
        """Each reply streamed word by word."""
        return cls.streaming(*(re.findall(r"\s*\S+|\s+", r) for r in replies), delay_s=delay_s)

    @classmethod
    def streaming(cls, *replies: Sequence[str], delay_s: float = 0.0) -> ScriptedLLM:
        return cls(replies=[list(pieces) for pieces in replies], delay_s=delay_s)

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        self.prompts.append(messages)
        for piece in self.replies.pop(0) if self.replies else []:
            time.sleep(self.delay_s)
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))


class BrokenLLM(GenericFakeChatModel):
    """A backend that is down."""

    messages: object = Field(default_factory=lambda: iter([]))

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        raise ConnectionError("connection refused by 127.0.0.1:8080")
        yield  # pragma: no cover


class FakeListener:
    """Hears the given text (or raises the given audio error) whatever it is played."""

    def __init__(self, text: str = "", error: str | None = None, avg_logprob: float = -0.2):
        self.text, self.error, self.avg_logprob = text, error, avg_logprob

    def listen(self, recording: bytes | Path) -> Transcript:
        if self.error:
            raise AudioError(self.error)
        return Transcript(
            text=self.text,
            language="en",
            model="fake",
            avg_logprob=self.avg_logprob if self.text else None,
            no_speech_prob=0.01 if self.text else 0.99,
            confidence=0.8,
            duration_s=2.0,
            speech_s=1.5 if self.text else 0.0,
            cues=AcousticCues(-20.0, 0.1, 3.0) if self.text else None,
            timings_ms={"decode": 1.0, "vad": 1.0, "asr": 1.0},
        )


class SilentVoice:
    """A text-to-speech voice that returns a short silence per sentence, and records them."""

    name = "silent"
    sample_rate = 16_000

    def __init__(self):
        self.spoken: list[str] = []

    def synthesize(self, text: str, speed: float = 1.0) -> np.ndarray:
        self.spoken.append(text)
        return np.zeros(self.sample_rate // 10, dtype=np.float32)
