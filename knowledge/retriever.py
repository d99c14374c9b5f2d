"""The retriever: a customer message (and the conversation so far) becomes ranked FAQ
entries with calibrated scores, or a "no good match" verdict.

Scoring: the message is embedded and its nearest documents (exemplars and FAQ entries)
are found in the index. Each neighbour votes for its intent with weight
``exp(similarity / temperature)``; the normalised votes are the intent probabilities.
The temperature is fitted on held-out training data (see ``knowledge.finetune``) so
that a score of 0.8 is right about 80% of the time. The verdict is "no match" when
the nearest neighbour is less similar than ``min_similarity``, the best intent's
probability is below ``min_confidence``, or the out-of-scope exemplars (messages no
bank FAQ answers) win the vote.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from knowledge.corpus import Corpus, FaqEntry
from knowledge.index import FaqIndex
from knowledge.intents import OUT_OF_SCOPE


@dataclass(frozen=True)
class Calibration:
    """How raw similarities become probabilities and the no-match verdict."""

    temperature: float = 0.05
    min_similarity: float = 0.45
    min_confidence: float = 0.30
    neighbours: int = 10

    @classmethod
    def load(cls, path: Path) -> Calibration:
        """Read ``calibration.json`` written by the fine-tuning script; defaults if absent."""
        if not path.is_file():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Hit:
    entry: FaqEntry
    score: float
    similarity: float

    @property
    def intent(self) -> str:
        return self.entry.intent


@dataclass(frozen=True)
class Retrieval:
    query: str
    hits: tuple[Hit, ...]
    no_match: bool
    top_similarity: float
    used_history: bool = False
    standalone: Retrieval | None = None  # the message's own ranking, when history was used
    off_topic: bool = False  # not a banking matter: the out-of-scope exemplars won

    @property
    def top(self) -> Hit | None:
        return self.hits[0] if self.hits else None


class Retriever:
    """Routes messages to FAQ entries through the index's LangChain vector store."""

    def __init__(
        self,
        index: FaqIndex,
        corpus: Corpus,
        calibration: Calibration,
        max_hits: int = 5,
        follow_up_weight: float = 1.5,
        standalone_confidence: float = 0.9,
        follow_up_confidence: float = 0.5,
    ):
        self.store = index.store
        self.corpus = corpus
        self.calibration = calibration
        self.max_hits = max_hits
        self.follow_up_weight = follow_up_weight
        self.standalone_confidence = standalone_confidence
        self.follow_up_confidence = follow_up_confidence
        self._entry_vectors = _entry_vectors_by_intent(index)
        self._recent = RecentVectors()
        self._entry_words = {
            entry.id: content_words(f"{entry.title} {entry.answer}") for entry in corpus.entries
        }

    @property
    def model_id(self) -> str:
        """The encoder behind the index."""
        return self.store.embedding_function.model_id

    def retrieve(self, message: str, history: Sequence[str] = ()) -> Retrieval:
        """Rank FAQ entries for ``message``.

        ``history`` holds earlier customer turns, oldest first. A message that reads
        as a follow-up (short, leaning on "it", "that", "and ...") or that routes with
        less than ``standalone_confidence`` on its own is routed together with the
        previous turn, unless it routes at least as surely on its own or the customer
        says they are changing the subject.
        """
        return self.retrieve_batch([message], [history])[0]

    def retrieve_batch(
        self, messages: Sequence[str], histories: Sequence[Sequence[str]] | None = None
    ) -> list[Retrieval]:
        """Rank FAQ entries for many messages, embedding them in one pass."""
        histories = histories or [()] * len(messages)
        texts = [m.strip() for m in messages]
        vectors = self.store.embedding_function.encode([t or " " for t in texts])
        results = []
        for text, vector, history in zip(texts, vectors, histories, strict=True):
            if not text:
                results.append(Retrieval(text, (), True, 0.0))
                continue
            self._recent.put(text, vector)
            result = self._rank(text, vector)
            if (
                history
                and not self._about_the_conversation(result)
                and not changes_the_subject(text)
                and (
                    looks_like_follow_up(text)
                    or result.no_match
                    or result.hits[0].score < self.standalone_confidence
                )
            ):
                with_history = self._rank_with_history(text, vector, history)
                if with_history is not None and not self._holds_its_own(result, with_history):
                    result = replace(with_history, standalone=result)
            results.append(result)
        return results

    def _holds_its_own(self, alone: Retrieval, with_history: Retrieval) -> bool:
        """A message that routes on its own surely enough, and at least as surely as with
        the conversation, keeps its own topic: "what about an ISA?" after a question on
        savings rates is about ISAs."""
        return (
            not alone.no_match
            and not with_history.no_match
            and alone.hits[0].score >= max(self.follow_up_confidence, with_history.hits[0].score)
        )

    def _about_the_conversation(self, result: Retrieval) -> bool:
        """Thanks, greetings, goodbyes and asking for a person are about the conversation,
        never follow-ups of its topic: "thanks, that helps" is not a card question."""
        top = result.top
        return (
            not result.no_match
            and top.intent in CONVERSATIONAL
            and top.score >= self.follow_up_confidence
        )

    def _rank_with_history(
        self, text: str, vector: np.ndarray, history: Sequence[str]
    ) -> Retrieval | None:
        """A follow-up ("and how long does that take?") inherits the topic of the
        previous customer turn: the query leans towards that turn's embedding. When
        even that stays unsure, the previous turn's confident topic leads."""
        previous_vector = self._vector(history[-1])
        blended = vector + self.follow_up_weight * previous_vector
        blended = blended / np.linalg.norm(blended)
        result = self._rank(text, blended, used_history=True)
        if not result.no_match and result.hits[0].score >= self.follow_up_confidence:
            return result
        previous = self._rank(history[-1], previous_vector)
        if previous.no_match or previous.hits[0].score < self.follow_up_confidence:
            return None if result.no_match else result
        leader = previous.hits[0]
        rest = tuple(h for h in result.hits if h.entry.id != leader.entry.id)
        hits = (leader, *rest)[: self.max_hits]
        return Retrieval(text, hits, False, result.top_similarity, used_history=True)

    def _rank(self, text: str, vector: np.ndarray, used_history: bool = False) -> Retrieval:
        neighbours = self.store.similarity_search_with_score_by_vector(
            vector.tolist(), k=self.calibration.neighbours
        )
        votes: dict[str, float] = {}
        best_similarity: dict[str, float] = {}
        top = float(neighbours[0][1]) if neighbours else 0.0
        for document, similarity in neighbours:
            intent = document.metadata["intent"]
            weight = float(np.exp((similarity - top) / self.calibration.temperature))
            votes[intent] = votes.get(intent, 0.0) + weight
            best_similarity[intent] = max(best_similarity.get(intent, -1.0), float(similarity))
        total = sum(votes.values()) or 1.0
        ranked = sorted(votes.items(), key=lambda item: item[1], reverse=True)
        hits = []
        for intent, vote in ranked[: self.max_hits]:
            chosen = self._closest_entry(intent, vector, text)
            if chosen is None:
                continue
            hits.append(Hit(chosen, round(vote / total, 4), round(best_similarity[intent], 4)))
        # A blended follow-up query sits between two topics, so its nearest similarity
        # is lower by construction; only its confidence decides.
        too_far = top < self.calibration.min_similarity and not used_history
        off_topic = bool(ranked) and ranked[0][0] == OUT_OF_SCOPE
        no_match = (
            not hits or too_far or off_topic or hits[0].score < self.calibration.min_confidence
        )
        return Retrieval(
            text, tuple(hits), no_match, round(top, 4), used_history, off_topic=off_topic
        )

    def best_entry(self, intent: str, message: str) -> FaqEntry | None:
        """The entry of ``intent`` closest to ``message``, whatever the routing said."""
        return self._closest_entry(intent, self._vector(message), message)

    def _vector(self, text: str) -> np.ndarray:
        """The embedding of ``text``, from the recent queries when it was just asked
        (a follow-up's topic turn usually was), else encoded now."""
        text = text.strip()
        vector = self._recent.get(text)
        if vector is None:
            vector = self.store.embedding_function.encode([text or " "])[0]
            self._recent.put(text, vector)
        return vector

    def _closest_entry(self, intent: str, vector: np.ndarray, text: str) -> FaqEntry | None:
        """The intent's FAQ entry most similar to the query (intents may have several).
        The routing encoder gathers an intent's messages together, so among its entries
        the words the message shares with each entry's title and answer also count."""
        if intent not in self._entry_vectors:
            return None
        ids, matrix = self._entry_vectors[intent]
        if len(ids) == 1:
            return self.corpus.by_id[ids[0]]
        words = content_words(text)
        scores = [
            similarity + SHARED_WORD_WEIGHT * len(words & self._entry_words[entry_id])
            for entry_id, similarity in zip(ids, matrix @ vector, strict=True)
        ]
        return self.corpus.by_id[ids[int(np.argmax(scores))]]


