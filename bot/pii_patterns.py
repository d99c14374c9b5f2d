"""What personal data looks like in a UK bank chat, typed or transcribed from speech.

Each :class:`Rule` finds one kind of personal data with a regular expression; where
the expression needs words around the value to be sure ("my PIN is 4821"), only the
group named ``v`` is personal data and only it is masked. Formats follow the UK's
published ones (sort codes, NI numbers, postcodes, passports) and what customers
actually type: separators of every kind, numbers read aloud, mistyped card numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# Common given names of people living in the UK, none of them an everyday word.
GIVEN_NAMES = frozenset(
    (Path(__file__).parent / "data" / "given_names.txt").read_text(encoding="utf-8").split()
)


def starts_with_a_given_name(value: str) -> bool:
    return value.split()[0].split("-")[0].lower() in GIVEN_NAMES


@dataclass(frozen=True)
class Rule:
    entity: str
    pattern: re.Pattern
    score: float
    check: Callable[[str], bool] | None = None  # the found value must also pass this
    context: re.Pattern | None = None  # the rule applies only to messages that say this


def luhn(number: str) -> bool:
    digits = [int(d) for d in re.sub(r"\D", "", number)]
    odd = digits[-1::-2]
    even = [sum(divmod(2 * d, 10)) for d in digits[-2::-2]]
    return (sum(odd) + sum(even)) % 10 == 0


# Numbers read aloud, as a speech recogniser writes them.
DIGIT_WORD = r"(?:zero|oh|nought|one|two|three|four|five|six|seven|eight|nine)"
NUMBER_WORD = (
    r"(?:zero|oh|nought|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty"
    r"|fifty|sixty|seventy|eighty|ninety|hundred)"
)
SPOKEN = rf"(?:(?:double|triple)\s+)?(?:{NUMBER_WORD}|\d+)"


SPOKEN_SEPARATOR = r"(?:[\s,-]+(?:dash\s+|hyphen\s+)?)"


def spoken_run(least: int, most: int = 24) -> str:
    """``least`` to ``most`` numbers read aloud (or digit groups) in a row."""
    return rf"\b{SPOKEN}(?:{SPOKEN_SEPARATOR}{SPOKEN}){{{least - 1},{most - 1}}}\b"


ORDINAL = (
    r"(?:(?:(?:twenty|thirty)[\s-])?(?:first|second|third|fourth|fifth|sixth|seventh|eighth"
    r"|ninth)|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth"
    r"|seventeenth|eighteenth|nineteenth|twentieth|thirtieth)"
)
MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
DAY = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|{ORDINAL})"
YEAR = rf"(?:\d{{4}}|'?\d{{2}}|{NUMBER_WORD}(?:[\s-]+{NUMBER_WORD}){{1,3}})"
DATE = (
    rf"(?:\d{{1,2}}\s*[/.\-]\s*\d{{1,2}}\s*[/.\-]\s*\d{{2,4}}"
    rf"|\d{{4}}-\d{{1,2}}-\d{{1,2}}"
    rf"|\d{{1,2}}\s\d{{1,2}}\s(?:19|20)\d{{2}}"
    rf"|(?:the\s+)?{DAY}(?:\s+of)?\s+{MONTH},?\s+{YEAR}"
    rf"|{MONTH}\s+(?:the\s+)?{DAY},?\s+{YEAR}"
    rf"|(?:the\s+)?{ORDINAL}\s+of\s+the\s+{ORDINAL},?\s+{YEAR})"
)
# A year of birth: any date from 1900 to 2012 is taken to be one.
BIRTH_YEAR = r"(?:19\d{2}|200\d|201[0-2])"

# Words between a keyword and its value ("my PIN *is* 4821", "code *they sent was* 552 019").
GAP = r"[^\d.?!\n]{0,30}?"
TIGHT_GAP = r"(?:\s*[:=#]\s*|\s+(?:is|was|it'?s|=|would\s+be|should\s+be)\s+(?:still\s+|now\s+)?)"
# Words a "value" after "password is" never is: the customer is describing, not telling.
NOT_A_SECRET = (
    r"(?!(?:not|wrong|incorrect|correct|right|locked|expired|blocked|working|too|the|my|a|an"
    r"|still|being|definitely|invalid|case|required|needed|asking|changed|reset|no|fine|ok"
    r"|okay|in|on|at|for|of|and|but|so|that|this|it|what|which|same|different|forgotten"
    r"|lost|saved|stored|written|new|old|weak|strong|long|short|different|there|here)\b)"
)
SECRET_TOKEN = r"[^\s,;]{3,64}?(?=[.,;!?)\"']*(?:\s|$))"


def _rule(
    entity: str,
    pattern: str,
    score: float,
    check=None,
    flags: int = re.I,
    context: str | None = None,
) -> Rule:
    return Rule(
        entity,
        re.compile(pattern, flags),
        score,
        check,
        re.compile(context, re.I) if context else None,
    )


def _near(keyword: str, value: str, gap: str = GAP) -> str:
    return rf"(?:{keyword}){gap}(?P<v>{value})"


CARD_DIGITS = r"(?<![\d])(?:\d[ .\-]{0,2}){12,18}\d(?!\d)"
PIN_WORDS = r"\bpin(?:\s*(?:number|code|no\.?))?\b"
CVV_WORDS = (
    r"\b(?:cvv2?|cvc2?|cv2|csc|card\s+security\s+code|security\s+(?:code|number|digits)"
    r"|(?:three|3)[\s-]digits?(?:\s+\w+){0,2}\s+(?:on|at)\s+the\s+back"
    r"|card\s+verification\s+(?:code|value))\b"
)
OTP_WORDS = (
    r"\b(?:one[-\s]?time\s+(?:pass)?(?:code|password|pin|passcode)|otp|verification\s+code"
    r"|passcode|auth(?:entication|ori[sz]ation)?\s+code|confirmation\s+code|access\s+code"
    r"|(?<!sort\s)(?<!sort-)(?<!post\s)(?<!promo\s)(?<!area\s)(?<!dialling\s)code)s?\b"
)
PASSWORD_WORDS = (
    r"\b(?:password|pass\s+word|passwd|pwd|passcode|pass\s+code|memorable\s+(?:word|information|info|answer"
    r"|phrase|place|name|date)|secret\s+answer|security\s+answer|passphrase)\b"
)
CAPITALISED = r"(?:[A-Z]')?[A-Z][a-z]+(?:(?:-|[A-Z])[A-Z]?[a-z]+)*"  # O'Sullivan-Hale, McDonald
NAME = rf"{CAPITALISED}(?:[ \-]{CAPITALISED}){{0,2}}"
FULL_NAME = rf"{CAPITALISED}(?:[ \-]{CAPITALISED}){{1,2}}"
NAME_WORD = (
    r"(?!(?:and|i|im|i'm|calling|from|the|a|an|not|on|in|my|is|was|um|uh|er|erm|so|but|it"
    r"|about|regarding|speaking|here|just|really|very|trying|sorry|ringing|phoning|to|with"
    r"|at|for|of|yes|no|yeah|okay|ok|please|hi|hello)\b)[a-z'\-]{2,}"
)
# Capitalised words after "I'm" or "this is" that are not names.
NOT_A_NAME = (
    r"(?!(?:Not|So|Really|Very|Just|Still|Trying|Going|Sorry|Worried|Sure|Afraid|Confused"
    r"|Calling|Writing|Looking|Here|British|English|Abroad|Back|In|On|At|From|With|A|An|The"
    r"|Your|My|Lindenbrook|Bank|Unable|Having|Getting|Now|Currently|About|Also|Happy|Fed"
    r"|Stuck|Away|Off|Living|Moving|Travelling|Waiting|Absolutely|Completely|Totally|Quite"
    r"|Pretty|Done|Ready|New|Due|Owed|It|This|That|What|Urgent|Important|Please|Thanks"
    r"|Hi|Hello|Dear|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Today"
    r"|Tomorrow|Yesterday|Ok|Okay|Yes|No)\b)"
)
ORGANISATION = (
    r"(?!\S+\s+(?:Bank|Ltd|Limited|Plc|PLC|Society|Group|Insurance|Energy|Council|Revenue"
    r"|Water|Telecom|Mobile|Airways|Airlines|Store|Stores|Shop|Pay|Card|Account|Road|Street"
    r"|Avenue|Lane|Close|Drive|Grove|Court)\b)"
)
STREET = (
    r"(?:road|rd|street|st|avenue|ave|lane|ln|close|drive|dr|grove|court|ct|place|pl|way"
    r"|crescent|cres|terrace|gardens|gdns|park|square|sq|hill|row|mews|walk|view|rise|green"
    r"|parade|gate|wharf|quay|boulevard|yard|end|fields|meadows|croft|wynd|brae|vale)"
)
# Street words clear enough to trust in lower case (speech transcripts).
SPOKEN_STREET = (
    r"(?:road|street|avenue|lane|close|drive|grove|court|place|crescent|terrace|gardens"
    r"|square|mews)"
)
HOUSE = (
    r"(?:(?:flat|apartment|apt|unit)\s+\w{1,4},?\s+)?"
    rf"(?:\d{{1,4}}[a-z]?|{NUMBER_WORD}(?:[\s-]{NUMBER_WORD})?)"
)
FILLER = r"(?:the|on|in|a|an|my|of|to|for|and|at|by|with|this|that|was|is|are|be|it|i|we|you)"

# Typed values, then the same kinds read aloud.
SORT_CODE = r"(?<![\d.\-])(?<!\d\s)\d{2}[\-\s.]\d{2}[\-\s.]\d{2}(?![\-.]?\d)(?!\s\d)"
SORT_WORDS = r"\bsort(?:\s*code|ing\s+code)?\b|\bs/c\b"
ACCOUNT_WORDS = r"\b(?:account|acct|acc|a/c)\b"
ACCOUNT_AFTER_SORT_CODE = (
    r"\d{2}[\-\s.]?\d{2}[\-\s.]?\d{2}[,;/\s]{1,3}"
    r"(?:(?:and\s+)?(?:account|acc|a/c)\s*(?:number|no\.?)?\s*:?\s*)?(?P<v>\d{8})\b"
)
EXPIRY_WORDS = (
    r"\b(?:exp(?:iry|ires|iration|\.)?(?:\s+date)?|valid\s+(?:thru|through|until|to)|expiry)\b"
)
IBAN = r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b"
NINO = r"\b[A-Z]{2}[\s\-]?\d{2}[\s\-]?\d{2}[\s\-]?\d{2}[\s\-]?[A-D]\b"
NINO_WORDS = r"\bnational\s+insurance(?:\s+number)?\b|\bni\s+(?:number|no)\b|\bnino\b"
SPELLED = rf"(?:\b[a-z]\b|{SPOKEN})[\s,\-]*"  # letters and numbers read out one by one
PASSPORT_VALUE = rf"(?=[A-Z0-9]*\d{{5}})[A-Z0-9]{{6,10}}\b|{spoken_run(6, 12)}"
BIRTH_WORDS = r"\b(?:d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|birthday|born)\b"
BIRTH_DATE = (
    rf"\b(?:\d{{1,2}}\s*[/.\-]\s*\d{{1,2}}\s*[/.\-]\s*{BIRTH_YEAR}"
    rf"|{BIRTH_YEAR}-\d{{1,2}}-\d{{1,2}}"
    rf"|(?:the\s+)?{DAY}(?:\s+of)?\s+{MONTH},?\s+{BIRTH_YEAR}"
    rf"|{MONTH}\s+{DAY},?\s+{BIRTH_YEAR})\b"
)
SPOKEN_BIRTH_DATE = (
    rf"\b(?:the\s+)?{ORDINAL}(?:\s+of)?\s+{MONTH},?\s+(?:nineteen|two\s+thousand)"
    rf"(?:[\s-]+{NUMBER_WORD}){{0,3}}\b"
)
POSTCODE = r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s*\d[ABD-HJLNP-UW-Z]{2}\b"
POSTCODE_WORDS = r"\bpost\s*code\b|\bpostal\s+code\b"
TYPED_ADDRESS = rf"\b(?i:{HOUSE}),?\s+(?:[A-Z][a-z'\-]+\s+){{1,3}}(?i:{STREET})\b"
SPOKEN_ADDRESS = rf"\b{HOUSE},?\s+(?:(?!{FILLER}\b)[a-z'\-]+\s+){{1,3}}{SPOKEN_STREET}\b"
NAME_INTRODUCED = (
    r"(?i:\b(?:my|his|her|their|the)\s+name(?:'s|\s+is)|\b(?:sur|first\s+|last\s+|full\s+|fore)?name(?:'s|\s*:)?"
    r"|\bfao|\battn:?|\bc/o|\bask\s+for|\bspeak\s+to"
    r"|\b(?:my|our|her|his)\s+(?:late\s+)?(?:son|daughter|wife|husband|partner|mum|mother|dad"
    r"|father|brother|sister|friend|grandson|granddaughter|nan|gran|grandma|grandad|uncle"
    r"|aunt|auntie|niece|nephew|carer|landlord|tenant|colleague|boss|neighbour),?"
    r"|\bname\s+on\s+the\s+(?:card|account)\s+(?:is|says|reads)"
    r"|\baccount\s+(?:holder|name)(?:\s+is)?"
    r"|\b(?:payee|beneficiary|recipient)(?:\s+name)?(?:\s+is)?|\bin\s+the\s+name\s+of"
    rf"|\b(?:mr|mrs|ms|miss|dr|mx)\.?)\s*:?\s+(?P<v>{NAME})"
)
NAME_SELF = (
    r"(?i:\bthis\s+is|\bi'?m|\bi\s+am|\bsigned|\bshe'?s|\bhe'?s|\bit'?s)"
    rf",?\s+(?P<v>{NOT_A_NAME}{NAME})(?!\s+(?i:bank|account|card))"
)
NAME_PAYEE = (
    r"(?i:\b(?:to|from|called|named|pay|paid|sent|transfer(?:red)?\s+to))"
    rf"\s+(?P<v>{ORGANISATION}{NOT_A_NAME}{FULL_NAME})"
)
NAME_SIGN_OFF = (
    r"\b(?i:thanks|thank\s+you|regards|cheers|best|sincerely|many\s+thanks|ta|kind\s+regards)"
    rf"[\s,!.\-]*(?P<v>{NOT_A_NAME}{NAME})[\s.!]*$"
)
NAME_DASH_SIGN_OFF = rf"\s[\-\u2013\u2014]\s?(?P<v>{NOT_A_NAME}{NAME})[\s.!]*$"
SPOKEN_NAME = (
    r"\b(?:(?:my|his|her|their|the)\s+name(?:'s|\s+is)|name\s+on\s+the\s+card\s+is)"
    rf"\s+(?P<v>{NAME_WORD}(?:\s+{NAME_WORD}){{0,2}})"
)
# A known given name, and the surname words after it: "Desmond Pike", "callum frobisher".
GIVEN_AND_SURNAME = rf"(?<![\w'])[A-Z][a-z]+(?:[ \-]{CAPITALISED}){{0,2}}"
GIVEN_AND_SURNAME_LOWER = rf"(?<![\w'])[a-z]+(?:\s+{NAME_WORD}){{0,2}}"
SPOKEN_CALLER = (
    rf"\b(?:this\s+is|it'?s|i'?m)\s+(?P<v>{NAME_WORD}(?:\s+{NAME_WORD})?)"
    r"\s+(?:calling|speaking|here|ringing|phoning)\b"
)
EMAIL = r"\b[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+\b"
SPOKEN_EMAIL = (
    r"\b[a-z0-9_\-]+(?:\s+(?:dot|underscore)\s+[a-z0-9_\-]+)*"
    r"\s+at\s+[a-z0-9\-]+(?:\s+dot\s+[a-z]{2,6})+\b"
)
OTP_VALUE = rf"(?<!\d)\d{{3}}[\s\-]?\d{{3}}(?!\d)|(?<!\d)\d{{4,8}}(?!\d)|{spoken_run(4, 8)}"
PASSWORD = rf"(?:{PASSWORD_WORDS}){TIGHT_GAP}[\"']?(?P<v>{NOT_A_SECRET}{SECRET_TOKEN})"
SPOKEN_DIGITS = rf"\b{DIGIT_WORD}(?:[\s,\-]+(?:(?:double|triple)\s+)?{DIGIT_WORD}){{5,}}\b"
LONG_NUMBER = r"(?<![\d£$€.,\-])(?:\d[ .]?){8,11}\d(?![\d,\-])"
SPOKEN_POSTCODE = (  # "b s one four d j"
    rf"\b[a-z](?:\s[a-z])?\s{NUMBER_WORD}(?:\s(?:[a-z]|{NUMBER_WORD}))?"
    rf"\s{DIGIT_WORD}\s[a-z]\s[a-z]\b"
)
SPELLED_WORD = r"\b[a-z](?:[\s\-][a-z]\b){3,}"  # "v a s q u e z"
# Anywhere in a message that talks about the secret, a value that looks like it.
LOOKS_LIKE_PASSWORD = (
    r"(?<!\S)(?=\S*[A-Za-z])(?=\S*[\d!@#$%^&*_?])(?![\d£$€])[^\s\[\]]{6,64}?(?=[.,;!?)]*(?:\s|$))"
)
DIGITS = r"(?<![\d£$€.,:/\-])(?:{})(?![\d,.:/%\-]?\d)"

RULES: tuple[Rule, ...] = (
    # Cards: 13 to 19 digits with any separators; Luhn-valid ones are surer, mistyped
    # ones are still masked. Read aloud: twelve or more numbers in a row.
    _rule("CREDIT_CARD", CARD_DIGITS, 0.9, check=luhn),
    _rule("CREDIT_CARD", CARD_DIGITS, 0.5),
    _rule("CREDIT_CARD", spoken_run(12, 24), 0.5),
    _rule("CREDIT_CARD", _near(r"\bcard\b", spoken_run(4, 24)), 0.45),
    _rule("CARD_EXPIRY", _near(EXPIRY_WORDS, r"\d{1,2}\s*/\s*\d{2,4}", r"[^\d.?!\n]{0,15}?"), 0.6),
    # Sort codes: 12-34-56, 12 34 56, 12.34.56; six digits or read aloud after "sort code".
    _rule("UK_SORT_CODE", SORT_CODE, 0.55),
    _rule("UK_SORT_CODE", _near(SORT_WORDS, rf"\d{{6}}\b|{spoken_run(3, 6)}"), 0.7),
    # Account numbers: 7 or 8 digits after "account", or right after a sort code.
    _rule(
        "UK_ACCOUNT_NUMBER",
        _near(ACCOUNT_WORDS, rf"(?<!\d)\d{{7,8}}(?!\d)|\d{{4}}\s\d{{4}}\b|{spoken_run(6, 10)}"),
        0.6,
    ),
    _rule("UK_ACCOUNT_NUMBER", ACCOUNT_AFTER_SORT_CODE, 0.6),
    _rule(
        "UK_ACCOUNT_NUMBER", DIGITS.format(r"\d{8}|\d{4}[\s\-]\d{4}"), 0.5, context=ACCOUNT_WORDS
    ),
    _rule("IBAN_CODE", IBAN, 0.8),
    # National Insurance numbers: AB 12 34 56 C; read aloud after "national insurance".
    _rule("UK_NINO", NINO, 0.8),
    _rule("UK_NINO", _near(NINO_WORDS, rf"(?:{SPELLED}){{7,12}}", r"[^\d.?!\n]{0,25}?"), 0.6),
    # Passports: 9 digits (UK) or letters and digits, after "passport".
    _rule("PASSPORT", _near(r"\bpassport\b", PASSPORT_VALUE), 0.7),
    # Dates of birth: after "born" or "date of birth" in any format; any date from 1900
    # to 2012 on its own.
    _rule("DATE_OF_BIRTH", _near(BIRTH_WORDS, DATE, r"[^.?!\n]{0,40}?"), 0.7),
    _rule("DATE_OF_BIRTH", BIRTH_DATE, 0.5),
    _rule("DATE_OF_BIRTH", SPOKEN_BIRTH_DATE, 0.5),
    _rule("DATE_OF_BIRTH", _near(BIRTH_WORDS, spoken_run(3, 8), r"[^.?!\n]{0,20}?"), 0.6),
    # Postcodes: SW1A 1AA, m1 1ae; read aloud after "postcode".
    _rule("UK_POSTCODE", POSTCODE, 0.6),
    _rule("UK_POSTCODE", SPOKEN_POSTCODE, 0.5),
    _rule(
        "UK_POSTCODE", _near(POSTCODE_WORDS, rf"(?:{SPELLED}){{4,8}}", r"[^\d.?!\n]{0,20}?"), 0.6
    ),
    # Address lines: a house number and a street (capitalised when typed).
    _rule("ADDRESS", TYPED_ADDRESS, 0.6, flags=0),
    _rule("ADDRESS", SPOKEN_ADDRESS, 0.45),
    _rule("ADDRESS", r"\b(?:flat|apartment|apt|unit)\s+\d{1,4}[a-z]?\b", 0.45),
    # Names: after "my name is", "this is", a title, to a payee, or in a sign-off.
    _rule("PERSON", NAME_INTRODUCED, 0.7, flags=0),
    _rule("PERSON", NAME_SELF, 0.55, flags=0),
    _rule("PERSON", NAME_PAYEE, 0.45, flags=0),
    _rule("PERSON", NAME_SIGN_OFF, 0.6, flags=0),
    _rule("PERSON", NAME_DASH_SIGN_OFF, 0.5, flags=0),
    _rule("PERSON", SPOKEN_NAME, 0.6),
    _rule("PERSON", SPOKEN_CALLER, 0.6),
    _rule("PERSON", GIVEN_AND_SURNAME, 0.5, check=starts_with_a_given_name, flags=0),
    _rule("PERSON", GIVEN_AND_SURNAME_LOWER, 0.4, check=starts_with_a_given_name, flags=0),
    # E-mail addresses, typed or read aloud ("jo dot bloggs at mail dot com").
    _rule("EMAIL_ADDRESS", EMAIL, 0.9),
    _rule("EMAIL_ADDRESS", SPOKEN_EMAIL, 0.6),
    # Phones written without spaces, which the phone library misses.
    _rule("PHONE_NUMBER", r"(?<![\w+])\+\d{10,14}\b", 0.5),
    # Secrets in context: PIN, card security code, one-time code, password.
    _rule("PIN", _near(PIN_WORDS, rf"(?<!\d)\d{{4,6}}(?!\d)|{spoken_run(4, 6)}"), 0.7),
    _rule("CVV", _near(CVV_WORDS, rf"(?<!\d)\d{{3,4}}(?!\d)|{spoken_run(2, 4)}"), 0.7),
    _rule("ONE_TIME_CODE", _near(OTP_WORDS, OTP_VALUE), 0.6),
    _rule("PASSWORD", PASSWORD, 0.7),
    _rule("PIN", DIGITS.format(rf"\d{{4}}|{spoken_run(4, 4)}"), 0.5, context=PIN_WORDS),
    _rule("CVV", DIGITS.format(rf"\d{{3}}|{spoken_run(2, 3)}"), 0.5, context=CVV_WORDS),
    _rule("ONE_TIME_CODE", DIGITS.format(r"\d{6}|\d{3}\s\d{3}"), 0.5, context=OTP_WORDS),
    _rule("PASSWORD", LOOKS_LIKE_PASSWORD, 0.5, flags=0, context=PASSWORD_WORDS),
    _rule("PASSWORD", DIGITS.format(r"\d{4,8}"), 0.45, context=PASSWORD_WORDS),
    _rule("NUMBER", SPELLED_WORD, 0.4),
    # Anything else read aloud digit by digit, six or more in a row, is an identifier;
    # so is a long digit run typed with spaces or dots (9 to 12 digits).
    _rule("NUMBER", SPOKEN_DIGITS, 0.5),
    _rule("NUMBER", LONG_NUMBER, 0.4),
)
