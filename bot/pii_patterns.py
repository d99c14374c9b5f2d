"""What personal data looks like in a UK bank chat, typed or transcribed from speech.

Each :class:`Rule` finds one kind of personal data with a regular expression; where
the expression needs words around the value to be sure ("my PIN is 4821"), only the
group named ``v`` is personal data and only it is masked. Formats follow the UK's
published ones (sort codes, NI numbers, postcodes, passports) and what customers
actually do: any separators, numbers read aloud (with "double", "oh", "nought"),
mistyped card numbers, names in sign-offs, letters spelled out.

The policy for numbers is deliberately wide: in a bank chat any run of six or more
digits (typed or read aloud) that is not an amount, a date or a time is treated as an
identifier; shorter ones are masked when the message talks about a PIN, a card's
security code, a one-time code or a password.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.injection import INVISIBLE  # zero-width and other invisible characters

# Common given names of people living in the UK, none of them an everyday word.
GIVEN_NAMES = frozenset(
    (Path(__file__).parent / "data" / "given_names.txt").read_text(encoding="utf-8").split()
)


@dataclass(frozen=True)
class Rule:
    entity: str
    pattern: re.Pattern
    score: float
    check: Callable[[str], bool] | None = None  # the found value must also pass this
    context: re.Pattern | None = None  # the rule applies only to messages that say this


def _rule(entity, pattern, score, check=None, flags=re.I, context=None) -> Rule:
    compiled = re.compile(context, re.I) if context else None
    return Rule(entity, re.compile(pattern, flags), score, check, compiled)


def _near(keyword: str, value: str, gap: str | None = None) -> str:
    """``value`` (the masked group) a few words after ``keyword``."""
    return rf"(?:{keyword}){gap or GAP}(?P<v>{value})"


# --- checks -------------------------------------------------------------------------


def luhn(number: str) -> bool:
    digits = [int(d) for d in re.sub(r"\D", "", number)]
    odd = digits[-1::-2]
    even = [sum(divmod(2 * d, 10)) for d in digits[-2::-2]]
    return (sum(odd) + sum(even)) % 10 == 0


# Given names that are also everyday words: a name only when a capitalised surname
# follows ("Mark Dempsey", not "mark the payment").
WORD_NAMES = frozenset(
    {"mark", "dean", "will", "grace", "rose", "jack", "frank", "bill", "pat", "rob", "sue",
    "ray", "don", "max", "drew", "miles", "grant", "carol", "gene", "guy", "hope", "faith",
    "joy", "holly", "ivy", "iris", "ruby", "amber", "pearl", "dawn", "summer", "may", "june",
    "april", "august", "hazel", "heather", "olive", "violet", "poppy", "robin", "victor",
    "roger", "nick", "rich", "penny", "chase", "hunter", "sky", "river", "angel", "heath",
    "cliff", "wade", "reed"}
)  # fmt: skip


def looks_like_an_address(value: str) -> bool:
    """A house number, a street word or a house name in it, and no card or account."""
    return bool(ADDRESS_MARK.search(value)) and not NOT_AN_ADDRESS.search(value)


def starts_with_a_given_name(value: str) -> bool:
    return value.split()[0].split("-")[0].lower() in GIVEN_NAMES


def starts_with_a_word_name(value: str) -> bool:
    return len(value.split()) > 1 and value.split()[0].lower() in WORD_NAMES


ONES = {"zero", "oh", "o", "nought", "one", "two", "three", "four", "five", "six", "seven",
        "eight", "nine"}  # fmt: skip
TENS = {"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
TEENS = {"ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
         "seventeen", "eighteen", "nineteen"}  # fmt: skip
QUANTITIES = {"thousand", "million", "grand", "k"}
ONES_VALUE = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
              "nine": 9}  # fmt: skip
PLURALS = {"zeros", "noughts", "ones", "twos", "threes", "fours", "fives", "sixes", "sevens",
           "eights", "nines"}  # fmt: skip


def digit_count(value: str) -> int:
    """How many digits a number read aloud (or typed, or mixed) stands for ("nine
    hundred" is three); 0 for an amount in thousands ("two thousand five hundred")."""
    tokens = re.findall(r"[a-z]+|\d+", value.lower())
    if QUANTITIES & set(tokens):
        return 0
    count, repeat, after_tens, said = 0, 1, False, 0
    for token in tokens:
        if token in ("double", "triple", "treble"):
            repeat = 2 if token == "double" else 3
            continue
        if token in PLURALS and said:
            count += said - 1  # "four ones": the "four" was one digit, the ones are four
        elif token.isdigit():
            count += len(token) + repeat - 1
        elif token in ONES:
            count += 0 if after_tens else repeat
        elif token in TEENS or token in TENS or token == "hundred":
            count += 2
        said = ONES_VALUE.get(token, 0)
        after_tens, repeat = token in TENS, 1
    return count


AMOUNT_OR_DATE = re.compile(
    r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+\.\d{1,2}"  # 1,250.00 and 99.50
    r"|\d{1,2}[.\-/]\d{1,2}[.\-/](?:\d{2}|\d{4})|\d{4}[.\-/]\d{1,2}[.\-/]\d{1,2}"  # dates
)


# A token of digits with letters typed for digits among them: "4O12", "9OO", "4l11".
DIGITS_WITH_LETTERS = re.compile(
    r"(?<![A-Za-z\d])(?=[0-9OoIl]*\d)(?=[0-9OoIl]*[OoIl])[0-9OoIl]{3,}(?![A-Za-z\d])"
)
AS_DIGITS = str.maketrans("OoIl", "0011")


def as_typed_digits(text: str) -> str:
    """``text`` with each letter O, I or l among digits read as the digit it stands for,
    and invisible characters as spaces; the same length, so what is found in it is found
    at the same place in ``text``."""
    text = INVISIBLE.sub(" ", text)
    return DIGITS_WITH_LETTERS.sub(lambda m: m.group().translate(AS_DIGITS), text)


def not_an_amount_or_date(value: str) -> bool:
    return AMOUNT_OR_DATE.fullmatch(value.strip()) is None


def read_aloud(least: int) -> Callable[[str], bool]:
    """At least ``least`` digits, and at least one number said as a word."""
    return lambda value: (
        re.search(r"[a-z]", value, re.I) is not None and digit_count(value) >= least
    )


# --- building blocks ----------------------------------------------------------------

SEPARATOR = r"[\s.\-\u2010-\u2015\u2212/_]"  # what people put between groups of digits
DIGIT_WORD = r"(?:zero|oh|nought|one|two|three|four|five|six|seven|eight|nine)"
NUMBER_WORD = (
    r"(?:zero|oh|nought|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty"
    r"|fifty|sixty|seventy|eighty|ninety|hundred)"
)
# "four ones": the same digit four times
DIGIT_PLURAL = "(?:" + "|".join(sorted(PLURALS)) + ")"
SPOKEN = rf"(?:(?:double|triple|treble)\s+)?(?:{NUMBER_WORD}|{DIGIT_PLURAL}|\d+)"
# Between numbers read aloud: pauses, dashes said as words, and the caller's fillers.
SPOKEN_SEPARATOR = r"(?:[\s,\-]+(?:(?:dash|hyphen|then|um+|uh+|erm?|ah+|hmm)[\s,\-]+)*)"
NOT_A_QUANTITY = (
    r"(?!\s*(?:pounds?|quid|pence|p\b|percent|%|euros?|dollars?|am\b|pm\b|o'?clock|minutes?"
    r"|hours?|days?|weeks?|months?|years?|times|k\b|grand))"
)


HEARD = rf"(?:(?:double|triple|treble)\s+)?(?:{NUMBER_WORD}|\d+|to|too|for|won|ate|fore)"


def heard_run(least: int, most: int) -> str:
    """Numbers as a recogniser may mishear them ("for to won ate": 4 2 1 8); trusted only
    right after their keyword."""
    return rf"\b{HEARD}(?:{SPOKEN_SEPARATOR}{HEARD}){{{least - 1},{most - 1}}}\b"


def spoken_run(least: int, most: int = 24) -> str:
    """``least`` to ``most`` numbers read aloud (or digit groups) in a row."""
    return rf"\b{SPOKEN}(?:{SPOKEN_SEPARATOR}{SPOKEN}){{{least - 1},{most - 1}}}\b"


LETTER_WORD = (
    r"(?:alpha|bravo|charlie|delta|echo|foxtrot|golf|hotel|india|juliet|kilo|lima|mike"
    r"|november|oscar|papa|quebec|romeo|sierra|tango|uniform|victor|whiske?y|x[\s-]?ray|yankee"
    r"|zulu)"
)
LETTER_NAME = (  # as a recogniser writes a letter said aloud
    r"(?:eh|ay|bee|be|see|sea|cee|dee|ee|ef|gee|aitch|haitch|jay|kay|el|ell|em|en|pee|cue|queue|ar"
    r"|are|ess|tee|tea|vee|ex|why|zed|double[\s-]?(?:you|u))"
)
LETTER = rf"(?:\b[a-z]\b|{LETTER_WORD}|{LETTER_NAME})"
SPELLED = (  # letters and numbers one by one, fillers between
    rf"(?:{LETTER}|{SPOKEN})(?:[\s,\-]|\b(?:um+|uh+|erm?|ah+)\b)*"
)
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
YEAR = rf"(?:\d{{4}}|'?\d{{2}}|{NUMBER_WORD}(?:[\s-]+{NUMBER_WORD}){{0,3}})"
DATE_CORE = (
    rf"(?:\d{{1,2}}\s*[/.\-]\s*\d{{1,2}}\s*[/.\-]\s*\d{{2,4}}"
    rf"|\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{8}}"
    rf"|\d{{1,2}}\s\d{{1,2}}\s\d{{2,4}}"
    rf"|(?:the\s+)?{DAY}(?:\s+of)?\s+{MONTH}(?:,?\s+{YEAR})?"
    rf"|{MONTH}\s+(?:the\s+)?{DAY}(?:,?\s+{YEAR})?"
    rf"|(?:the\s+)?{ORDINAL}\s+of\s+the\s+{ORDINAL},?\s+{YEAR}"
    rf"|{spoken_run(3, 8)})"
)
DATE = (  # after "born": also "on bonfire night 1982"
    rf"(?:{DATE_CORE}|(?:[a-z']+\s){{1,4}}(?:19\d\d|20[01]\d|nineteen(?:\s+{NUMBER_WORD}){{1,2}}))"
)
BIRTH_YEAR = r"(?:19\d{2}|200\d|201[0-2])"  # any full date in these years is a birth date

# Words between a keyword and its value ("my PIN *is* 4821", "code *they sent was* 552 019").
GAP = r"[^\d.?!\n]{0,30}?"
TIGHT_GAP = (
    r"(?:\s*[:=#]\s*|'s\s+|\s+(?:is|was|it'?s|=|would\s+be|should\s+be|set\s+to|of)\s+"
    r"(?:still\s+|now\s+)?)"
)
# Words a "value" after "password is" never is: the customer is describing, not telling.
NOT_A_SECRET = (
    r"(?!(?:not|wrong|incorrect|correct|right|locked|expired|blocked|working|too|the|my|a|an"
    r"|still|being|definitely|invalid|case|required|needed|asking|changed|reset|no|fine|ok"
    r"|okay|in|on|at|for|of|and|but|so|that|this|it|what|which|same|different|forgotten"
    r"|lost|saved|stored|written|new|old|weak|strong|long|short|there|here)\b)"
)
SECRET_TOKEN = r"[^\s,;]{3,64}?(?=[.,;!?)\]\"']*(?:\s|$))"

UPPER = r"[A-ZÀ-ÖØ-Þ]"
LOWER = r"[a-zß-öø-ÿ]"
CAPITALISED = rf"(?:{UPPER}['\u2019])?{UPPER}{LOWER}+(?:(?:-|{UPPER}){UPPER}?{LOWER}+)*"
CAPS_WORD = rf"(?:{UPPER}['\u2019])?{UPPER}{{2,}}(?:-{UPPER}{{2,}})*"  # PATEL, O'DONNELL
INITIALS = rf"(?:{UPPER}\.\s?|(?![IA]\s){UPPER}\s){{1,3}}"  # "J. R. ", "P "
PARTICLE = r"(?:van|von|der|den|de|del|della|di|da|du|la|le|ní|nic|ó|ua|mac|bin|binti|al|el)"
NAME = rf"{CAPITALISED}(?:[ \-](?:{PARTICLE}\s)?{CAPITALISED}){{0,3}}"
FULL_NAME = rf"{CAPITALISED}(?:[ \-](?:{PARTICLE}\s)?{CAPITALISED}){{1,3}}"
ANY_NAME = rf"(?:{INITIALS})?(?:{NAME}|{CAPS_WORD}(?:\s{CAPS_WORD}){{0,2}})"
NAME_WORD = (
    r"(?!(?:and|i|im|i'm|calling|from|the|a|an|not|on|in|my|is|was|um|uh|er|erm|so|but|it"
    r"|about|regarding|speaking|here|just|really|very|trying|sorry|ringing|phoning|to|with"
    r"|at|for|of|yes|no|yeah|okay|ok|please|hi|hello|because|cause|and|then|who|she|he"
    r"|they|we|you|me|her|his|account|card|bank)\b)[a-z'\-]{2,}"
)
# Capitalised words after "I'm" or "this is" that are not names.
NOT_A_NAME = (
    r"(?!(?:Not|So|Really|Very|Just|Still|Trying|Going|Sorry|Worried|Sure|Afraid|Confused"
    r"|Calling|Writing|Looking|Here|British|English|Abroad|Back|In|On|At|From|With|A|An|The"
    r"|Your|My|Lindenbrook|Bank|Unable|Having|Getting|Now|Currently|About|Also|Happy|Fed"
    r"|Stuck|Away|Off|Living|Moving|Travelling|Waiting|Absolutely|Completely|Totally|Quite"
    r"|Pretty|Done|Ready|New|Due|Owed|It|This|That|What|Urgent|Important|Please|Thanks"
    r"|Hi|Hello|Dear|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Today"
    r"|Tomorrow|Yesterday|Ok|Okay|Yes|No|Card|Account|Visa|Mastercard|Amex|Apple|Google"
    r"|PayPal|Amazon)\b)"
)
ORGANISATION = (  # "from Lindenbrook Bank", "to Gatwick North Terminal": not people
    r"(?!(?:\S+\s+){1,3}?(?:Bank|Ltd|Limited|Plc|PLC|LLP|Society|Group|Insurance|Energy"
    r"|Council|Revenue|Water|Telecom|Mobile|Airways|Airlines|Store|Stores|Shop|Pay|Card"
    r"|Account|Road|Street|Avenue|Lane|Close|Drive|Grove|Court|Airport|Terminal|Station"
    r"|Wharf|Cross|Park|Centre|Center|Hospital|University|College|School|Hotel|Market"
    r"|Square|Services|Motors|Garage)\b)"
)
STREET = (
    r"(?:road|rd|street|st|avenue|ave|lane|ln|close|drive|dr|grove|court|ct|place|pl|way"
    r"|crescent|cres|terrace|gardens|gdns|park|square|sq|hill|row|mews|walk|view|rise|green"
    r"|parade|gate|wharf|quay|boulevard|yard|fields|meadows?|croft|wynd|brae|vale|side|bank"
    r"|paddocks?|fold|heights|mount|chase|ridge|orchard|common|hollow|approach|promenade"
    r"|esplanade|embankment|causeway|nook|cottages|buildings|villas|broadway)"
)
STREET_ALONE = (  # named on its own, no house number: "Mill Lane", "Church St"
    r"(?:Road|Rd|Street|St|Lane|Avenue|Ave|Close|Drive|Grove|Crescent|Terrace|Gardens|Mews"
    r"|Way|Place|Square|Row|Walk)"
)
HOUSE_NAME = (
    r"(?:Cottage|House|Farm|Lodge|Barn|Manor|Villa|Bungalow|Hall|Rectory|Mill|Forge|Granary"
    r"|Stables|Byre|Chapel|Schoolhouse|Vicarage|Grange|Croft)"
)
# ... those that name a home even in lower case ("house", "hall", "mill" need not).
HOUSE_NAME_WORD = (
    r"(?:cottage|farmhouse|farm|lodge|barn|manor|villa|bungalow|rectory|forge|granary"
    r"|stables|byre|schoolhouse|vicarage|grange)"
)
SPOKEN_STREET = (  # street words clear enough to trust in lower case after a number
    r"(?:rd|st|ave|cres|gdns|terr|ln|dr|sq"
    r"|road|street|avenue|lane|close|drive|grove|court|place|crescent|terrace|gardens"
    r"|square|mews|park|rise|vale|hill|way|row|walk|view|side|bank|gate|fields|meadows?"
    r"|green|parade|quay|wharf|croft|paddocks?|ridge|heights|chase|mount)"
)
UNIT = (
    r"(?:flat|apartment|apt|unit|room|suite|caravan|plot|pitch|berth|mooring|lodge"
    rf"|house\s+(?:number|no\.?))\s+(?:\d{{1,4}}[a-z]?|{NUMBER_WORD})"
)
HOUSE_NUMBER = rf"(?:\d{{1,4}}[a-z]?|{NUMBER_WORD}(?:[\s-]{NUMBER_WORD})?(?:\s[a-z](?=\s))?)"
HOUSE = rf"(?:{UNIT}(?:,?\s+{HOUSE_NUMBER})?|{HOUSE_NUMBER})"
FILLER = r"(?:the|on|in|a|an|my|of|to|for|and|at|by|with|this|that|was|is|are|be|it|i|we|you)"

# --- keywords -----------------------------------------------------------------------

PIN_WORDS = (
    r"\b(?:p\W?i\W?n(?:\s*(?:number|code|no\.?))?|(?<!last\s)(?<!final\s)(?:four|4)[\s-]digits?)\b"
)
CVV_WORDS = (
    r"\b(?:c\W?v\W?v2?|c\W?v\W?c2?|cv2|csc|cid|card\s+security\s+code|sec(?:urity|\.)?\s+"
    r"(?:code|number|digits)|(?:three|3)[\s-](?:digits?|numbers?)(?:\s+\w+){0,3}"
    r"|(?:on|at)\s+the\s+(?:back|reverse)|(?:code\s+)?on\s+(?:the\s+)?reverse"
    r"|signature\s+(?:strip|panel|box)|card\s+verification\s+(?:code|value))\b"
)
OTP_WORDS = (
    r"\b(?:one[-\s]?time\s+(?:pass)?(?:code|password|pin|passcode)|otp|verification\s+code"
    r"|passcode|auth(?:entication|ori[sz]ation)?\s+code|confirmation\s+code|access\s+code"
    r"|sms|text(?:ed)?\s+(?:me\s+)?(?:a\s+)?code"
    r"|(?<!sort\s)(?<!sort-)(?<!post\s)(?<!promo\s)(?<!area\s)(?<!dialling\s)(?<!tax\s)code)s?\b"
)
PASSWORD_WORDS = (
    r"\b(?:password|pass\s+word|passwd|pwd|pw|passcode|pass\s+code|passphrase|memorable\s+"
    r"(?:word|information|info|answer|phrase|place|name|date)|secret\s+(?:answer|word)"
    r"|security\s+(?:answer|question)|mother'?s\s+maiden\s+name|first\s+school"
    r"|first\s+pet|favourite\s+(?:teacher|film|team|place|food|colour))\b"
)
# Where a mixed letters-and-digits token is very likely a password.
PASSWORD_CONTEXT = (
    rf"{PASSWORD_WORDS}|\breset\b|\blocked\s+out\b|\blog\s?in\b|\bsign\s?in\b"
    r"|\bonline\s+banking\b"
)
SORT_WORDS = r"\bsort(?:\s*code|ing\s+code)?\b|\bs/?c\b"
ACCOUNT_WORDS = r"\b(?:account|acct|acc|a/c)\b"
EXPIRY_WORDS = (
    r"\b(?:exp(?:iry|ires|iration|\.)?(?:\s+date)?|valid\s+(?:thru|through|until|to)|expiry)\b"
)
NINO_WORDS = r"\bnational\s+insurance(?:\s+number)?\b|\bni\b(?:\s+(?:number|no))?|\bnino\b"
BIRTH_WORDS = r"\b(?:d\W?o\W?b\.?|date\s+of\s+birth|birth\s*date|birthday|born(?:\s+on)?|b\.)(?=\W)"
POSTCODE_WORDS = r"\bpost\s*code\b|\bpostal\s+code\b|\bpc\b"

# --- values -------------------------------------------------------------------------

CARD_DIGITS = rf"(?<![\d])(?:\d(?:{SEPARATOR}|,){{0,3}}){{12,18}}\d(?!\d)"
# Six or more digits in groups: an identifier unless an amount, a date or a time.
DIGIT_RUN = (
    rf"(?<![\w£$€.,:/\-])(?:\d(?:[\s.\-\u2010-\u2015]{{0,3}})){{5,}}\d(?![\w,:/%]|\.\d)"
    rf"{NOT_A_QUANTITY}"
)
SPOKEN_NUMBER = rf"{spoken_run(2, 30)}{NOT_A_QUANTITY}"
SORT_CODE = r"(?<![\d.\-])(?<!\d\s)\d{2}\s?[\-.\s]\s?\d{2}\s?[\-.\s]\s?\d{2}(?![\-.]?\d)(?!\s\d)"
ACCOUNT_AFTER_SORT_CODE = (
    r"\d{2}[\-\s.]?\d{2}[\-\s.]?\d{2}[,;/\s]{1,3}"
    r"(?:(?:and\s+)?(?:account|acc|a/c)\s*(?:number|no\.?)?\s*:?\s*)?(?P<v>\d{8})\b"
)
CVV_AFTER_EXPIRY = (
    r"(?<![\d/])\d{1,2}\s*/\s*\d{2}(?![\d/])(?:\s*[,;|]\s*|\s+/\s+|\s+)(?P<v>\d{3,4})\b(?!\s*/)"
)
# "4111 1111 1111 1111 and 348": the three or four digits said straight after a card.
CVV_AFTER_CARD = rf"{CARD_DIGITS}\s*(?:[,;&]|and|then)\s*(?P<v>\d{{3,4}})(?![\d/])"
# Country, check digits, then groups of four (the last may be shorter), with or without
# spaces: never the words after it.
IBAN = r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b"
NINO = r"\b[A-Z]\s?[A-Z][\s\-]?(?:\d[\s\-]?){5}\d[\s\-]?[A-D]\b"
PASSPORT_VALUE = (
    rf"(?:[A-Z]{{3}}\s?)?(?=[A-Z0-9]*\d[A-Z0-9]*\d[A-Z0-9]*\d)[A-Z0-9]{{6,10}}\b"
    rf"|{spoken_run(6, 12)}"
)
BIRTH_DATE = (
    rf"\b(?:\d{{1,2}}\s*[/.\-]\s*\d{{1,2}}\s*[/.\-]\s*{BIRTH_YEAR}"
    rf"|{BIRTH_YEAR}-\d{{1,2}}-\d{{1,2}}"
    rf"|(?:the\s+)?{DAY}(?:\s+of)?\s+{MONTH},?\s+{BIRTH_YEAR}"
    rf"|{MONTH}\s+{DAY},?\s+{BIRTH_YEAR})\b"
)
SPOKEN_BIRTH_DATE = (
    rf"\b(?:the\s+)?{ORDINAL}(?:\s+of)?(?:\s+the)?\s+(?:{MONTH}|{ORDINAL}),?\s+"
    rf"(?:nineteen|two\s+thousand)(?:[\s-]+{NUMBER_WORD}){{0,3}}\b"
)
DATE_THEN_BIRTH_WORDS = (
    rf"\b(?P<v>{DATE_CORE})\s+(?:is|was|=)\s+(?:my|his|her|their)\s+(?:date\s+of\s+birth|dob"
    r"|d\.o\.b\.?|birthday)"
)
# Any letters inward: a customer's typo ("S10 2TM") is still their postcode.
POSTCODE = r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)[\s\-]*\d{1,2}[A-Z]{2}\b|\bBFPO\s*\d{1,4}\b"
POSTCODE_NUMBER = rf"(?:{NUMBER_WORD}|\d{{1,2}})"
SPOKEN_POSTCODE = (  # "b s one four d j", "delta hotel one three, lima tango", "l s 6 2 a b"
    rf"\b{LETTER}(?:\s{LETTER})?[\s,]+{POSTCODE_NUMBER}(?:\s(?:{LETTER}|{POSTCODE_NUMBER}))?"
    rf"[\s,]+(?:{DIGIT_WORD}|\d)\s(?:{LETTER}\s{LETTER}|double\s{LETTER})\b"
)
# Streets named in one word: "Kingsway", "Parkside", "Eastgate".
ONE_WORD_STREET = r"[A-Z][a-z]+(?:way|gate|side|fields?|wood|dale|croft|hurst|mead|leigh)"
TYPED_ADDRESS = (
    rf"\b(?i:{HOUSE}),?\s+(?:(?:The|[A-Z][a-z'\-]+)\s+){{1,3}}(?i:{STREET})\b"
    rf"|\b\d{{1,4}}[a-z]?,?\s+{ONE_WORD_STREET}\b"
    rf"|\b\d{{1,4}}[a-z]?,?\s+The\s+{CAPITALISED}"
    rf"|\b(?:{CAPITALISED}\s){{1,2}}{HOUSE_NAME}\b"
    rf"|(?<![a-z]\s)\b(?:{CAPITALISED}\s){{1,2}}{STREET_ALONE}\b"
)
STREET_WORDS = rf"(?:the\s+|(?!{FILLER}\b)[a-z'\-]+\s+)(?:(?!{FILLER}\b)[a-z'\-]+\s+){{0,2}}"
SPOKEN_ADDRESS = rf"\b{HOUSE},?\s+{STREET_WORDS}{SPOKEN_STREET}\b"
# A house's name in lower case, and the street it is on: "rose cottage church road".
SPOKEN_HOUSE_NAME = (
    rf"\b(?!{FILLER}\b|our\b|his\b|her\b)[a-z'\-]{{3,}}\s{HOUSE_NAME_WORD}\b"
    rf"(?:,?\s+(?:off\s+|on\s+)?(?!{FILLER}\b)[a-z'\-]+\s+{SPOKEN_STREET}\b)?"
)
# Where an address is about to be given, and the words that end it.
ADDRESS_CUE = (
    r"\b(?:live[sd]?\s+(?:at|on)|living\s+(?:at|on)|stay(?:ing)?\s+at|(?:it'?s|house\s+is)\s+on|(?:home\s+|postal\s+|new\s+|old\s+)?address(?:\s+is"
    r"|\s*:|\s+now\s+is|\s+should\s+be)|first\s+line(?:\s+of\s+(?:my|the)\s+address)?\s+is"
    r"|(?:send|post|deliver)\s+(?:it|them|the\s+\w+"
    r"|my\s+\w+(?:\s+\w+)?)\s+to|(?:sent|posted|delivered|moved|moving)\s+to|i'?m\s+at"
    r"|it'?s\s+at)"
)
ADDRESS_END = (
    r"(?:and|but|so|because|please|thanks|thank|phone|tel|mobile|email|postcode|post\s+code"
    r"|since|from|until|instead|which|who|when|if|or|not|no|it'?s|its|there|then)"
)
ADDRESS_WORD = rf"(?!{ADDRESS_END}\b)[\w'\-.]+"
ADDRESS_RUN = rf"(?:{ADDRESS_WORD}(?:\s*,\s*|\s+)){{0,6}}?{ADDRESS_WORD}"
ADDRESS_STOP = rf"(?=\s*(?:[.;!?\n(]|$)|,?\s+{ADDRESS_END}\b|,?\s+{POSTCODE})"
ADDRESS_AFTER_CUE = rf"{ADDRESS_CUE}\s+(?P<v>{ADDRESS_RUN}){ADDRESS_STOP}"
# A house's name, wherever it is said to be one.
HOUSE_CALLED = (
    rf"\b(?:house|home|property|cottage|farm)(?:'s|\s+is)?\s+(?:name\s+is|called|named)\s+"
    rf"(?P<v>{ADDRESS_RUN}){ADDRESS_STOP}"
)
# A house number (or "the ...") and a few words, right before a postcode.
ADDRESS_BEFORE_POSTCODE = (
    rf"\b(?P<v>(?:{HOUSE}|the)(?:,?\s+{ADDRESS_WORD}){{1,5}}?)"
    rf"(?=,?\s+(?:{POSTCODE}|{SPOKEN_POSTCODE}))"
)
# A place's name right before its postcode: "Badgers Rest, RG9 4JP", "Kirkton of Glenisla PH11 8QP".
NAMED_BEFORE_POSTCODE = (
    rf"\b(?P<v>{CAPITALISED}(?:,?\s+(?:(?:of|upon|on|le|by|in|under|the)\s+)?{CAPITALISED}){{0,4}})"
    rf"(?=,?\s+(?i:{POSTCODE}))"
)
# A postcode given in two halves: "BS7 then 9HX", "EH6 and then 7BQ".
SPLIT_POSTCODE = (
    r"\b[A-Z]{1,2}\d[A-Z\d]?(?:[\s,]+(?:and|then|sorry|er+m?|um+|the\s+rest\s+is)){1,3}"
    r"[\s,]+\d[A-Z]{2}\b"
)
# Streets abroad: "3 Rue des Lilas", "14 Rua das Flores", "Hauptstraße 12".
FOREIGN_STREET = (
    r"\b\d{1,4}[a-z]?,?\s+(?:rue|rua|calle|carrer|via|viale|avenida|avenue|av\.|piazza|plaza"
    r"|pra[cç]a|largo|strada|ulica|ul\.|heol|ffordd|stryd|l[oô]n|rhodfa)\s+(?:[\w'\-]+\s+){0,3}[\w'\-]+"
    r"|\b[\w\-]+(?:stra(?:ss|ß)e|str\.|weg|gasse|laan|straat|gade|gatan|vej)\s+\d{1,4}[a-z]?\b"
)
# "address line 1: Woodside", "first line: Ty Gwyn".
ADDRESS_LINE = (
    r"\b(?:address\s+line\s+\w+|(?:first|second|third)\s+line(?:\s+of\s+(?:my|the)\s+address)?)"
    r"\s*:\s*(?P<v>[^\n,.;]+)"
)
NOT_AN_ADDRESS = re.compile(r"\b(?:card|account|ending)\b", re.I)
ADDRESS_MARK = re.compile(rf"\d|\b(?:{NUMBER_WORD}|{STREET}|{HOUSE_NAME})\b", re.I)
PO_BOX = r"\bp\.?\s?o\.?\s+box\s+\d{1,6}\b"
NAME_INTRODUCED = (
    r"(?i:\b(?:my|his|her|their|the)\s+(?:sur|first\s+|last\s+|full\s+|fore|maiden\s+)?"
    r"name(?:'s|\s+is)|\b(?:sur|first\s+|last\s+|full\s+|fore|maiden\s+)?name(?:'s|\s*:)?"
    r"|\bfao|\battn:?|\bc/o|\bask\s+for|\bspeak\s+to|\btitular:?"
    r"|\b(?:my|our|her|his)\s+(?:late\s+)?(?:ex-?\s?)?(?:son|daughter|wife|husband|partner|mum|mother|dad"
    r"|father|brother|sister|friend|grandson|granddaughter|nan|gran|grandma|grandad|uncle"
    r"|aunt|auntie|niece|nephew|carer|landlord|tenant|colleague|boss|neighbour"
    r"|(?:sole\s+)?trader|builder|plumber|solicitor|executor),?"
    r"|\bname\s+on\s+(?:the\s+)?(?:card|account)(?:\s+(?:is|says|reads))?:?"
    r"|\baccount\s+(?:holder|name)(?:\s+is)?"
    r"|\b(?:payee|beneficiary|recipient)(?:\s+name)?(?:\s+is)?|\bin\s+the\s+name\s+of"
    r"|\bcard\s?holder(?:'s\s+name)?(?:\s+is)?"
    rf"|\b(?:mr|mrs|ms|miss|dr|mx|sir|dame|prof)\.?)\s*(?::\s*|\s+)(?P<v>{ANY_NAME})"
)
NAME_SELF = (
    r"(?i:\bthis\s+is|\bi'?m|\bi\s+am|\bsigned|\bshe'?s|\bhe'?s|\bit'?s)"
    rf",?\s+(?P<v>{NOT_A_NAME}(?:{INITIALS})?{NAME})(?!\s+(?i:bank|account|card))"
)
NAME_PAYEE = (
    r"(?i:\b(?:to|from|called|named|pay|paid|sent|transfer(?:red)?\s+to|for))"
    rf"\s+(?P<v>{ORGANISATION}{NOT_A_NAME}(?:{FULL_NAME}|{INITIALS}{CAPITALISED}))"
)
SIGN_OFF_WORDS = (
    r"(?i:thanks|thank\s+you|regards|cheers|best|sincerely|many\s+thanks|ta|kind\s+regards"
    r"|yours\s+(?:faithfully|sincerely|truly)"
    r"|yours|warm\s+wishes|love|sent\s+from\s+my\s+\w+)"
)
NAME_SIGN_OFF = (
    rf"\b{SIGN_OFF_WORDS}[\s,!.\-]*(?P<v>{NOT_A_NAME}(?:{INITIALS})?"
    rf"(?:{NAME}|{CAPS_WORD}(?:\s{CAPS_WORD})?|{LOWER}\.\s?[a-z'\-]+|{NAME_WORD}\s{NAME_WORD}))"
    r"[\s.!]*$"
)
NAME_DASH_SIGN_OFF = rf"(?:^|\s)[\-\u2013\u2014]\s?(?P<v>{NOT_A_NAME}(?:{INITIALS})?{NAME})"
INITIAL_AND_SURNAME = rf"(?<![\w.])(?:{INITIALS})(?P<v>{CAPITALISED})\b"
SPOKEN_NAME = (
    r"\b(?:(?:my|his|her|their|the)\s+(?:sur|first\s+|last\s+|maiden\s+)?name(?:'s|\s+is)"
    r"|name\s+on\s+the\s+card\s+is|(?:sur|first\s+|last\s+)name|(?:she'?s|he'?s|is)\s+called"
    r"|named|mister|missus|doctor|mrs?\.?|ms\.?|dr\.?)"
    rf"\s+(?P<v>{NAME_WORD}(?:\s+{NAME_WORD}){{0,2}})"
)
SPOKEN_CALLER = (
    rf"\b(?:this\s+is|it'?s|i'?m)\s+(?:(?:doctor|mister|missus|miss)\s+)?"
    rf"(?P<v>{NAME_WORD}(?:\s+{NAME_WORD})?)\s+(?:calling|speaking|here|ringing|phoning)\b"
)
# A known given name, and the surname words after it: "Desmond Pike", "callum frobisher".
GIVEN_AND_SURNAME = rf"(?<![\w'])[A-Z][a-z]+(?:[ \-]{CAPITALISED}){{0,2}}"
GIVEN_AND_SURNAME_LOWER = rf"(?<![\w'])[a-z]+(?:\s+{NAME_WORD}){{0,2}}"
WORD_NAME_AND_SURNAME = (  # mid-sentence only: "Grant Thornton" yes, "Will Smith" at the start no
    rf"(?:(?<=[a-z,;:(]\s)|(?<=\())[A-Z][a-z]+\s{CAPITALISED}"
)
EMAIL = r"\b[\w.+\-]+\s?@\s?[\w\-]+(?:\s?\.\s?[\w\-]+)*\s?\.\s?[a-z]{2,6}\b"
SPOKEN_EMAIL = (
    r"\b[a-z0-9_\-]+(?:\s+(?:dot|underscore)\s+[a-z0-9_\-]+)*"
    r"\s+at\s+[a-z0-9\-]+(?:\s+dot\s+[a-z]{2,6})+\b"
)
DISGUISED_EMAIL = (
    r"\b[\w.+\-]+\s*[\[\(\{<]\s*at\s*[\]\)\}>]\s*[\w\-]+"
    r"(?:\s*(?:[\[\(\{<]\s*dot\s*[\]\)\}>]|\.)\s*[\w\-]+)+"
)
OTP_VALUE = (
    r"(?<![\dA-Za-z])(?:[A-Z]-?)?\d{3}[\s\-]?\d{3}(?![\dA-Za-z])"
    r"|(?<![\dA-Za-z])\d{4,8}(?![\dA-Za-z])"
    rf"|{spoken_run(2, 8)}"
)
# The code, then what it is: "G-418822 is your code".
OTP_BEFORE_WORDS = (
    r"(?<![\w-])(?P<v>(?:[A-Z]-?)?\d{4,8})\s+is\s+your\s+(?:[\w-]+\s+){0,3}"
    r"(?:code|passcode|otp|password|pin)\b"
)
# A full name, then its date of birth: "Teodora Marinescu, born ...".
NAME_BEFORE_BIRTH = rf"(?P<v>{FULL_NAME}),?\s+(?i:born|dob|d\.o\.b|date\s+of\s+birth)\b"
CARD_WORDS = r"\b(?:card(?:\s+(?:number|no\.?|num))?|long\s+number)\b"
ASIDE = r"(?:\s*\([^)]{0,30}\))?"  # "Password (case sensitive!!): ..."
PASSWORD = rf"(?:{PASSWORD_WORDS}){ASIDE}{TIGHT_GAP}[\"'(\[]?(?P<v>{NOT_A_SECRET}{SECRET_TOKEN})"
SPOKEN_PASSWORD = (  # the words after "... is": "liverpool two thousand and five"
    rf"(?:{PASSWORD_WORDS})(?:[^.?!\n]{{0,40}}?)(?:'s|\s+is|\s+was|:)\s+"
    rf"(?P<v>{NOT_A_SECRET}(?:[^\s,.;!?]+\s+){{0,6}}[^\s,.;!?]+)"
)
LOOKS_LIKE_PASSWORD = (  # letters with digits or symbols: Tulip!2024, Summer2025
    r"(?<!\S)[\[(\"']?(?P<v>(?=(?:\S*[A-Za-z]){3})(?=\S*[\d!@#$%^&*_?])(?![\d£$€])"
    r"[^\s\[\]()\"']{6,64}?)(?=[\])\"']?[.,;!?]*(?:\s|$))"
)
SHORT_NUMBER = r"(?<![\d£$€.,:/\-])(?:{})(?![\dA-Za-z]|[,.:/%\-]\d)"
SPELLED_WORD = r"\b[a-z](?:[\s\-][a-z]\b){3,}"  # "v a s q u e z"

