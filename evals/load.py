"""``teller bench load``: simulated customers against ``teller serve`` on loopback.

Locust drives ``users`` customers (``evals/locustfile.py``) for ``minutes``; then the
server's audit store is read back and compared with the turns the customers were
answered, so a turn that was answered but not stored shows up as lost. All customers
come from 127.0.0.1, so the per-client rate limit is lifted for the run.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, func, select

from bot.settings import Settings
from bot.store import Conversation, Turn
from evals.served import home_sharing_models, served
from voice.audio import SAMPLE_RATE, wav_bytes
from voice.caller import Caller, Line

LOCUSTFILE = Path(__file__).parent / "locustfile.py"
QUESTION = "How long does a transfer to another bank take?"


def run(settings: Settings, users: int, minutes: float) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        home = home_sharing_models(settings.home, Path(scratch) / "home")
        recording = Path(scratch) / "question.wav"
        recording.write_bytes(wav_bytes(Caller().say(QUESTION, Line("piper")), SAMPLE_RATE))
        environment = {"TELLER_API_RATE_PER_MINUTE": "1000000"}
        with served(home, environment) as url:
            stats = swarm(url, users, minutes, recording, Path(scratch))
        stored = stored_counts(f"sqlite:///{home / 'teller.db'}")
    answered = sum(s["requests"] - s["failures"] for s in stats.values())
    return {
        "users": users,
        "minutes": minutes,
        "endpoints": stats,
        "turns_answered": answered,
        "errors": sum(s["failures"] for s in stats.values()),
        "sessions_stored": stored["sessions"],
        "turns_stored": stored["turns"],
        # Answered but not in the store. A turn the server finished after the swarm
        # stopped waiting is stored without being counted as answered: not a loss.
        "lost_turns": max(0, answered - stored["turns"]),
        "turns_per_minute": round(answered / minutes, 1),
    }


def swarm(url: str, users: int, minutes: float, recording: Path, scratch: Path) -> dict:
    """Run locust headless; per-endpoint requests, failures and latency percentiles."""
    prefix = scratch / "locust"
    command = [
        str(Path(sys.executable).parent / "locust"),
        "--locustfile", str(LOCUSTFILE),
        "--headless", "--users", str(users), "--spawn-rate", str(users),
        "--run-time", f"{int(minutes * 60)}s", "--host", url,
        "--csv", str(prefix), "--only-summary", "--stop-timeout", "120",
    ]  # fmt: skip
    env = {**os.environ, "TELLER_LOAD_RECORDING": str(recording)}
    subprocess.run(command, env=env, check=False, capture_output=True, timeout=minutes * 60 + 600)
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["Name"] != "Aggregated"]
    return {
        row["Name"]: {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "p50_ms": float(row["50%"]),
            "p95_ms": float(row["95%"]),
        }
        for row in rows
    }


def stored_counts(database: str) -> dict:
    engine = create_engine(database)
    with engine.connect() as db:
        return {
            "sessions": db.scalar(select(func.count()).select_from(Conversation)),
            "turns": db.scalar(select(func.count()).select_from(Turn)),
        }
