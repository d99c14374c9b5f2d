"""The encoder workers, and the stage that finds emotion and entries side by side."""

from __future__ import annotations

import threading

import pytest
import torch

from bot.stages import Understand
from bot.trace import TurnTrace
from bot.turn_state import TurnInput, TurnState
from bot.workers import ENCODER_WORKERS, encoder_workers


def test_the_workers_run_torch_on_one_core_and_every_other_thread_keeps_the_default():
    default = torch.get_num_threads()
    workers = encoder_workers()
    counts = {workers.submit(torch.get_num_threads).result() for _ in range(4 * ENCODER_WORKERS)}
    fresh: list[int] = []
    thread = threading.Thread(target=lambda: fresh.append(torch.get_num_threads()))
    thread.start()
    thread.join()
    assert counts == {1}
    assert torch.get_num_threads() == default and fresh == [default]


@pytest.mark.parametrize(
    ("message", "feeling"),
    [("I'm furious, my new card hasn't arrived", "angry"), ("how do I change my pin", "neutral")],
)
def test_understanding_finds_what_feeling_then_retrieving_find_in_turn(
    fake_assistant, message, feeling
):
    understand = next(s for s in fake_assistant().stages if isinstance(s, Understand))
    state = TurnState(TurnTrace("session", message=message), TurnInput(message))
    together = understand.run(state)
    in_turn = understand.retrieve.run(understand.feel.run(state))
    assert together.trace == in_turn.trace and together.retrieval == in_turn.retrieval
    assert together.trace.emotion.label == feeling
    assert together.trace.retrieval.hits


@pytest.mark.slow
def test_one_message_is_encoded_as_a_batch_would_encode_it():
    from knowledge.encoder import load_encoder

    encoder = load_encoder("base")
    messages = ["my card hasn't arrived", "what's the rate for euros today?"]
    together = encoder.encode(messages)
    for row, message in zip(together, messages, strict=True):
        assert abs(encoder.encode([message])[0] - row).max() < 1e-5
