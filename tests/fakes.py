"""Deterministic chat models for unit tests of the pipeline's logic."""

from __future__ import annotations

import time

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from pydantic import Field


class ScriptedLLM(GenericFakeChatModel):
    """Streams the given replies word by word and records every prompt it was sent."""

    prompts: list = Field(default_factory=list)
    delay_s: float = 0.0

    @classmethod
    def saying(cls, *replies: str, delay_s: float = 0.0) -> ScriptedLLM:
        return cls(messages=iter([AIMessage(r) for r in replies]), prompts=[], delay_s=delay_s)

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        self.prompts.append(messages)
        for chunk in super()._stream(messages, stop, run_manager, **kwargs):
            time.sleep(self.delay_s)
            yield chunk


class BrokenLLM(GenericFakeChatModel):
    """A backend that is down."""

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        raise ConnectionError("connection refused by 127.0.0.1:8080")
        yield  # pragma: no cover
