"""The scale-out topology, run for real: llama.cpp's server, PostgreSQL and two
``teller serve`` replicas under simulated customers; one replica is killed half-way."""

from __future__ import annotations

import pytest

from evals import load

pytestmark = pytest.mark.slow


def test_a_replica_killed_mid_run_loses_no_turn_and_conversations_go_on(settings):
    result = load.run(settings, users=4, minutes=1.5, scaled=True, warm=False)
    assert result["errors"] == 0, result
    assert result["turns_answered"] >= 8, result
    assert result["failovers"] >= 1, result  # customers did lose their replica ...
    assert result["lost_turns"] == 0, result  # ... and nothing they were answered
    went_on = result["killed_mid_conversation"]  # begun on the killed replica:
    assert went_on["answered_after_kill"] and went_on["same_session"], went_on
    assert went_on["turns_stored"] == 2, went_on  # both turns, in one conversation
