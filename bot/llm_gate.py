"""Time limits on a streaming LLM that cannot hold a turn hostage.

The model's stream is read in a worker thread. A turn waits at most ``first_token_s``
for the first piece and ``total_s`` for all of it; past either, it stops waiting (and
answers from the approved text), while the worker is told to stop at the model's next
piece. Until an abandoned call has ended, the gate refuses new calls at once instead of
running two generations on one model.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator

DONE = object()


class LLMTimeout(TimeoutError):
    """The model did not answer in time; the message says which limit passed."""


class LLMBusy(RuntimeError):
    """The model is still finishing an abandoned call."""


class LLMGate:
    def __init__(self, first_token_s: float, total_s: float):
        self.first_token_s = first_token_s
        self.total_s = total_s
        self._free = threading.Lock()

    def stream(self, start: Callable[[], Iterable]) -> Iterator:
        """The pieces of ``start()``'s stream, within the time limits."""
        if not self._free.acquire(blocking=False):
            raise LLMBusy("the model is still finishing an earlier, abandoned reply")
        pieces: queue.Queue = queue.Queue()
        stop = threading.Event()

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
                self._free.release()

        threading.Thread(target=pump, name="llm-stream", daemon=True).start()
        deadline = time.monotonic() + self.total_s
        first = True
        try:
            while True:
                wait = deadline - time.monotonic()
                if first:
                    wait = min(wait, self.first_token_s)
                try:
                    piece = pieces.get(timeout=max(0.0, wait))
                except queue.Empty:
                    limit = "first token" if first else "whole reply"
                    seconds = self.first_token_s if first else self.total_s
                    raise LLMTimeout(f"no {limit} within {seconds:g} s") from None
                if piece is DONE:
                    return
                if isinstance(piece, Exception):
                    raise piece
                first = False
                yield piece
        finally:
            stop.set()
