"""Worker threads that run PyTorch on one core each.

A turn makes two small encoder passes over the customer's message: the routing
encoder's and the emotion classifier's. On a short sentence a pass barely uses a
second core, so the two passes run side by side, one core each, and finish sooner
than one after the other on both (``teller bench understanding`` shows the stage's
time).

PyTorch keeps its intra-op thread count per thread, taken from the process default
when the thread first uses it. The workers take one thread each while the default is
one; the default is then put back, so Whisper and every other thread keep theirs.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from functools import cache

ENCODER_WORKERS = 2  # the routing encoder and the emotion classifier


@cache
def encoder_workers() -> ThreadPoolExecutor:
    """The process's encoder workers: ``ENCODER_WORKERS`` threads, one core each."""
    import torch

    default = torch.get_num_threads()
    settled = threading.Barrier(ENCODER_WORKERS + 1)

    def one_core() -> None:
        torch.set_num_threads(1)
        torch.get_num_threads()  # fixes this thread's count while the default is one
        settled.wait()

    workers = ThreadPoolExecutor(ENCODER_WORKERS, thread_name_prefix="encoder")
    for _ in range(ENCODER_WORKERS):  # each blocks until all have started: one per thread
        workers.submit(one_core)
    settled.wait()
    torch.set_num_threads(default)
    return workers
