"""Per-stage wall-clock timings, in milliseconds: how a voice or text turn spends its time."""

from __future__ import annotations

import time


class Stopwatch:
    """Each lap is measured from the end of the one before."""

    def __init__(self):
        self.started = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps[stage] = round((now - self.last) * 1000, 1)
        self.last = now

    def mark(self, name: str, milliseconds: float) -> None:
        self.laps[name] = round(milliseconds, 1)

    def since_start(self) -> float:
        return round((time.perf_counter() - self.started) * 1000, 1)
