"""How the web app's turns share the machine (on the shipped fakes): conversations run
side by side, one conversation's turns run in order, and a turn that would wait long
for the LLM is answered from the approved text at once."""

from __future__ import annotations

import threading

from bot.assistant import final_reply
from bot.testing import FakeListener, ScriptedLLM, SilentVoice
from bot.voice_turn import Hearing, VoiceAssistant
from ui.services import Services
from voice.tts import RememberingVoice

QUESTION = "my new card hasn't arrived yet"


def services_of(assistant, settings, tmp_path) -> Services:
    config = settings.model_copy(update={"home": tmp_path})
    voice = VoiceAssistant(assistant, FakeListener(QUESTION), SilentVoice(), Hearing())
    return Services(config, assistant, voice)


def test_a_conversation_waiting_for_the_llm_does_not_hold_up_another(
    fake_assistant, settings, tmp_path
):
    slow = ScriptedLLM.streaming(["1", ",", "2"], delay_s=0.5)
    services = services_of(fake_assistant(slow, max_wait_s=0.0), settings, tmp_path)
    first = services.session(None)
    second = services.session(None)
    events = services.chat(QUESTION, first)
    next(events)  # the first turn's model has begun, and streams on
    other = services.ask(QUESTION, second)  # ... while this one is answered
    assert other.busy and other.answer  # the approved text, at once, and said so
    rest = final_reply(events)
    assert not rest.busy and rest.trace.generation.source == "llm"


def test_turns_of_one_conversation_run_in_order(fake_assistant, settings, tmp_path):
    services = services_of(fake_assistant(), settings, tmp_path)
    session = services.session(None)
    inside = threading.Event()
    events = services.chat(QUESTION, session)
    next(events)  # holds the conversation's place until the turn ends
    answered = []
    later = threading.Thread(
        target=lambda: (inside.set(), answered.append(services.ask("thanks", session)))
    )
    later.start()
    inside.wait(5)
    later.join(0.5)
    assert later.is_alive() and not answered  # waits for the first turn to end
    final_reply(events)
    later.join(10)
    history = services.store.history(session.conversation_id)
    assert [turn.customer for turn in history] == [QUESTION, "thanks"]


def test_warming_shows_the_llm_every_entry(fake_assistant, corpus):
    llm = ScriptedLLM.saying(*["1"] * len(corpus.by_id))
    assert fake_assistant(llm).warm() == len(corpus.by_id) == len(llm.prompts)
    assert fake_assistant().warm() == 0  # no LLM, nothing to warm


def test_start_up_work_runs_in_the_background_and_stops_when_closed(
    fake_assistant, corpus, settings, tmp_path
):
    slow = ScriptedLLM.streaming(*[["1"]] * len(corpus.by_id), delay_s=0.2)
    assistant = fake_assistant(slow)
    voice = RememberingVoice(SilentVoice())
    services = Services(
        settings.model_copy(update={"home": tmp_path}),
        assistant,
        VoiceAssistant(assistant, FakeListener(QUESTION), voice, Hearing()),
    )
    assert services.ready()  # nothing started
    services.start_background(warm_llm=True)
    assert not services.ready()  # the LLM is being shown the entries
    services.close()
    assert services.ready()
    assert 0 < len(slow.prompts) < len(corpus.by_id)  # stopped part-way, not run out
