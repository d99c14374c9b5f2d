"""Small measuring helpers shared by the benchmarks."""

from __future__ import annotations

import platform
import resource
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np


def percentile_ms(seconds: list[float], q: float) -> float:
    return round(float(np.percentile(np.array(seconds) * 1000, q)), 2)


def time_each(function: Callable[[str], object], inputs: Iterable[str]) -> list[float]:
    """Wall-clock seconds of one call per input, one after another."""
    timings = []
    for item in inputs:
        started = time.perf_counter()
        function(item)
        timings.append(time.perf_counter() - started)
    return timings


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def process_peak_mb(pid: int) -> float | None:
    """Peak resident memory of a running process (Linux: VmHWM), or None if it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return None
    kilobytes = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
    return round(int(kilobytes) / 1024, 1)


def machine() -> dict:
    import os

    return {
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
    }
