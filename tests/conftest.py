"""Shared fixtures. Real-model fixtures are session-scoped: each model loads once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
os.environ.setdefault("TELLER_HOME", str(REPO / ".teller"))

from bot.settings import Settings, apply_offline_environment  # noqa: E402

apply_offline_environment()


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def corpus(settings):
    from knowledge.corpus import load_corpus

    return load_corpus(settings.knowledge_dir)


@pytest.fixture(scope="session")
def retriever(settings, corpus):
    """The product's retriever: shipped encoder, full index (built if stale)."""
    from bot.factory import build_retriever

    return build_retriever(settings, corpus)


@pytest.fixture(scope="session")
def base_encoder():
    from knowledge.encoder import load_encoder

    return load_encoder("base")


@pytest.fixture(scope="session")
def redactor(tmp_path_factory):
    from bot.redact import Redactor

    return Redactor(tmp_path_factory.mktemp("spacy") / "blank-en")


@pytest.fixture(scope="session")
def injection_screen():
    """The shipped, learned injection screen (small enough for every test to use)."""
    from bot.injection import InjectionScreen

    return InjectionScreen.load()


@pytest.fixture(scope="session")
def scope_gate():
    """The shipped scope gate: is a message about banking at all?"""
    from bot.scope import ScopeGate

    return ScopeGate.load()


@pytest.fixture(scope="session")
def embedded_llm(settings):
    """The real packaged LLM, loaded once."""
    from bot.llm import chat_model

    return chat_model(settings.model_copy(update={"llm": "embedded"}))


@pytest.fixture(scope="session")
def emotion_model():
    from bot.emotion import TrainedEmotion

    return TrainedEmotion()


@pytest.fixture()
def make_assistant(
    settings, corpus, retriever, redactor, injection_screen, scope_gate, emotion_model, tmp_path
):
    """An Assistant on the real retriever and a fresh SQLite store, with a chosen LLM."""
    from bot.assistant import Assistant
    from bot.factory import turn_config
    from bot.risk import ScamSignals
    from bot.store import Store

    def make(llm=None, store=None, **overrides):
        return Assistant(
            config=turn_config(settings.model_copy(update=overrides)),
            corpus=corpus,
            retriever=retriever,
            redactor=redactor,
            screen=injection_screen,
            scope=scope_gate,
            emotion=emotion_model,
            risk=ScamSignals.shipped(min_vote=retriever.calibration.min_confidence),
            llm=llm,
            store=store or Store(f"sqlite:///{tmp_path / 'teller.db'}", mask=redactor.mask),
        )

    return make


FAKE_KEYWORDS = {
    "arrive": "card_arrival",
    "pin": "change_pin",
    "delivery": "card_delivery_estimate",
    "person": "human_agent",
    "safe account": "scam",
    "abroad": "make_transfer",
    "stolen": "lost_or_stolen_card",
    "details online": "compromised_card",
    "died": "bereavement",
    "thank you": "thanks",
    "complain": "complaint",
}


@pytest.fixture()
def fake_assistant(corpus, injection_screen, scope_gate, tmp_path):
    """An Assistant on the shipped fakes (no model loaded) and a fresh SQLite store."""
    from bot.assistant import Assistant, TurnConfig
    from bot.llm_gate import GateLimits
    from bot.risk import ScamSignals
    from bot.store import Store
    from bot.testing import DigitRedactor, KeywordEmotion, KeywordRetriever
    from bot.writer import WriterConfig

    def build(llm=None, store=None, cls=Assistant, **limits):
        redactor = DigitRedactor()
        return cls(
            config=TurnConfig(writer=WriterConfig(GateLimits(**limits))),
            corpus=corpus,
            retriever=KeywordRetriever(corpus, FAKE_KEYWORDS),
            redactor=redactor,
            screen=injection_screen,
            scope=scope_gate,
            emotion=KeywordEmotion(),
            risk=ScamSignals(),
            llm=llm,
            store=store or Store(f"sqlite:///{tmp_path / 'fake.db'}", mask=redactor.mask),
        )

    return build
