"""The voice that remembers what it said (on the shipped silent voice)."""

from __future__ import annotations

import threading

from bot.testing import SilentVoice
from voice.tts import RememberingVoice


def test_a_sentence_said_before_is_not_synthesised_again():
    inner = SilentVoice()
    voice = RememberingVoice(inner, capacity=2)
    first = voice.synthesize("Your card arrives in 3 to 5 working days.")
    again = voice.synthesize("Your card arrives in 3 to 5 working days.")
    assert again is first and len(inner.spoken) == 1
    voice.synthesize("Second.")
    voice.synthesize("Third.")  # past capacity: the least recently used goes
    voice.synthesize("Your card arrives in 3 to 5 working days.")
    assert len(inner.spoken) == 4


def test_learning_ahead_takes_the_turn_lock_for_each_sentence():
    inner = SilentVoice()
    voice = RememberingVoice(inner)
    lock = threading.Lock()
    lock.acquire()  # a customer's turn holds the CPU
    learner = threading.Thread(target=voice.learn, args=(["One.", "Two."], lock))
    learner.start()
    learner.join(0.3)
    assert learner.is_alive() and inner.spoken == []  # waits for the turn
    lock.release()
    learner.join(5)
    assert inner.spoken == ["One.", "Two."]
    voice.synthesize("Two.")
    assert inner.spoken == ["One.", "Two."]


def test_learning_stops_when_asked():
    inner = SilentVoice()
    voice = RememberingVoice(inner)
    voice.stopping.set()
    voice.learn(["One.", "Two."], threading.Lock())
    assert inner.spoken == []
