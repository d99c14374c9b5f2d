"""Circumstances that make a customer vulnerable in the regulator's sense (FCA FG21/1):
someone has died, or money has become a struggle. A bank hands these to the team that
deals with them, whatever the customer asked about: "my husband passed away, how do I
change the name on the mortgage" is a bereavement before it is a mortgage question,
and "I can't pay my loan this month, I've lost my job" is financial difficulty, not a
loan question.

The rules read plain statements of the circumstance; a word that only looks like one
("my phone died", "my son passed his test", "a late payment fee", "I can't pay with
my card") is not. Each rule returns the topic it is a sign of.
"""

from __future__ import annotations

import re

BEREAVEMENT = "bereavement"
FINANCIAL_DIFFICULTY = "financial_difficulty"

KIN = (
    r"(?:mum|mom|mother|mam|dad|father|husband|wife|partner|son|daughter|brother|sister|twin"
    r"|gran|granny|grandma|grandmother|nan|nana|grandad|granddad|grandpa|grandfather|aunt"
    r"|auntie|uncle|cousin|friend|mate|fianc[eé]e?|child|baby|parents?|in-law|stepdad|stepmum"
    r"|stepmom|stepfather|stepmother)"
)
SOMEONE = rf"(?:{KIN}|he|she|someone|somebody)"
# "passed" of a test, a card, a message or a place: "my son passed his test", "he passed me"
NOT_A_PERSON_AFTER_PASSED = (
    r"(?!\s+(?:his|her|my|the|a|an|their|all|every|through|on|me|us|it|them|this|that|by"
    r"|over|along))"
)

OWNER = r"(?:\b(?:the|its|a|an|this|that|his|her|their|my|our|your)|'s)"
# the gap between the person and "died" never holds another thing that died: "my mum said
# the battery died", "she said her phone died", "my husband's laptop died"
GAP_WITHOUT_A_THING_THAT_DIED = (
    rf"(?:(?!{OWNER}\s+(?!{KIN}\b)\w+\s+(?:dies|died)\b)[^.?!\n]){{0,40}}?"
)

DEATH_PATTERNS = (
    rf"\b{SOMEONE}\b{GAP_WITHOUT_A_THING_THAT_DIED}\b(?:dies|died|passed\s+away"
    rf"|passed\s+on{NOT_A_PERSON_AFTER_PASSED}"
    r"|was\s+killed|took\s+(?:his|her|their)\s+own\s+life"
    r"|lost\s+(?:his|her|their)\s+(?:fight|battle))\b",
    rf"\b{SOMEONE}\s+(?:has\s+|had\s+|have\s+|recently\s+|sadly\s+|just\s+)*passed\b"
    rf"{NOT_A_PERSON_AFTER_PASSED}",
    rf"\b{SOMEONE}(?:'s|\s+is|\s+was)\s+dead\b",
    rf"\b(?:my|our|her|his)\s+late\s+{KIN}\b",
    rf"\blost\s+(?:(?:my|our|her|his)\s+)?{KIN}\b(?!'s|\s+(?:card|phone|wallet|purse|bag|keys))",
    r"\b(?:no\s+longer|not|isn'?t|aren'?t)\s+with\s+us\s*(?:any\s*more|now|$|[.!,;])",
    r"\b(?:deceased|bereave\w*|widow(?:ed|er)?|probate|executors?|executrix|funeral"
    r"|condolences|death\s+certificate|grant\s+of\s+representation|letters\s+of\s+administration)\b",
    r"(?<!to )\bdeath\b",
)

