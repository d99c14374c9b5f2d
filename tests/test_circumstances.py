"""Signs that someone has died or that money has become a struggle, and their
look-alikes."""

from __future__ import annotations

import pytest

from bot.circumstances import BEREAVEMENT, FINANCIAL_DIFFICULTY, circumstance
from bot.inputs import clean_message

STATEMENTS = [
    ("My husband died very suddenly three weeks ago", BEREAVEMENT),
    ("grandma passed. she had a safe deposit box at the branch", BEREAVEMENT),
    ("She passed peacefully on friday, I was her power of attorney", BEREAVEMENT),
    ("He's not with us anymore. What happens to his online banking?", BEREAVEMENT),
    ("please close my late wife\u2019s savings account", BEREAVEMENT),
    ("I'm the executor of my uncle's estate", BEREAVEMENT),
    ("after someone dies how long until the money is released?", BEREAVEMENT),
    ("I can't pay my credit card this month", FINANCIAL_DIFFICULTY),
    ("Behind on the mortgage after my hours were cut", FINANCIAL_DIFFICULTY),
    ("got court papers about a CCJ and im scared", FINANCIAL_DIFFICULTY),
    ("Lost my job in March and the loan comes out on Friday", FINANCIAL_DIFFICULTY),
    ("I've missed two credit card payments now", FINANCIAL_DIFFICULTY),
    ("universal credit hasn't come through and rent is due tomorrow", FINANCIAL_DIFFICULTY),
    ("Struggling. Can't pay. Please help.", FINANCIAL_DIFFICULTY),
    (
        "I'm going to miss the credit card payment, the maintenance has stopped",
        FINANCIAL_DIFFICULTY,
    ),
    ("I can't pay my loan any more", FINANCIAL_DIFFICULTY),
    ("my mum's dead and I don't know what to do about her account", BEREAVEMENT),
    ("my sister died and I can't pay her funeral bill", BEREAVEMENT),  # a death comes first
]
LOOK_ALIKES = [
    "my phone died so I couldn't get the code",
    "my son passed his driving test, can he get a card?",
    "why was I charged a late payment fee?",
    "I can't pay with my card at the petrol station",
    "I've banked with you for 15 years and never missed a payment",
    "bored to death of waiting for my new card",
    "how do I donate to a food bank near me?",
    "what's the minimum payment on a credit card?",
    "pin locked at the petrol pump and I've already filled up, can't pay, please help",
    "I can't make the payment, the app keeps crashing",
    "I can't pay my bills online, it says error 500",
    "he passed me the card at the till and walked off",
    "she said my card is dead, the chip is broken",
    "is the new card not with us yet?",
    "I missed my credit card payment by a day, can you refund the late fee?",
    "my mum said the battery died so she couldn't pay",
    "she said her phone died halfway through the transfer",
    "my husband's laptop died, how does he log in on the app?",
    "she passed on the message from your branch",
]


@pytest.mark.parametrize(("message", "topic"), STATEMENTS)
def test_a_death_or_money_trouble_is_recognised(message, topic):
    assert circumstance(clean_message(message, 4000)) == topic


@pytest.mark.parametrize("message", LOOK_ALIKES)
def test_words_that_only_look_like_it_are_not(message):
    assert circumstance(clean_message(message, 4000)) is None
