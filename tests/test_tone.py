"""Tone follows the customer's emotion, on the extractive backend and the real LLM."""

import re

import pytest

from bot.tone import TONES
from bot.types import Action

pytestmark = pytest.mark.slow

ANGRY = "This is ridiculous!! My card STILL hasn't arrived and nobody helps me!"
NEUTRAL = "My card hasn't arrived yet."
APOLOGY = re.compile(r"\b(sorry|apologi[sz]e)", re.I)


def test_emotion_is_classified(emotion_model):
    assert emotion_model.classify(ANGRY).label == "angry"
    assert emotion_model.classify(NEUTRAL).label == "neutral"
    assert emotion_model.classify("I'm so scared, someone has stolen my money").label == "anxious"
    assert emotion_model.classify("Thank you so much, that's brilliant!").label == "happy"


def test_intensity_rises_with_shouting(emotion_model):
    calm = emotion_model.classify("I am annoyed that my card has not arrived")
    shouting = emotion_model.classify("I AM SO ANGRY MY CARD HAS NOT ARRIVED!!!")
    assert calm.label == shouting.label == "angry"
    assert shouting.intensity > calm.intensity


def test_extractive_reply_apologises_to_an_angry_customer_only(make_assistant):
    assistant = make_assistant()
    angry = assistant.turn(ANGRY)
    neutral = assistant.turn(NEUTRAL)
    assert angry.faq_ids == neutral.faq_ids == ["card-arrival"]
    assert (angry.tone, neutral.tone) == ("apologetic", "concise")
    assert angry.answer.startswith(TONES["angry"].opening)
    assert not APOLOGY.search(neutral.answer)
    assert angry.trace.tone == "apologetic"


def test_llm_reply_apologises_to_an_angry_customer(make_assistant, embedded_llm):
    assistant = make_assistant(llm=embedded_llm)
    angry = assistant.turn(ANGRY)
    neutral = assistant.turn(NEUTRAL)
    assert angry.trace.generation.source == neutral.trace.generation.source == "llm"
    assert APOLOGY.search(angry.answer)
    assert not APOLOGY.search(neutral.answer)


def test_two_angry_turns_hand_over(make_assistant):
    assistant = make_assistant()
    first = assistant.turn("I'm furious, I was charged twice for the same thing!")
    assert first.action is Action.ANSWER
    second = assistant.turn(
        "This is a disgrace, I'm still waiting for my money back", first.session_id
    )
    assert second.action is Action.ESCALATE
    assert second.trace.decision.escalate_reason == "angry_customer"
