"""``teller serve`` in a child process on a free loopback port, for the load test and
the browser tests, with its own home (sharing the built index and models) and its own
database (or the one ``TELLER_DATABASE_URL`` names, when replicas share one)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

SHARED = ("index", "models", "spacy-blank-en")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def home_sharing_models(source: Path, target: Path) -> Path:
    """A new Teller home whose index and models are links to ``source``'s."""
    target.mkdir(parents=True, exist_ok=True)
    for name in SHARED:
        if (source / name).exists() and not (target / name).exists():
            (target / name).symlink_to((source / name).resolve())
    return target


@dataclass(frozen=True)
class Replica:
    url: str
    process: subprocess.Popen

    def kill(self) -> None:
        """Stop it at once, as a crash or a lost machine would (SIGKILL)."""
        self.process.kill()
        self.process.wait(30)


@contextmanager
def served(home: Path, environment: dict[str, str], startup_s: float = 300) -> Iterator[str]:
    """The server's base URL while it runs; its log is ``home/serve.log``."""
    with replica(home, environment, startup_s) as running:
        yield running.url


@contextmanager
def replica(
    home: Path, environment: dict[str, str], startup_s: float = 600, warm: bool = False
) -> Iterator[Replica]:
    """A running ``teller serve``, stopped (if still alive) on exit; with ``warm``, only
    once its start-up work is done (as a server up for a few minutes)."""
    port = free_port()
    env = {**os.environ, "TELLER_HOME": str(home), **environment}
    teller = str(Path(sys.executable).parent / "teller")
    log_path = home / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [teller, "serve", "--port", str(port)], env=env, stdout=log, stderr=log
        )
        url = f"http://127.0.0.1:{port}"
        try:
            ready = (lambda health: health.json()["ready"]) if warm else None
            wait_until_up(process, f"{url}/healthz", "teller serve", log_path, startup_s, ready)
            yield Replica(url, process)
        finally:
            if process.poll() is None:
                process.terminate()
                process.wait(60)


class StartError(RuntimeError):
    """A server exited, or did not answer, while starting; the message says which."""


def wait_until_up(
    process: subprocess.Popen,
    url: str,
    what: str,
    log: Path,
    startup_s: float,
    ready: Callable[[httpx.Response], bool] | None = None,
) -> None:
    """Until ``url`` answers 200 (and ``ready`` accepts the answer); :class:`StartError`
    with the end of ``log`` if ``process`` exits first, or when ``startup_s`` passes."""
    deadline = time.monotonic() + startup_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StartError(f"{what} exited:\n{log.read_text()[-3000:]}")
        try:
            answer = httpx.get(url, timeout=2)
            if answer.status_code == 200 and (ready is None or ready(answer)):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise StartError(f"{what} did not answer within {startup_s:.0f} s")
