"""Index build, safe persistence, round trip and staleness, on the real base encoder."""

from dataclasses import replace

import pytest

from knowledge.exemplars import Exemplar
from knowledge.index import (
    DOCUMENTS_FILE,
    VECTORS_FILE,
    IndexUnavailableError,
    build_index,
    expected_manifest,
    load_index,
    open_index,
    save_index,
    staleness,
)

pytestmark = pytest.mark.slow

EXEMPLARS = [
    Exemplar("my card has not come in the post", "card_arrival"),
    Exemplar("I lost my wallet with my card in it", "lost_or_stolen_card"),
    Exemplar("how much does it cost to send money abroad", "transfer_fee_charged"),
]


@pytest.fixture()
def small_index(corpus, base_encoder):
    return build_index(corpus, EXEMPLARS, base_encoder, progress=False)


def search(index, encoder, text):
    hits = index.store.similarity_search_with_score_by_vector(encoder.embed_query(text), k=3)
    return [(doc.page_content, round(float(score), 5)) for doc, score in hits]


def test_round_trip_gives_identical_results(tmp_path, small_index, base_encoder):
    save_index(small_index, tmp_path / "index")
    loaded = load_index(tmp_path / "index", base_encoder)
    assert loaded.manifest.documents == small_index.manifest.documents
    for query in ("where is my card", "stolen card", "fees for foreign transfers"):
        assert search(loaded, base_encoder, query) == search(small_index, base_encoder, query)


def test_nothing_is_pickled(tmp_path, small_index):
    save_index(small_index, tmp_path / "index")
    names = sorted(p.name for p in (tmp_path / "index").iterdir())
    assert names == ["documents.jsonl", "manifest.json", "vectors.faiss"]
    assert not any(p.suffix in (".pkl", ".pickle") for p in (tmp_path / "index").iterdir())


def test_manifest_records_sources(small_index, corpus, base_encoder):
    manifest = small_index.manifest
    assert manifest.corpus_hash == corpus.content_hash
    assert manifest.model_id == base_encoder.model_id
    assert {"faiss-cpu", "sentence-transformers", "langchain-core"} <= set(manifest.libraries)
    assert manifest.documents == len(corpus.entries) + len(EXEMPLARS)


def test_fresh_index_is_current(tmp_path, small_index, corpus, base_encoder):
    save_index(small_index, tmp_path / "index")
    expected = expected_manifest(corpus, EXEMPLARS, base_encoder.model_id)
    assert staleness(tmp_path / "index", expected) is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"corpus_hash": "0" * 64}, "corpus_hash changed"),
        ({"model_id": "other@123"}, "model_id changed"),
        ({"libraries": {"faiss-cpu": "0.0"}}, "libraries changed"),
    ],
)
def test_changed_sources_make_it_stale(tmp_path, small_index, corpus, base_encoder, change, reason):
    save_index(small_index, tmp_path / "index")
    expected = replace(expected_manifest(corpus, EXEMPLARS, base_encoder.model_id), **change)
    assert staleness(tmp_path / "index", expected) == reason


@pytest.mark.parametrize("damaged", [VECTORS_FILE, DOCUMENTS_FILE])
def test_tampered_file_is_stale_and_rebuilt(tmp_path, small_index, corpus, base_encoder, damaged):
    index_dir = tmp_path / "index"
    save_index(small_index, index_dir)
    with (index_dir / damaged).open("ab") as handle:
        handle.write(b"garbage")
    expected = expected_manifest(corpus, EXEMPLARS, base_encoder.model_id)
    assert "does not match its checksum" in staleness(index_dir, expected)
    with pytest.raises(IndexUnavailableError, match="unusable"):
        open_index(index_dir, corpus, EXEMPLARS, base_encoder, rebuild=False)
    rebuilt = open_index(index_dir, corpus, EXEMPLARS, base_encoder)
    assert rebuilt.store.index.ntotal == small_index.store.index.ntotal
    assert staleness(index_dir, expected) is None


def test_missing_index_is_built_and_saved(tmp_path, corpus, base_encoder):
    index_dir = tmp_path / "nowhere" / "index"
    index = open_index(index_dir, corpus, EXEMPLARS, base_encoder)
    assert index.store.index.ntotal == len(corpus.entries) + len(EXEMPLARS)
    assert (index_dir / "manifest.json").is_file()
