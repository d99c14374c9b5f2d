"""The door to the LLM: how many calls run at once, how long a turn may queue for one,
and time limits that stop a streaming model holding a turn hostage.

Admission. The gate has ``slots`` places (1 for the embedded model, which must not be
called from two threads; a server's parallel slots otherwise). It keeps a running mean
of how long a call holds a place, and from it predicts a new call's wait: the calls
ahead of it, shared over the slots, times that mean. A call whose predicted wait passes
``max_wait_s`` is turned away at once (:class:`LLMBusy`), and so is one that waits that
long without a place; the turn is then answered from the approved text, so no customer
waits behind a queue.

Time limits. The model's stream is read in a worker thread. A turn waits at most
``first_token_s`` for the first piece and ``total_s`` for all of it; past either, it
stops waiting (and answers from the approved text), while the worker is told to stop
at the model's next piece. An abandoned call keeps its place until it has ended.
"""

from __future__ import annotations

import math
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

DONE = object()


class LLMTimeout(TimeoutError):
    """The model did not answer in time; the message says which limit passed."""


class LLMBusy(RuntimeError):
    """The model's places are taken for longer than a turn may wait."""


@dataclass(frozen=True)
class GateLimits:
    first_token_s: float = 10.0  # give up if the model has not begun by then
    total_s: float = 30.0  # ... or has not finished by then
    slots: int = 1  # calls at once
    max_wait_s: float = 4.0  # longest predicted (and actual) wait for a place
    expected_call_s: float = 2.0  # a call's length before any has been measured


class Occupancy:
    """Calls holding or waiting for a place, and the running mean of a call's length."""

    SMOOTHING = 0.3  # weight of the newest call in the mean

    def __init__(self, slots: int, expected_call_s: float):
        self.slots = slots
        self.mean_call_s = expected_call_s
        self.calls = 0  # running or waiting
        self._lock = threading.Lock()

    def predicted_wait_s(self) -> float:
        """How long a call arriving now would wait for a place."""
        with self._lock:
            ahead = self.calls - self.slots + 1
            return math.ceil(ahead / self.slots) * self.mean_call_s if ahead > 0 else 0.0

    def arrive(self) -> None:
        with self._lock:
            self.calls += 1

    def leave(self, held_s: float | None) -> None:
        """A call is gone; ``held_s``: how long it held a place (None if it never had one)."""
        with self._lock:
            self.calls -= 1
            if held_s is not None:
                self.mean_call_s += self.SMOOTHING * (held_s - self.mean_call_s)


class LLMGate:
    def __init__(self, limits: GateLimits):
        self.limits = limits
        self.occupancy = Occupancy(limits.slots, limits.expected_call_s)
        self._places = threading.BoundedSemaphore(limits.slots)

    def stream(self, start: Callable[[], Iterable]) -> Iterator:
        """The pieces of ``start()``'s stream, within the admission and time limits."""
        self._admit()
        pieces: queue.Queue = queue.Queue()
        stop = threading.Event()
        started = time.monotonic()

        def pump() -> None:
            try:
                for piece in start():
                    if stop.is_set():
                        break
                    pieces.put(piece)
            except Exception as error:  # handed to the reading turn
                pieces.put(error)
            finally:
                pieces.put(DONE)
                self.occupancy.leave(time.monotonic() - started)
                self._places.release()

        threading.Thread(target=pump, name="llm-stream", daemon=True).start()
        try:
            yield from self._read(pieces, started)
        finally:
            stop.set()

    def _admit(self) -> None:
        """Take a place, or raise :class:`LLMBusy` when the wait would be too long."""
        wait = self.occupancy.predicted_wait_s()
        if wait > self.limits.max_wait_s:
            raise LLMBusy(f"predicted wait {wait:.1f} s for the model")
        self.occupancy.arrive()
        if not self._places.acquire(timeout=self.limits.max_wait_s):
            self.occupancy.leave(None)
            raise LLMBusy(f"no free model slot within {self.limits.max_wait_s:g} s")

    def _read(self, pieces: queue.Queue, started: float) -> Iterator:
        limits = self.limits
        deadline = started + limits.total_s
        first = True
        while True:
            wait = deadline - time.monotonic()
            if first:
                wait = min(wait, limits.first_token_s)
            try:
                piece = pieces.get(timeout=max(0.0, wait))
            except queue.Empty:
                limit = "first token" if first else "whole reply"
                seconds = limits.first_token_s if first else limits.total_s
                raise LLMTimeout(f"no {limit} within {seconds:g} s") from None
            if piece is DONE:
                return
            if isinstance(piece, Exception):
                raise piece
            first = False
            yield piece