class RecentVectors:
    """The embeddings of the last ``size`` queries, least recently used dropped first;
    safe to share between the threads serving turns."""

    def __init__(self, size: int = 1024):
        self.size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> np.ndarray | None:
        with self._lock:
            vector = self._vectors.get(text)
            if vector is not None:
                self._vectors.move_to_end(text)
            return vector

    def put(self, text: str, vector: np.ndarray) -> None:
        with self._lock:
            self._vectors[text] = vector
            self._vectors.move_to_end(text)
            if len(self._vectors) > self.size:
                self._vectors.popitem(last=False)


SHARED_WORD_WEIGHT = 0.05
WORD = re.compile(r"[a-z]{4,}")


def content_words(text: str) -> frozenset[str]:
    """The words of four letters or more: a rough cut of the words that carry meaning."""
    return frozenset(WORD.findall(text.lower()))


CONVERSATIONAL = frozenset({"greeting", "thanks", "goodbye", "human_agent"})
FOLLOW_UP_OPENERS = re.compile(r"^(and|but|also|so|then|or|what about|how about|what if)\b", re.I)
ANAPHORA = re.compile(r"\b(it|that|this|those|these|they|them|there|one)\b", re.I)
FOLLOW_UP_MAX_WORDS = 9


def looks_like_follow_up(text: str) -> bool:
    """Short messages that lean on an earlier turn: "and how long does that take?"."""
    if len(text.split()) > FOLLOW_UP_MAX_WORDS:
        return False
    return bool(FOLLOW_UP_OPENERS.match(text) or ANAPHORA.search(text))


