import pytest

from bot.inputs import InputRejected, clean_message, has_words

LIMIT = 4000


def test_normalises_whitespace_and_unicode():
    assert clean_message("  my\u00a0card \n is   lost ", LIMIT) == "my card is lost"


def test_straightens_the_quotes_phones_type():
    typed = "it\u2019s my late wife\u2019s \u201cjoint\u201d account"
    assert clean_message(typed, LIMIT) == "it's my late wife's \"joint\" account"


def test_accepts_utf8_bytes():
    assert clean_message("café card".encode(), LIMIT) == "café card"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        ("   \n\t  ", "empty"),
        ("x" * 100_000, "100,000 characters long; the limit is 4,000"),
        (b"\xff\xfe\x00\x01binary", "not readable text"),
        (b"caf\xe9", "not readable text"),
        ("caf\udce9", "not readable text"),
        ("abc\x00def", "binary data"),
        (bytes(range(256)) * 4, "not readable text"),
        ("".join(chr(c) for c in range(1, 32)) * 3, "binary data"),
    ],
)
def test_rejects_with_a_clear_reason(raw, reason):
    with pytest.raises(InputRejected, match=reason):
        clean_message(raw, LIMIT)


def test_emoji_only_is_accepted_but_has_no_words():
    text = clean_message("😀🙏💳", LIMIT)
    assert text == "😀🙏💳"
    assert not has_words(text)
    assert has_words("card 💳")