OWED = (
    r"(?:mortgage|rent|bills?|loan|repayments?|payments?|instalments?|credit\s+card|card\s+bill"
    r"|card|council\s+tax|minimum(?:\s+payment)?|debts?|arrears|overdraft)"
)
HARDSHIP_PATTERNS = (
    # for want of money, not of a working app: "can't afford", "can't keep up with",
    # or "can't pay the loan" with when ("this month", "any more", "on time")
    rf"\b(?:can'?t|cannot|unable\s+to|won'?t\s+be\s+able\s+to|not\s+able\s+to|struggling\s+to)"
    rf"\s+(?:afford|keep\s+up\s+with|cover)\s+(?:(?:my|the|this|next|our|all|any\s+of)\s+)*"
    rf"{OWED}\b",
    rf"\b(?:can'?t|cannot|unable\s+to|won'?t\s+be\s+able\s+to|not\s+able\s+to)\s+(?:pay|make"
    rf"|meet)\s+(?:(?:my|the|this|next|our|all|full|any\s+of)\s+)*{OWED}\b[^.?!\n]{{0,30}}"
    r"(?:\b(?:this|next)\s+(?:month|week)|\bany\s*more\b|\bon\s+time\b|\bin\s+full\b)",
    rf"\b(?:going\s+to|gonna|will|about\s+to)\s+(?:miss|default\s+on)\s+(?:(?:my|the|this|next"
    rf"|our|a)\s+)*(?:\w+\s+)?{OWED}\b",
    rf"\bbehind\s+(?:on|with)\s+(?:(?:my|the|our|all|both|a)\s+)*(?:\w+\s+)?{OWED}\b",
    r"\b(?:fallen|falling|fall|fell)\s+behind\b|\bcan'?t\s+pay\s*(?:[.!]|$|anything|any\s+of\s+it)",
    r"\b(?:arrears|bailiffs?|ccj|county\s+court\s+judg(?:e)?ment|default\s+notice|bankrupt\w*"
    r"|insolvency|debt\s+(?:collectors?|collection|management|charity|advice|relief|plan"
    r"|respite)|breathing\s+space|payment\s+holiday|token\s+payments?|stepchange|payplan"
    r"|national\s+debtline|hardship|payday\s+loans?)\b",
    r"\b(?:use|using|used|rely\s+on|relying\s+on)\s+(?:a|the)\s+food\s*bank\b",
    r"\bcan'?t\s+keep\s+up\b|\b(?:barely|only\s+just)\s+(?:scraping|managing|getting\s+by)\b",
    r"\b(?:missed|missing)\s+(?:two|three|four|several|\d+|another)\s+(?:\w+\s+){0,2}"
    r"(?:payments|repayments|instalments)\b",
    r"\b(?:sick\s+pay|redundancy|savings|benefits?|universal\s+credit|pip|esa)\b[^.?!\n]{0,30}"
    r"\b(?:runs?\s+out|ran\s+out|ends|gone|stopped|delayed|sanction\w*|hasn'?t\s+(?:come|arrived))\b",
    r"\b(?:skipping|skip)\s+meals\b|\bno\s+food\b|\bnothing\s+(?:left\s+)?for\s+food\b",
    r"\bliving\s+off\s+(?:my\s+|our\s+|the\s+)?(?:overdraft|savings|credit\s+cards?)\b",
    r"\bsigned\s+off\s+(?:work|sick|with)\b",
    r"\b(?:lost|losing)\s+(?:my|our)\s+(?:job|income|work)\b|\bmade\s+redundant\b",
    r"\bstruggl\w*\s+(?:financially|with\s+(?:money|debts?|bills|payments|repayments)"
    r"|to\s+(?:pay|cope|make\s+ends\s+meet|afford|keep\s+up|get\s+by))\b",
    r"\bmake\s+ends\s+meet\b|\bin\s+(?:serious\s+|a\s+lot\s+of\s+)?debt\b|\bdrowning\s+in\b",
    r"\bgambl\w*\s+(?:problem|addiction|debts?)\b|\b(?:gambled|gambling)\s+away\b"
    r"|\blost\b[^.?!\n]{0,30}\bgambling\b",
    r"\bcan'?t\s+afford\s+(?:to\s+)?(?:eat|food|groceries|rent|bills|to\s+live)\b",
)

DEATH = re.compile("|".join(f"(?:{p})" for p in DEATH_PATTERNS), re.I)
HARDSHIP = re.compile("|".join(f"(?:{p})" for p in HARDSHIP_PATTERNS), re.I)


def circumstance(text: str) -> str | None:
    """The topic of the customer's circumstances (a death comes first), or None; the
    text is a cleaned message (straight apostrophes)."""
    if DEATH.search(text):
        return BEREAVEMENT
    if HARDSHIP.search(text):
        return FINANCIAL_DIFFICULTY
    return None