NEW_SUBJECT = re.compile(
    r"\b(unrelated|(different|another|separate|random)\s+(question|subject|topic|matter)"
    r"|change\s+(of\s+)?(the\s+)?subject|off[- ]topic|by\s+the\s+way|btw|speaking\s+of"
    r"|on\s+another\s+note|while\s+i\s+(have|'?ve\s+got)\s+you)\b",
    re.I,
)


REQUEST = re.compile(
    r"\?|\b(?:can|could|would|will)\s+you\b|\b(?:write|give|tell|show|find|recommend|suggest)"
    r"\s+me\b|\bany\s+(?:idea|ideas|tips)\b|^(?:what|how|where|when|who|which|why)\b",
    re.I,
)


def asks_something(text: str) -> bool:
    """A question or a request ("can you give me a recipe?", "write me a poem"), not a
    statement ("Samsung, Android 9", "it was the one on Station Road")."""
    return bool(REQUEST.search(text))


def changes_the_subject(text: str) -> bool:
    """The customer says this is a new matter ("totally unrelated, but ...", "speaking of
    Christmas, ..."), and does not lean on the last one with "it" or "that"."""
    return bool(NEW_SUBJECT.search(text)) and not looks_like_follow_up(text)


def _entry_vectors_by_intent(index: FaqIndex) -> dict[str, tuple[list[str], np.ndarray]]:
    """The stored vectors of the FAQ entries, grouped by intent."""
    grouped: dict[str, tuple[list[str], list[np.ndarray]]] = {}
    store = index.store
    for position, doc_id in store.index_to_docstore_id.items():
        metadata = store.docstore.search(doc_id).metadata
        if metadata["kind"] != "faq":
            continue
        ids, vectors = grouped.setdefault(metadata["intent"], ([], []))
        ids.append(metadata["faq_id"])
        vectors.append(store.index.reconstruct(position))
    return {intent: (ids, np.stack(vectors)) for intent, (ids, vectors) in grouped.items()}
