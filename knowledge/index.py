"""The FAQ index: FAQ entries and exemplars embedded into FAISS, behind LangChain's
``VectorStore`` interface, persisted in a safe format with a manifest.

On disk (``index_dir``):

- ``vectors.faiss``: the FAISS index in FAISS's own binary format;
- ``documents.jsonl``: one JSON object per vector (id, text, metadata);
- ``manifest.json``: what the index was built from (corpus hash, exemplar hash, model
  id, library versions) and the SHA-256 of the two files above.

Nothing is pickled. A manifest that does not match the current corpus, model or
libraries, or files whose checksums do not match, make the index stale, and
:func:`open_index` rebuilds it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path

import faiss
from langchain_community.docstore.in_memory import InMemoryDocstore
from langchain_community.vectorstores import FAISS
from langchain_community.vectorstores.utils import DistanceStrategy
from langchain_core.documents import Document

from knowledge.corpus import Corpus
from knowledge.encoder import SentenceEncoder
from knowledge.exemplars import Exemplar

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
VECTORS_FILE = "vectors.faiss"
DOCUMENTS_FILE = "documents.jsonl"
MANIFEST_FILE = "manifest.json"
LIBRARIES = ("faiss-cpu", "sentence-transformers", "langchain-core", "langchain-community", "torch")


class IndexUnavailableError(RuntimeError):
    """The index is missing, corrupt or stale and was not rebuilt."""


@dataclass(frozen=True)
class Manifest:
    format_version: int
    corpus_hash: str
    exemplars_hash: str
    model_id: str
    libraries: dict[str, str]
    documents: int = 0
    faq_entries: int = 0
    exemplars: int = 0
    build_seconds: float = 0.0
    files_sha256: dict[str, str] | None = None

    def source(self) -> dict:
        """The fields that decide whether an index is current."""
        return {
            "format_version": self.format_version,
            "corpus_hash": self.corpus_hash,
            "exemplars_hash": self.exemplars_hash,
            "model_id": self.model_id,
            "libraries": self.libraries,
        }


@dataclass
class FaqIndex:
    store: FAISS
    manifest: Manifest


def expected_manifest(corpus: Corpus, exemplars: list[Exemplar], model_id: str) -> Manifest:
    return Manifest(
        format_version=FORMAT_VERSION,
        corpus_hash=corpus.content_hash,
        exemplars_hash=exemplars_hash(exemplars),
        model_id=model_id,
        libraries={name: version(name) for name in LIBRARIES},
    )


def exemplars_hash(exemplars: list[Exemplar]) -> str:
    digest = hashlib.sha256()
    for ex in exemplars:
        digest.update(f"{ex.intent}\t{ex.text}\n".encode())
    return digest.hexdigest()


def entry_document(entry) -> Document:
    """An FAQ entry as the index sees it: its title and keywords, phrased as a query."""
    text = ". ".join([entry.title, ", ".join(entry.keywords)]) if entry.keywords else entry.title
    return Document(
        page_content=text, metadata={"kind": "faq", "intent": entry.intent, "faq_id": entry.id}
    )


def exemplar_document(exemplar: Exemplar) -> Document:
    return Document(
        page_content=exemplar.text, metadata={"kind": "exemplar", "intent": exemplar.intent}
    )


def build_index(
    corpus: Corpus, exemplars: list[Exemplar], encoder: SentenceEncoder, progress: bool = True
) -> FaqIndex:
    """Embed every FAQ entry and exemplar into a new in-memory index."""
    started = time.perf_counter()
    documents = [entry_document(e) for e in corpus.entries]
    documents += [exemplar_document(ex) for ex in exemplars]
    log.info("embedding %d documents with %s", len(documents), encoder.model_id)
    vectors = encoder.encode([d.page_content for d in documents], progress=progress)
    store = _empty_store(encoder)
    store.add_embeddings(
        [(d.page_content, v.tolist()) for d, v in zip(documents, vectors, strict=True)],
        metadatas=[d.metadata for d in documents],
        ids=[str(i) for i in range(len(documents))],
    )
    manifest = expected_manifest(corpus, exemplars, encoder.model_id)
    manifest = Manifest(
        **{
            **asdict(manifest),
            "documents": len(documents),
            "faq_entries": len(corpus.entries),
            "exemplars": len(exemplars),
            "build_seconds": round(time.perf_counter() - started, 2),
        }
    )
    return FaqIndex(store, manifest)


def _empty_store(encoder: SentenceEncoder) -> FAISS:
    return FAISS(
        embedding_function=encoder,
        index=faiss.IndexFlatIP(encoder.dimension),
        docstore=InMemoryDocstore(),
        index_to_docstore_id={},
        distance_strategy=DistanceStrategy.MAX_INNER_PRODUCT,
    )


def save_index(index: FaqIndex, index_dir: Path) -> None:
    """Write the index atomically: a crash mid-write leaves the previous index intact."""
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".index-", dir=index_dir.parent))
    try:
        faiss.write_index(index.store.index, str(staging / VECTORS_FILE))
        with (staging / DOCUMENTS_FILE).open("w", encoding="utf-8") as out:
            for position in range(index.store.index.ntotal):
                doc_id = index.store.index_to_docstore_id[position]
                doc = index.store.docstore.search(doc_id)
                record = {"id": doc_id, "text": doc.page_content, "metadata": doc.metadata}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        checksums = {name: _sha256(staging / name) for name in (VECTORS_FILE, DOCUMENTS_FILE)}
        manifest = {**asdict(index.manifest), "files_sha256": checksums}
        (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        if index_dir.exists():
            retired = index_dir.with_name(index_dir.name + ".old")
            shutil.rmtree(retired, ignore_errors=True)
            os.replace(index_dir, retired)
            os.replace(staging, index_dir)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, index_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def read_manifest(index_dir: Path) -> Manifest | None:
    try:
        data = json.loads((index_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
        return Manifest(**data)
    except (OSError, ValueError, TypeError):
        return None


def staleness(index_dir: Path, expected: Manifest) -> str | None:
    """Why the index in ``index_dir`` cannot be used as it is, or None if it can."""
    manifest = read_manifest(index_dir)
    if manifest is None:
        return "no readable manifest"
    for key, value in expected.source().items():
        if manifest.source()[key] != value:
            return f"{key} changed"
    for name, checksum in (manifest.files_sha256 or {}).items():
        path = index_dir / name
        if not path.is_file() or _sha256(path) != checksum:
            return f"{name} is missing or does not match its checksum"
    if not manifest.files_sha256:
        return "manifest lists no file checksums"
    return None


def load_index(index_dir: Path, encoder: SentenceEncoder) -> FaqIndex:
    """Read an index written by :func:`save_index`; the caller checks staleness first."""
    manifest = read_manifest(index_dir)
    if manifest is None:
        raise IndexUnavailableError(f"no index manifest in {index_dir}")
    vectors = faiss.read_index(str(index_dir / VECTORS_FILE))
    documents: dict[str, Document] = {}
    positions: dict[int, str] = {}
    with (index_dir / DOCUMENTS_FILE).open(encoding="utf-8") as lines:
        for position, line in enumerate(lines):
            record = json.loads(line)
            documents[record["id"]] = Document(
                page_content=record["text"], metadata=record["metadata"]
            )
            positions[position] = record["id"]
    if vectors.ntotal != len(positions) or vectors.d != encoder.dimension:
        raise IndexUnavailableError(f"index in {index_dir} is inconsistent")
    store = FAISS(
        embedding_function=encoder,
        index=vectors,
        docstore=InMemoryDocstore(documents),
        index_to_docstore_id=positions,
        distance_strategy=DistanceStrategy.MAX_INNER_PRODUCT,
    )
    return FaqIndex(store, manifest)


def open_index(
    index_dir: Path,
    corpus: Corpus,
    exemplars: list[Exemplar],
    encoder: SentenceEncoder,
    rebuild: bool = True,
) -> FaqIndex:
    """Load the index, rebuilding (and saving) it first if it is missing or stale."""
    reason = staleness(index_dir, expected_manifest(corpus, exemplars, encoder.model_id))
    if reason is None:
        return load_index(index_dir, encoder)
    if not rebuild:
        raise IndexUnavailableError(f"index in {index_dir} is unusable: {reason}")
    log.warning("rebuilding the FAQ index in %s: %s", index_dir, reason)
    index = build_index(corpus, exemplars, encoder)
    save_index(index, index_dir)
    return index


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
