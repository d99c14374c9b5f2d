"""The LLM's gate: admission by predicted wait, parallel slots, time limits."""

from __future__ import annotations

import threading
import time

import pytest

from bot.llm_gate import GateLimits, LLMBusy, LLMGate, LLMTimeout, Occupancy


def slow_stream(seconds: float, pieces=("1",)):
    def start():
        for piece in pieces:
            time.sleep(seconds)
            yield piece

    return start


def run_in_thread(gate: LLMGate, start) -> tuple[threading.Thread, list]:
    outcome: list = []

    def call():
        try:
            outcome.append(list(gate.stream(start)))
        except Exception as error:
            outcome.append(error)

    thread = threading.Thread(target=call)
    thread.start()
    return thread, outcome


def test_predicted_wait_counts_the_calls_ahead_over_the_slots():
    occupancy = Occupancy(slots=2, expected_call_s=3.0)
    assert occupancy.predicted_wait_s() == 0.0
    occupancy.arrive()
    assert occupancy.predicted_wait_s() == 0.0  # a second slot is free
    occupancy.arrive()
    assert occupancy.predicted_wait_s() == 3.0  # both taken: one call's length
    occupancy.arrive()
    occupancy.arrive()
    assert occupancy.predicted_wait_s() == 6.0  # two rounds ahead


def test_the_mean_call_length_follows_the_calls_measured():
    occupancy = Occupancy(slots=1, expected_call_s=2.0)
    for _ in range(20):
        occupancy.arrive()
        occupancy.leave(held_s=0.5)
    assert occupancy.mean_call_s == pytest.approx(0.5, abs=0.01)
    occupancy.arrive()
    occupancy.leave(held_s=None)  # turned away: says nothing of a call's length
    assert occupancy.mean_call_s == pytest.approx(0.5, abs=0.01)


def test_a_call_is_turned_away_at_once_when_the_predicted_wait_is_too_long():
    gate = LLMGate(GateLimits(max_wait_s=1.0, expected_call_s=5.0))
    holder, _ = run_in_thread(gate, slow_stream(0.5))
    time.sleep(0.1)
    with pytest.raises(LLMBusy, match=r"predicted wait 5\.0 s"):
        list(gate.stream(slow_stream(0.0)))
    assert holder.is_alive()  # refused while the holder runs, not after waiting for it
    holder.join()
    assert gate.occupancy.calls == 0


def test_a_short_queue_waits_for_its_turn():
    gate = LLMGate(GateLimits(max_wait_s=5.0, expected_call_s=0.3))
    holder, first = run_in_thread(gate, slow_stream(0.3))
    time.sleep(0.05)
    assert list(gate.stream(slow_stream(0.0, pieces=("2",)))) == ["2"]
    holder.join()
    assert first == [["1"]]


def test_a_call_that_gets_no_slot_in_time_is_turned_away():
    # The prediction is wrong (calls were quick so far), the wait is not.
    gate = LLMGate(GateLimits(max_wait_s=0.3, expected_call_s=0.01))
    holder, _ = run_in_thread(gate, slow_stream(1.0))
    time.sleep(0.05)
    with pytest.raises(LLMBusy, match=r"no free model slot within 0\.3 s"):
        list(gate.stream(slow_stream(0.0)))
    holder.join()


def test_slots_let_calls_run_side_by_side():
    gate = LLMGate(GateLimits(slots=2, max_wait_s=5.0, expected_call_s=1.0))
    both_in = threading.Barrier(2, timeout=5)  # passes only if both calls run at once

    def start():
        both_in.wait()
        yield "1"

    threads = [run_in_thread(gate, start) for _ in range(2)]
    for thread, outcome in threads:
        thread.join()
        assert outcome == [["1"]]


def test_time_limits_count_from_the_place_taken():
    gate = LLMGate(GateLimits(first_token_s=0.2, max_wait_s=5.0, expected_call_s=0.1))
    with pytest.raises(LLMTimeout, match=r"no first token within 0\.2 s"):
        list(gate.stream(slow_stream(0.6)))
    # The abandoned call keeps its place until it ends; the next one waits for it.
    assert list(gate.stream(slow_stream(0.0, pieces=("3",)))) == ["3"]
