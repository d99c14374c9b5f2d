"""The one place that builds Teller's object graph from settings."""

from __future__ import annotations

import logging

from bot.assistant import Assistant, TurnConfig
from bot.decide import Policy
from bot.llm_gate import GateLimits
from bot.settings import Settings
from bot.writer import WriterConfig
from knowledge.corpus import Corpus, load_corpus
from knowledge.encoder import SentenceEncoder
from knowledge.encoder import load_encoder as load_named_encoder
from knowledge.exemplars import load_exemplars
from knowledge.index import FaqIndex, build_index, open_index, save_index
from knowledge.retriever import Calibration, Retriever

log = logging.getLogger(__name__)


def load_encoder(settings: Settings) -> SentenceEncoder:
    return load_named_encoder(settings.encoder, settings.torch_threads)


def calibration(settings: Settings, encoder: SentenceEncoder) -> Calibration:
    """The encoder's calibrated thresholds, overridden by any set in settings."""
    calibrated = Calibration.load(encoder.model_dir / "calibration.json")
    overrides = {
        "min_similarity": settings.min_similarity,
        "min_confidence": settings.min_confidence,
    }
    values = {**calibrated.__dict__, **{k: v for k, v in overrides.items() if v is not None}}
    return Calibration(**values)


def rebuild_index(settings: Settings) -> FaqIndex:
    """Build the index from scratch and save it."""
    corpus = load_corpus(settings.knowledge_dir)
    index = build_index(corpus, load_exemplars(settings.knowledge_dir), load_encoder(settings))
    save_index(index, settings.index_dir)
    return index


def build_retriever(settings: Settings, corpus: Corpus | None = None) -> Retriever:
    """Load the corpus and the index (rebuilding it if stale) and return a retriever."""
    corpus = corpus or load_corpus(settings.knowledge_dir)
    encoder = load_encoder(settings)
    index = open_index(settings.index_dir, corpus, load_exemplars(settings.knowledge_dir), encoder)
    return Retriever(index, corpus, calibration(settings, encoder), max_hits=settings.max_hits)


def turn_config(settings: Settings) -> TurnConfig:
    """The runner's share of the settings."""
    return TurnConfig(
        max_message_chars=settings.max_message_chars,
        policy=Policy(
            clarify_below=settings.clarify_below,
            max_failures=settings.max_failures,
            angry_streak=settings.angry_streak,
            angry_intensity=settings.angry_intensity,
        ),
        writer=writer_config(settings),
    )


def writer_config(settings: Settings) -> WriterConfig:
    """The LLM writer's share of the settings: its admission and time limits."""
    return WriterConfig(
        gate=GateLimits(
            first_token_s=settings.llm_first_token_s,
            total_s=settings.llm_timeout_s,
            slots=settings.llm_slots,
            max_wait_s=settings.admission_wait_s,
        )
    )


def build_assistant(settings: Settings) -> Assistant:
    """Everything a turn needs, from settings. An unavailable LLM means extractive replies."""
    from bot.emotion import TrainedEmotion
    from bot.gguf import ModelFilesError
    from bot.injection import InjectionScreen
    from bot.llm import LLMUnavailableError, chat_model
    from bot.redact import Redactor
    from bot.risk import ScamSignals
    from bot.scope import ScopeGate
    from bot.store import Store

    corpus = load_corpus(settings.knowledge_dir)
    try:
        llm = chat_model(settings)
    except (LLMUnavailableError, ModelFilesError) as error:
        log.warning("LLM unavailable, answering with approved texts only: %s", error)
        llm = None
    retriever = build_retriever(settings, corpus)
    redactor = Redactor(settings.home / "spacy-blank-en")
    return Assistant(
        config=turn_config(settings),
        corpus=corpus,
        retriever=retriever,
        redactor=redactor,
        screen=InjectionScreen.load(),
        scope=ScopeGate.load(),
        emotion=TrainedEmotion(threads=settings.torch_threads),
        risk=ScamSignals.shipped(min_vote=retriever.calibration.min_confidence),
        llm=llm,
        store=Store(settings.database, mask=redactor.mask),
    )
