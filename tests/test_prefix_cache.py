"""Prompt state reuse on the real embedded model: a turn on an entry seen before
evaluates only its new tokens, and answers exactly as a cold model would."""

from __future__ import annotations

import llama_cpp
import pytest

from bot.prefix_cache import common_prefix
from bot.prompt import SYSTEM_PROMPT, selection_prompt
from bot.sentences import split_sentences

pytestmark = pytest.mark.slow


def messages(corpus, entry: str, said: str) -> list[dict]:
    sentences = split_sentences(corpus.by_id[entry].answer)
    prompt = selection_prompt(sentences, said, None)
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": prompt}]


def choose(llama, chat: list[dict]) -> tuple[str, int]:
    """The model's greedy answer, and how many prompt tokens llama.cpp evaluated for it."""
    before = llama_cpp.llama_perf_context(llama._ctx.ctx).n_p_eval
    out = llama.create_chat_completion(messages=chat, temperature=0.0, max_tokens=6)
    evaluated = llama_cpp.llama_perf_context(llama._ctx.ctx).n_p_eval - before
    return out["choices"][0]["message"]["content"], evaluated


def test_common_prefix():
    assert common_prefix([1, 2, 3], [1, 2, 4, 5]) == 2
    assert common_prefix([], [1]) == 0


def test_an_entry_seen_before_is_restored_not_evaluated_again(embedded_llm, corpus):
    llama = embedded_llm.client
    cache = llama.prefix_cache
    first = messages(corpus, "card-arrival", "my card has not come yet")
    other = messages(corpus, "change-pin", "how do I change my PIN")
    again = messages(corpus, "card-arrival", "it's been ten days, where is my new card?")
    choose(llama, first)
    choose(llama, other)  # the context now holds another entry
    restored = cache.stats.restored
    warm_answer, warm_evaluated = choose(llama, again)
    assert cache.stats.restored == restored + 1
    prompt = llama.tokenize(again[1]["content"].encode(), add_bos=False)
    assert warm_evaluated < 30 < len(prompt)  # only the customer's words, and the tail

    # The same prompt on a model that holds nothing: the same answer, at full cost.
    cache.states.clear()
    llama.reset()
    cold_answer, cold_evaluated = choose(llama, again)
    assert cold_answer == warm_answer
    assert cold_evaluated > 3 * warm_evaluated
