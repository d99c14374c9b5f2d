"""All configuration, from ``TELLER_*`` environment variables (or a ``.env`` file)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from pydantic import Field
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

    @property
    def index_dir(self) -> Path:
        name = self.encoder if self.encoder in ("finetuned", "base") else "custom"
        return self.home / "index" / name


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