RULES: tuple[Rule, ...] = (
    # Cards: 13 to 19 digits with any separators; Luhn-valid ones are surer, mistyped
    # ones are still masked. Read aloud (or mixed): thirteen digits or more.
    _rule("CREDIT_CARD", CARD_DIGITS, 0.9, check=luhn),
    _rule("CREDIT_CARD", CARD_DIGITS, 0.5),
    _rule("CREDIT_CARD", SPOKEN_NUMBER, 0.55, check=read_aloud(13)),
    _rule("CREDIT_CARD", _near(CARD_WORDS, heard_run(12, 24), TIGHT_GAP), 0.55),
    _rule("CARD_EXPIRY", _near(EXPIRY_WORDS, r"\d{1,2}\s*/\s*\d{2,4}", r"[^\d.?!\n]{0,15}?"), 0.6),
    _rule("CARD_EXPIRY", _near(EXPIRY_WORDS, rf"{MONTH}\s+{YEAR}", r"[^\d.?!\n]{0,15}?"), 0.6),
    # Sort codes and account numbers, in context or by their shape.
    _rule("UK_SORT_CODE", SORT_CODE, 0.55),
    _rule("UK_SORT_CODE", _near(SORT_WORDS, rf"\d{{6}}\b|{spoken_run(3, 6)}"), 0.7),
    _rule(
        "UK_ACCOUNT_NUMBER",
        _near(ACCOUNT_WORDS, rf"(?<!\d)\d{{7,8}}(?!\d)|\d{{4}}\s\d{{4}}\b|{spoken_run(4, 10)}"),
        0.6,
    ),
    _rule("UK_ACCOUNT_NUMBER", ACCOUNT_AFTER_SORT_CODE, 0.6),
    _rule("UK_ACCOUNT_NUMBER", SHORT_NUMBER.format(r"\d{7,8}|\d{4}[\s\-]\d{4}"), 0.5),
    _rule("IBAN_CODE", IBAN, 0.8, check=lambda value: digit_count(value) >= 10),
    _rule("UK_NINO", NINO, 0.8),
    _rule("UK_NINO", _near(NINO_WORDS, rf"(?:{SPELLED}){{7,12}}", r"[^\d.?!\n]{0,25}?"), 0.6),
    _rule("PASSPORT", _near(r"\bpassport\b", PASSPORT_VALUE), 0.7),
    # Dates of birth: near "born" or "date of birth" in any format (before or after);
    # any date from 1900 to 2012 on its own.
    _rule("DATE_OF_BIRTH", _near(BIRTH_WORDS, DATE, r"[^.?!\n]{0,40}?"), 0.7),
    _rule("DATE_OF_BIRTH", DATE_THEN_BIRTH_WORDS, 0.7),
    _rule("DATE_OF_BIRTH", rf"\b{DATE_CORE}", 0.45, context=BIRTH_WORDS),
    _rule("DATE_OF_BIRTH", BIRTH_DATE, 0.5),
    _rule("DATE_OF_BIRTH", SPOKEN_BIRTH_DATE, 0.5),
    # Postcodes and addresses.
    _rule("UK_POSTCODE", POSTCODE, 0.6),
    _rule("UK_POSTCODE", SPOKEN_POSTCODE, 0.5),
    _rule("UK_POSTCODE", SPLIT_POSTCODE, 0.5, context=POSTCODE_WORDS),
    _rule(
        "UK_POSTCODE", _near(POSTCODE_WORDS, rf"(?:{SPELLED}){{4,8}}", r"[^\d.?!\n]{0,20}?"), 0.6
    ),
    _rule("ADDRESS", TYPED_ADDRESS, 0.6, flags=0),
    _rule("ADDRESS", SPOKEN_ADDRESS, 0.45),
    _rule("ADDRESS", SPOKEN_HOUSE_NAME, 0.45),
    _rule("ADDRESS", rf"\b{UNIT}\b", 0.45),
    _rule("ADDRESS", PO_BOX, 0.6),
    _rule("ADDRESS", ADDRESS_AFTER_CUE, 0.5, check=looks_like_an_address),
    _rule("ADDRESS", ADDRESS_BEFORE_POSTCODE, 0.5),
    _rule("ADDRESS", HOUSE_CALLED, 0.5),
    _rule("ADDRESS", NAMED_BEFORE_POSTCODE, 0.45, flags=0),
    _rule("ADDRESS", FOREIGN_STREET, 0.45),
    _rule("ADDRESS", ADDRESS_LINE, 0.6),
    _rule("ADDRESS", _near(r"\bhouse\s+(?:number|no\.?)", r"\d{1,4}[a-z]?\b"), 0.5),
    # Names: introduced, self-named, payees, sign-offs, initials, known given names.
    _rule("PERSON", NAME_INTRODUCED, 0.7, flags=0),
    _rule("PERSON", NAME_SELF, 0.55, flags=0),
    _rule("PERSON", NAME_PAYEE, 0.45, flags=0),
    _rule("PERSON", NAME_SIGN_OFF, 0.6, flags=0),
    _rule("PERSON", NAME_DASH_SIGN_OFF, 0.5, flags=0),
    _rule("PERSON", INITIAL_AND_SURNAME, 0.5, flags=0),
    _rule("PERSON", SPOKEN_NAME, 0.6),
    _rule("PERSON", NAME_BEFORE_BIRTH, 0.55, flags=0),
    _rule("PERSON", SPOKEN_CALLER, 0.6),
    _rule("PERSON", GIVEN_AND_SURNAME, 0.5, check=starts_with_a_given_name, flags=0),
    _rule("PERSON", GIVEN_AND_SURNAME_LOWER, 0.4, check=starts_with_a_given_name, flags=0),
    _rule("PERSON", WORD_NAME_AND_SURNAME, 0.4, check=starts_with_a_word_name, flags=0),
    # E-mail addresses: typed, read aloud, disguised ("jo[at]example[dot]com").
    _rule("EMAIL_ADDRESS", EMAIL, 0.9),
    _rule("EMAIL_ADDRESS", SPOKEN_EMAIL, 0.6),
    _rule("EMAIL_ADDRESS", DISGUISED_EMAIL, 0.6),
    _rule("PHONE_NUMBER", r"(?<![\w+])\+\d{10,14}\b", 0.5),
    # Secrets: after their keyword, or anywhere in a message that talks about them.
    _rule("PIN", _near(PIN_WORDS, rf"(?<!\d)\d{{4,6}}(?!\d)|{spoken_run(2, 6)}"), 0.7),
    _rule("PIN", _near(PIN_WORDS, heard_run(3, 6), TIGHT_GAP), 0.6),
    _rule("UK_SORT_CODE", _near(SORT_WORDS, heard_run(3, 6), TIGHT_GAP), 0.6),
    _rule("UK_ACCOUNT_NUMBER", _near(ACCOUNT_WORDS, heard_run(4, 10), TIGHT_GAP), 0.6),
    _rule("CVV", _near(CVV_WORDS, rf"(?<!\d)\d{{3,4}}(?!\d)|{spoken_run(2, 4)}"), 0.7),
    _rule("CVV", CVV_AFTER_EXPIRY, 0.6),
    _rule("CVV", CVV_AFTER_CARD, 0.6),
    _rule("ONE_TIME_CODE", _near(OTP_WORDS, OTP_VALUE), 0.6),
    _rule("ONE_TIME_CODE", OTP_BEFORE_WORDS, 0.6),
    _rule("PASSWORD", PASSWORD, 0.7),
    _rule("PASSWORD", SPOKEN_PASSWORD, 0.5),
    _rule("PIN", SHORT_NUMBER.format(rf"\d{{4}}|{spoken_run(2, 4)}"), 0.5, context=PIN_WORDS),
    _rule("CVV", SHORT_NUMBER.format(rf"\d{{3}}|{spoken_run(2, 3)}"), 0.5, context=CVV_WORDS),
    _rule("ONE_TIME_CODE", SHORT_NUMBER.format(r"\d{6}|\d{3}\s\d{3}"), 0.5, context=OTP_WORDS),
    _rule("PASSWORD", LOOKS_LIKE_PASSWORD, 0.5, flags=0, context=PASSWORD_CONTEXT),
    _rule("PASSWORD", SHORT_NUMBER.format(r"\d{4,8}"), 0.45, context=PASSWORD_WORDS),
    # Any other identifier: six digits or more, typed or read aloud; spelled-out words.
    _rule("NUMBER", DIGIT_RUN, 0.4, check=not_an_amount_or_date),
    _rule("NUMBER", SPOKEN_NUMBER, 0.4, check=read_aloud(6)),
    _rule("NUMBER", SPELLED_WORD, 0.4),
)
