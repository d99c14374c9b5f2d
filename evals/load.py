"""``teller bench load``: simulated customers (``evals/customers.py``) against Teller
served on loopback, then the audit store read back.

- one ``teller serve`` with the embedded model and SQLite (the default), or
- ``--scaled``: the scale-out topology (``evals/topology.py``): llama.cpp's server,
  PostgreSQL and two replicas, one of them killed half-way through the run.

A turn a customer was answered that is not in the store is lost; a conversation whose
turns were answered by both replicas went on after its replica was killed.
"""

from __future__ import annotations

import tempfile
import threading
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select

from bot.gguf import prepare_gguf
from bot.settings import Settings
from bot.store import TurnRow
from evals.customers import Request, per_endpoint, swarm
from evals.measure import machine, process_peak_mb
from evals.served import home_sharing_models, replica
from evals.topology import scaled_out
from voice.audio import SAMPLE_RATE, wav_bytes
from voice.caller import Caller, Line

QUESTION = "How long does a transfer to another bank take?"


def run(
    settings: Settings, users: int, minutes: float, scaled: bool = False, warm: bool = True
) -> dict:
    """``warm``: start the load once the servers' start-up work is done (the embedded
    LLM has seen every entry, the voice has said its first sentences), as on servers
    that have been up for a few minutes."""
    seconds = minutes * 60
    probe: dict = {}
    with tempfile.TemporaryDirectory() as scratch, ExitStack() as stack:
        recording = Path(scratch) / "question.wav"
        recording.write_bytes(wav_bytes(Caller().say(QUESTION, Line("piper")), SAMPLE_RATE))
        if scaled:
            model = prepare_gguf(settings.models_dir)
            replicas, database = stack.enter_context(
                scaled_out(settings.home, Path(scratch), model, warm=warm)
            )
            killer = threading.Timer(seconds / 2, kill_mid_conversation, (replicas, probe))
            killer.start()
            stack.callback(killer.cancel)
        else:
            home = home_sharing_models(settings.home, Path(scratch) / "home")
            environment = {
                "TELLER_API_RATE_PER_MINUTE": "1000000",
                "TELLER_LLM_WARM": str(warm).lower(),
            }
            replicas = [stack.enter_context(replica(home, environment, warm=warm))]
            database = f"sqlite:///{home / 'teller.db'}"
        requests = swarm([r.url for r in replicas], users, seconds, recording)
        peaks = [process_peak_mb(r.process.pid) for r in replicas]
        stored = stored_turns(database)
    result = report(requests, stored, users, minutes, scaled)
    if scaled:
        probe["turns_stored"] = stored[probe.get("conversation")]
        result["killed_mid_conversation"] = probe
    result["started_ready"] = warm
    result["server_peak_rss_mb"] = max((peak for peak in peaks if peak), default=None)
    result["machine"] = machine()
    return result


PROBE = ("I've lost my debit card.", "How long until the new one arrives?")


def kill_mid_conversation(replicas: list, probe: dict) -> None:
    """Begin a conversation on the first replica, kill that replica, and go on with the
    second turn at the next one with the same signed id; what happened goes in
    ``probe``."""
    with httpx.Client(timeout=120) as client:
        first = client.post(f"{replicas[0].url}/api/v1/chat", json={"message": PROBE[0]}).json()
        replicas[0].kill()
        second = client.post(
            f"{replicas[1].url}/api/v1/chat",
            json={"message": PROBE[1], "session_id": first["session_id"]},
        )
    probe["conversation"] = first["session_id"].split(".")[0]
    probe["answered_after_kill"] = second.status_code == 200 and bool(second.json()["answer"])
    probe["same_session"] = second.json().get("session_id") == first["session_id"]


def report(
    requests: list[Request], stored: Counter, users: int, minutes: float, scaled: bool
) -> dict:
    answered = [r for r in requests if r.error is None]
    per_conversation = Counter(r.conversation for r in answered)
    replicas_of: dict[str, set[int]] = {}
    for r in answered:
        replicas_of.setdefault(r.conversation, set()).add(r.replica)
    return {
        "topology": "llama-server + PostgreSQL + 2 replicas, one killed half-way"
        if scaled
        else "one teller serve, embedded model, SQLite",
        "users": users,
        "minutes": minutes,
        "endpoints": per_endpoint(requests),
        "turns_answered": len(answered),
        "errors": len(requests) - len(answered),
        "answered_busy": sum(r.busy for r in answered),
        "failovers": sum(r.failover for r in requests),
        "turns_stored": sum(stored.values()),
        # Answered but not in the store. A turn the server stored after its customer
        # stopped waiting is stored without being answered: not a loss.
        "lost_turns": sum(
            max(0, count - stored[conversation]) for conversation, count in per_conversation.items()
        ),
        "conversations": len(per_conversation),
        "conversations_on_two_replicas": sum(len(seen) > 1 for seen in replicas_of.values()),
        "turns_per_minute": round(len(answered) / minutes, 1),
    }


def stored_turns(database: str) -> Counter:
    """Turns in the store, per conversation id."""
    engine = create_engine(database)
    with engine.connect() as db:
        rows = db.execute(
            select(TurnRow.conversation_id, func.count()).group_by(TurnRow.conversation_id)
        )
        return Counter(dict(rows.all()))
