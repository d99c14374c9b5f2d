"""Prompt state reuse for the embedded model: a turn evaluates only the tokens that are
new to the model.

llama-cpp-python already keeps what the context holds: a prompt that starts like the
previous one (the fixed system prompt) skips the shared part. Every turn's prompt goes
on with the approved sentences of its entry, then the customer's words, so a turn on
another entry than the last one would evaluate its whole entry again. This cache keeps
the KV state of recent prompts (sequence 0 only, through llama.cpp's per-sequence state
API: about 28 KiB a token for this model, no logits) and, before a prompt is evaluated,
restores the kept state that shares the longest prefix with it, when that beats what
the context already holds. A state is kept without the generated tokens, so a later
turn on the same entry (with other words from the customer) reuses everything up to
them. The least recently used states go first past ``budget_mb``.

Counters: prompt tokens submitted, and how many of them were reused (from the context
or a restored state); llama.cpp's own counters (``llama_perf_context``) say how many
it evaluated.
"""

from __future__ import annotations

import ctypes
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import llama_cpp


@dataclass
class PrefixStats:
    prompts: int = 0
    prompt_tokens: int = 0  # submitted
    reused_tokens: int = 0  # not evaluated again: in the context already, or restored
    restored: int = 0  # prompts that began from a kept state

    def to_json(self) -> dict:
        share = self.reused_tokens / self.prompt_tokens if self.prompt_tokens else 0.0
        return {**self.__dict__, "reused_share": round(share, 3)}


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


class PrefixCache:
    """Attached to one ``llama_cpp.Llama``; see the module's docstring."""

    def __init__(self, llama: llama_cpp.Llama, budget_mb: float):
        self.llama = llama
        self.budget = int(budget_mb * 2**20)
        self.states: OrderedDict[tuple[int, ...], bytes] = OrderedDict()
        self.stats = PrefixStats()
        self._lock = threading.Lock()

    def attach(self) -> PrefixCache:
        """Wrap the model's ``generate``, which every completion goes through."""
        self.llama.generate = self.wrap(self.llama.generate)
        return self

    def wrap(self, generate: Callable[..., Iterator[int]]) -> Callable[..., Iterator[int]]:
        def generate_reusing(tokens: Sequence[int], *args, **kwargs) -> Iterator[int]:
            prompt = tuple(tokens)
            self.restore(prompt)
            try:
                yield from generate(tokens, *args, **kwargs)
            finally:
                self.keep(prompt)

        return generate_reusing

    def held(self) -> tuple[int, ...]:
        llama = self.llama
        return tuple(int(t) for t in llama.input_ids[: llama.n_tokens])

    def restore(self, prompt: tuple[int, ...]) -> None:
        """Put the kept state that shares most with ``prompt`` into the context, if it
        shares more than the context does."""
        in_context = common_prefix(self.held(), prompt)
        with self._lock:
            best, shared = None, in_context
            for tokens in self.states:
                length = common_prefix(tokens, prompt)
                if length > shared:
                    best, shared = tokens, length
            if best is not None:
                self.states.move_to_end(best)
                data = self.states[best]
        self.stats.prompts += 1
        self.stats.prompt_tokens += len(prompt)
        self.stats.reused_tokens += min(shared, len(prompt) - 1)
        if best is None:
            return
        llama = self.llama
        buffer = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
        llama._ctx.kv_cache_seq_rm(-1, 0, -1)
        if not llama_cpp.llama_state_seq_set_data(llama._ctx.ctx, buffer, len(data), 0):
            llama.n_tokens = 0  # nothing usable is held; the prompt is evaluated whole
            return
        llama.input_ids[: len(best)] = best
        llama.n_tokens = len(best)
        llama._requires_eval = True  # the logits are not the state's: decode again
        self.stats.restored += 1

    def keep(self, prompt: tuple[int, ...]) -> None:
        """Keep the context's state for ``prompt`` (its generated tokens dropped)."""
        llama = self.llama
        if common_prefix(self.held(), prompt) < len(prompt):
            return  # the prompt was not fully evaluated (stopped early)
        llama._ctx.kv_cache_seq_rm(-1, len(prompt), -1)
        llama.n_tokens = len(prompt)
        llama._requires_eval = True
        size = llama_cpp.llama_state_seq_get_size(llama._ctx.ctx, 0)
        if not 0 < size <= self.budget:
            return
        buffer = (ctypes.c_uint8 * size)()
        written = llama_cpp.llama_state_seq_get_data(llama._ctx.ctx, buffer, size, 0)
        with self._lock:
            self.states[prompt] = ctypes.string_at(buffer, written)
            self.states.move_to_end(prompt)
            while sum(len(state) for state in self.states.values()) > self.budget:
                self.states.popitem(last=False)
