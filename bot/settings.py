"""All configuration, from ``TELLER_*`` environment variables (or a ``.env`` file)."""

from __future__ import annotations

import logging
import os
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from knowledge import DATA_DIR

OFFLINE_ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TELLER_", env_file=".env", extra="ignore")

    home: Path = Field(Path(".teller"), description="Where Teller keeps its index and state.")
    knowledge_dir: Path = Field(DATA_DIR, description="Facts sheet, intents and FAQ files.")
    encoder: str = Field(
        "finetuned", description="Routing encoder: finetuned, base, or a model directory."
    )
    log_level: str = Field("WARNING", description="DEBUG, INFO, WARNING or ERROR.")
    torch_threads: int | None = Field(None, description="CPU threads for the encoder.")
    max_message_chars: int = Field(4000, ge=1, description="Longest message accepted.")
    max_hits: int = Field(5, ge=1, le=20, description="FAQ entries returned per message.")
    min_similarity: float | None = Field(
        None, description="No-match below this nearest similarity (default: calibrated)."
    )
    min_confidence: float | None = Field(
        None, description="No-match below this intent probability (default: calibrated)."
    )

    llm: Literal["embedded", "openai", "extractive"] = Field(
        "embedded", description="embedded (llama.cpp), openai (any compatible server), extractive."
    )
    llm_base_url: str = Field("http://127.0.0.1:8080/v1", description="OpenAI-compatible URL.")
    llm_model: str = Field("qwen2.5-coder-1.5b-instruct", description="Model name on the server.")
    llm_api_key: SecretStr = Field(SecretStr("not-needed"), description="Server API key.")
    llm_temperature: float = Field(0.2, ge=0, le=2)
    llm_max_tokens: int = Field(
        16, ge=8, le=1024, description="Token cap of the LLM's answer (sentence numbers)."
    )
    llm_timeout_s: float = Field(30.0, gt=0, description="Give up on the LLM after this.")
    llm_first_token_s: float = Field(
        10.0, gt=0, description="Give up on the LLM if it has not begun after this."
    )
    llm_warm: bool = Field(
        True,
        description="At start, show the embedded LLM every entry once, in the background.",
    )
    llm_slots: int = Field(
        1, ge=1, description="LLM calls at once: 1 embedded; a server's parallel slots."
    )
    admission_wait_s: float = Field(
        4.0,
        ge=0,
        description="Answer from the approved text at once when the LLM wait would pass this.",
    )
    llm_prompt_cache_mb: float = Field(
        896.0, ge=0, description="Embedded model: KV states of prompts kept (entries), MB."
    )
    llm_context: int = Field(4096, ge=512, description="Embedded model context window.")
    llm_threads: int = Field(2, ge=1, description="CPU threads for the embedded model.")
    llm_seed: int = Field(7, description="Sampling seed of the embedded model.")
    asr_model: Literal["base", "tiny.en"] = Field(
        "base", description="Whisper model: base (multilingual) or tiny.en (faster)."
    )
    asr_language: str = Field("en", description="Language spoken, or auto to detect it.")
    asr_min_logprob: float = Field(-1.0, description="Ask to repeat below this log-probability.")
    asr_max_no_speech: float = Field(0.6, ge=0, le=1, description="Ask to repeat above this.")
    max_audio_s: float = Field(60.0, gt=0, description="Longest recording accepted, seconds.")
    tts_voice: str = Field("piper", description="piper, or espeak:<voice> (e.g. espeak:en-gb).")
    host: str = Field("127.0.0.1", description="Address the web app listens on.")
    port: int = Field(7860, ge=1, le=65535, description="Port of the web app.")
    agent_user: str | None = Field(None, description="Agent console login name.")
    agent_password: SecretStr | None = Field(None, description="Agent console password.")
    demo: bool = Field(False, description="Demo mode: agent console login demo / demo.")
    api_rate_per_minute: int = Field(30, ge=1, description="API requests per client a minute.")
    max_upload_mb: float = Field(10.0, gt=0, description="Largest audio upload accepted, MB.")
    max_waiting_turns: int = Field(16, ge=1, description="Turns queued before busy is returned.")
    widget_origins: list[str] = Field(
        default_factory=list, description="Web sites allowed to embed the chat widget (CORS)."
    )
    database_url: str | None = Field(None, description="SQLAlchemy URL; default SQLite in home.")
    clarify_below: float = Field(0.55, ge=0, le=1, description="Ask which topic under this.")
    max_failures: int = Field(2, ge=1, description="Unhelped turns in a row before handoff.")
    angry_streak: int = Field(2, ge=1, description="Angry turns in a row before handoff.")
    angry_intensity: float = Field(0.9, ge=0, le=1, description="Hand over at once above this.")
    session_secret: SecretStr | None = Field(
        None, description="Key that signs session ids (default: a key kept in home)."
    )
    session_idle_minutes: float = Field(
        30.0, gt=0, description="A conversation idle this long cannot be continued."
    )
    retention_days: float = Field(
        90.0, gt=0, description="Conversation text older than this is purged; the audit stays."
    )
    reply_audio_hours: float = Field(
        24.0, gt=0, description="Spoken replies and uploads are deleted after this."
    )
    login_rate_per_minute: int = Field(10, ge=1, description="Console login tries a minute.")
    login_max_failures: int = Field(5, ge=1, description="Failed console logins before lockout.")
    login_lockout_minutes: float = Field(15.0, gt=0, description="Console lockout length.")

    @property
    def index_dir(self) -> Path:
        name = self.encoder if self.encoder in ("finetuned", "base") else "custom"
        return self.home / "index" / name

    @property
    def replies_dir(self) -> Path:
        """Spoken replies, deleted after ``reply_audio_hours``."""
        return self.home / "replies"

    @property
    def uploads_dir(self) -> Path:
        """The web app's upload cache (recordings), deleted like replies."""
        return self.home / "uploads"

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'teller.db'}"


@cache
def load_settings() -> Settings:
    """The process's settings, read from the environment once."""
    return Settings()


def apply_offline_environment() -> None:
    """Make sure no library tries to reach a model hub or send telemetry."""
    for key, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(key, value)


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
