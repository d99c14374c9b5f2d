"""The scale-out topology, run for real on one machine: llama.cpp's own server as the
LLM engine (parallel slots, continuous batching, its host-RAM prompt cache), PostgreSQL
as the store, and ``teller serve`` replicas sharing both. ``teller bench load --scaled``
and ``tests/test_scale_out.py`` run it; ``deploy/`` has the same for operators.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from evals.served import Replica, free_port, home_sharing_models, replica, wait_until_up

# Built by the Makefile from the llama-cpp-python sdist (scripts/build-llama-server.sh).
LLAMA_SERVER = Path(
    os.environ.get("TELLER_LLAMA_SERVER", Path.home() / ".cache/teller/bin/llama-server-0.3.36")
)
MODEL_ALIAS = "teller"


class TopologyError(RuntimeError):
    """A part of the topology is missing or did not start; the message says which."""


@contextmanager
def llama_server(
    model: Path, slots: int, log: Path, threads: int = 2, context_per_slot: int = 16384
) -> Iterator[str]:
    """llama.cpp's server on a free loopback port; yields its OpenAI-compatible base URL.

    Its host-RAM prompt cache keeps a slot's prompt when the slot is idle at a new task,
    up to the context's size in tokens: with slots chosen in turn (prompt similarity
    off) every prompt is kept, and 2 x 16,384 tokens hold every approved entry's."""
    if not LLAMA_SERVER.is_file():
        raise TopologyError(f"llama-server is not built at {LLAMA_SERVER}; run `make setup`")
    port = free_port()
    command = [
        str(LLAMA_SERVER), "--model", str(model), "--alias", MODEL_ALIAS,
        "--host", "127.0.0.1", "--port", str(port), "--threads", str(threads),
        "--parallel", str(slots), "--ctx-size", str(slots * context_per_slot),
        "--cont-batching", "--cache-ram", "1024", "--slot-prompt-similarity", "0",
        "--no-webui", "--metrics",
    ]  # fmt: skip
    with log.open("w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=output)
        try:
            wait_until_up(process, f"http://127.0.0.1:{port}/health", "llama-server", log, 300)
            yield f"http://127.0.0.1:{port}/v1"
        finally:
            process.terminate()
            process.wait(60)


def postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    if not found:
        raise TopologyError("PostgreSQL is not installed (Debian package postgresql)")
    return found[-1].parent


@contextmanager
def postgres() -> Iterator[str]:
    """A fresh PostgreSQL cluster in a new directory under /tmp, on a loopback port;
    yields its SQLAlchemy URL. As root, the server runs as the ``postgres`` system user
    (it refuses to run as root), so the directory is made theirs."""
    binaries = postgres_bin()
    with tempfile.TemporaryDirectory(prefix="teller-postgres-") as scratch:
        data, sockets = Path(scratch) / "data", Path(scratch) / "sockets"
        data.mkdir(mode=0o700)
        sockets.mkdir()
        as_user: list[str] = []
        if os.geteuid() == 0:
            as_user = ["runuser", "-u", "postgres", "--"]
            for path in (Path(scratch), data, sockets):
                shutil.chown(path, "postgres", "postgres")
        initdb = [str(binaries / "initdb"), "-D", str(data), "-U", "teller", "-A", "trust"]
        subprocess.run([*as_user, *initdb], check=True, capture_output=True)
        port = free_port()
        server = [str(binaries / "postgres"), "-D", str(data), "-k", str(sockets)]
        server += ["-h", "127.0.0.1", "-p", str(port)]
        process = subprocess.Popen(
            [*as_user, *server], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            ready = [str(binaries / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)]
            deadline = time.monotonic() + 60
            while subprocess.run(ready, capture_output=True).returncode:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise TopologyError("PostgreSQL did not start")
                time.sleep(0.3)
            yield f"postgresql+psycopg://teller@127.0.0.1:{port}/postgres"
        finally:
            process.terminate()
            process.wait(60)


@contextmanager
def scaled_out(
    source_home: Path,
    scratch: Path,
    model: Path,
    replicas: int = 2,
    slots: int = 2,
    warm: bool = True,
) -> Iterator[tuple[list[Replica], str]]:
    """The whole topology; yields the running replicas and the shared database URL.
    ``warm``: each replica is used only once its start-up work is done."""
    with ExitStack() as stack:
        database = stack.enter_context(postgres())
        llm_url = stack.enter_context(llama_server(model, slots, scratch / "llama-server.log"))
        shared = {
            "TELLER_DATABASE_URL": database,
            "TELLER_SESSION_SECRET": secrets.token_hex(32),
            "TELLER_LLM": "openai",
            "TELLER_LLM_BASE_URL": llm_url,
            "TELLER_LLM_MODEL": MODEL_ALIAS,
            # The server's slots are shared by the replicas.
            "TELLER_LLM_SLOTS": str(max(1, slots // replicas)),
            "TELLER_API_RATE_PER_MINUTE": "1000000",  # every customer is 127.0.0.1
        }
        running = [
            stack.enter_context(
                replica(
                    home_sharing_models(source_home, scratch / f"replica-{n}"), shared, warm=warm
                )
            )
            for n in range(1, replicas + 1)
        ]
        yield running, database
