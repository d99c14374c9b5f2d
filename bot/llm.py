"""LLM backends as LangChain chat models, chosen in settings.

- ``embedded``: the packaged Qwen2.5 1.5B GGUF through llama-cpp-python;
- ``openai``: any OpenAI-compatible server (vLLM, Ollama, llama.cpp's server);
- ``extractive``: no LLM; the approved answer is the reply.
"""

from __future__ import annotations

import logging
from pathlib import Path

from langchain_core.language_models import BaseChatModel

from bot.settings import Settings

log = logging.getLogger(__name__)


class LLMUnavailableError(RuntimeError):
    """The configured LLM cannot be loaded or reached."""


def chat_model(settings: Settings) -> BaseChatModel | None:
    """The configured chat model, or None for the extractive backend."""
    if settings.llm == "extractive":
        return None
    if settings.llm == "openai":
        import httpx
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key.get_secret_value(),
            temperature=settings.llm_temperature,
            max_tokens=settings.llm_max_tokens,
            timeout=httpx.Timeout(
                settings.llm_timeout_s, connect=5.0, read=settings.llm_first_token_s
            ),
            max_retries=0,
            streaming=True,
        )
    return embedded_model(settings)


def embedded_model(settings: Settings) -> BaseChatModel:
    from bot.gguf import prepare_gguf

    try:
        from langchain_community.chat_models import ChatLlamaCpp
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise LLMUnavailableError("llama-cpp-python is not installed") from error
    from bot.prefix_cache import PrefixCache

    path: Path = prepare_gguf(settings.models_dir)
    chat = ChatLlamaCpp(
        model_path=str(path),
        n_ctx=settings.llm_context,
        n_threads=settings.llm_threads,
        n_batch=256,
        temperature=settings.llm_temperature,
        max_tokens=settings.llm_max_tokens,
        seed=settings.llm_seed,
        streaming=True,
        verbose=False,
    )
    chat.client.prefix_cache = PrefixCache(chat.client, settings.llm_prompt_cache_mb).attach()
    return chat


def prefix_stats(llm: BaseChatModel | None) -> dict | None:
    """The embedded model's prompt reuse so far (None for other backends): prompt tokens
    submitted and reused, and llama.cpp's own count of tokens it evaluated."""
    cache = getattr(getattr(llm, "client", None), "prefix_cache", None)
    if cache is None:
        return None
    import llama_cpp

    perf = llama_cpp.llama_perf_context(cache.llama._ctx.ctx)
    return {**cache.stats.to_json(), "evaluated_prompt_tokens": perf.n_p_eval}


def grammar_kwargs(llm: BaseChatModel, grammar: str) -> dict:
    """How to hold a backend's output to a GBNF grammar: llama.cpp in-process takes a
    compiled grammar, llama.cpp's server takes its text; others get none (their output
    is parsed all the same)."""
    kind = type(llm).__name__
    if kind == "ChatLlamaCpp":
        from llama_cpp import LlamaGrammar

        return {"grammar": LlamaGrammar.from_string(grammar, verbose=False)}
    if kind == "ChatOpenAI":
        return {"extra_body": {"grammar": grammar}}
    return {}


def backend_name(llm: BaseChatModel | None) -> str:
    """The backend and model behind a chat model, for the audit record."""
    if llm is None:
        return "extractive"
    kind = type(llm).__name__
    if kind == "ChatOpenAI":
        return f"openai:{llm.model_name}"
    if kind == "ChatLlamaCpp":
        return f"embedded:{Path(llm.model_path).name}"
    return kind
