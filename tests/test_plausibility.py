"""Plausibility readings: the vectorised reader and the single-byte reader give exactly
what reading character by character gives (the rules, written plainly below)."""

from __future__ import annotations

import random

import pytest

from textwash.decode import WEB_LEGACY_ENCODINGS
from textwash.plausibility import (
    _BOUNDARY,
    _COMMON_SYMBOLS,
    _GLUED_SYMBOLS,
    Reading,
    TextSample,
    _letter_facts,
    _script,
    char_score,
    letter_shape,
    read,
)
from textwash.plausibility_bytes import SingleByteSample, is_single_byte

RUSSIAN = "Жители района жалуются на шум от новой дороги. «Это ужасно», — говорят они."
POLISH = "Mieszkańcy skarżą się na hałas dochodzący z pobliskiej budowy, 5 km od Łodzi."
GERMAN = "Über 12 € kostet das Ticket — für Kinder die Hälfte. © Stadt Köln"
KOREAN = "정부는 월요일 새로운 대책을 발표했다. 야당은 비판했다."
JAPANESE = "政府は月曜日、新しい対策を発表した。カタカナとひらがな。"


def reference_read(text: str, max_chars: int = 800) -> Reading:
    """The rules of `plausibility.read`, one character at a time."""
    reading = Reading()
    total, count, index = 0.0, 0, 0
    while index < len(text):
        if text[index] < "\x80":
            index += 1
            continue
        run = 0
        while index < len(text) and text[index] >= "\x80":
            char = text[index]
            before = text[index - 1] if index else ""
            after = text[index + 1:index + 2]
            score = char_score(char)
            if char.isalpha():
                score += _penalty(char, before, after)
                script, frequent, cased, upper = _letter_facts(char)
                reading.letters[script] = reading.letters.get(script, 0) + 1
                if frequent:
                    reading.frequent[script] = reading.frequent.get(script, 0) + 1
                reading.cased += cased
                reading.upper += upper
            elif char in _COMMON_SYMBOLS and (before in _BOUNDARY or after in _BOUNDARY):
                score = 1.0
            elif char in _GLUED_SYMBOLS and before.isalpha() and after.isalpha():
                score = -1.0
            code = ord(char)
            if 0xAC00 <= code <= 0xD7A3:
                reading.hangul += 1
                run += 1
                reading.longest_hangul_run = max(reading.longest_hangul_run, run)
            else:
                run = 0
                reading.kana += 0x3040 <= code <= 0x30FF
                reading.han += 0x4E00 <= code <= 0x9FFF
            total += score
            count += 1
            index += 1
        if count >= max_chars:
            break
    if count:
        reading.score = total / count + letter_shape(reading)
    return reading


def _penalty(char: str, before: str, after: str) -> float:
    penalty = 0.0
    for neighbour in (before, after):
        if neighbour.isalpha() and _script(neighbour) != _script(char):
            penalty -= 2.0
        elif neighbour.isdigit():
            penalty -= 1.0
    if before >= "\x80" and before.isalpha() and _script(before) == _script(char) == "LATIN":
        penalty -= 0.75
    if char.isupper() and before.isalpha() and before.islower():
        penalty -= 2.0
    if char.islower() and after.isalpha() and after.isupper():
        penalty -= 2.0
    if char.islower() and before.isupper() and after.isupper():
        penalty -= 1.0
    return penalty


def _same(left: Reading, right: Reading) -> bool:
    fields = ("score", "letters", "frequent", "upper", "cased", "hangul", "kana", "han",
              "longest_hangul_run")
    return all(getattr(left, name) == getattr(right, name) for name in fields)


def _random_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    pool = [chr(c) for c in [*range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x370, 0x3D0),
                             *range(0x400, 0x460), *range(0x5D0, 0x5EB), *range(0x620, 0x64B),
                             *range(0xE01, 0xE3A), 0x2013, 0x2014, 0x201C, 0x201D, 0x20AC,
                             0x2500, 0xFF70, 0xE000, 0x200D, 0x1F600, *range(0x3041, 0x3050),
                             *range(0x4E00, 0x4E20), *range(0xAC00, 0xAC10)]]
    return ["".join(rng.choice(pool) for _ in range(rng.randint(0, 400))) for _ in range(count)]


@pytest.mark.parametrize("max_chars", [800, 5])
def test_the_vectorised_reading_equals_reading_one_character_at_a_time(max_chars: int):
    texts = [RUSSIAN, POLISH, GERMAN, KOREAN * 3, JAPANESE, "", "plain ASCII only"]
    texts += [t.encode("utf-8").decode("cp1252", "replace") for t in texts]
    texts += _random_texts(150, seed=1)
    for text in texts:
        assert _same(read(text, max_chars), reference_read(text, max_chars)), text


@pytest.mark.parametrize("max_chars", [800, 5])
def test_the_single_byte_reading_equals_reading_the_decoded_text(max_chars: int):
    rng = random.Random(2)
    samples = [text.encode(codec, "replace") for text in (RUSSIAN, POLISH, GERMAN)
               for codec in ("cp1251", "koi8-r", "iso8859-2", "cp1252", "iso8859-5")]
    samples += [bytes(rng.randrange(256) for _ in range(rng.randint(0, 300)))
                for _ in range(60)]
    codecs = [codec for codec in WEB_LEGACY_ENCODINGS if is_single_byte(codec)]
    for sample in samples:
        prepared = SingleByteSample(sample, max_chars)
        for codec in codecs:
            try:
                text = sample.decode(codec)
            except UnicodeDecodeError:
                continue
            assert _same(prepared.read(codec), reference_read(text, max_chars)), (codec, sample)


def test_reading_several_code_pages_at_once_equals_reading_each():
    rng = random.Random(3)
    samples = [text.encode("cp1251") for text in (RUSSIAN,)] + [POLISH.encode("iso8859-2")]
    samples += [bytes(rng.randrange(256) for _ in range(rng.randint(1, 300))) for _ in range(30)]
    for sample in samples:
        prepared = SingleByteSample(sample)
        codecs = [codec for codec in WEB_LEGACY_ENCODINGS
                  if is_single_byte(codec) and _decodes(sample, codec)]
        for codec, reading in zip(codecs, prepared.read_many(codecs), strict=True):
            assert _same(reading, prepared.read(codec)), (codec, sample)


def _decodes(sample: bytes, codec: str) -> bool:
    try:
        sample.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def test_an_upper_bound_is_never_below_the_reading():
    rng = random.Random(4)
    for text in [RUSSIAN, POLISH, GERMAN, KOREAN, JAPANESE, *_random_texts(40, seed=5)]:
        assert TextSample(text).upper_bound() >= read(text).score
    codecs = ["cp1252", "cp1251", "koi8-r", "iso8859-5", "cp1256"]
    for _ in range(40):
        sample = bytes(rng.randrange(256) for _ in range(rng.randint(1, 300)))
        prepared = SingleByteSample(sample)
        for codec, bound in zip(codecs, prepared.upper_bounds(codecs), strict=True):
            if _decodes(sample, codec):
                assert bound >= prepared.read(codec).score


def test_code_pages_that_decode_alike_are_told_apart_only_by_the_bytes_present():
    prepared = SingleByteSample("Straße, Köln".encode("cp1252"))
    cp1252, latin2, cp1251 = prepared.decodings(["cp1252", "iso8859-2", "cp1251"])
    assert cp1252 == latin2  # ß and ö are the same bytes in both
    assert cp1251 != cp1252
    assert SingleByteSample(b"\x81 abc").decodings(["cp1252"]) == [None]  # undefined byte


def test_only_code_pages_of_one_byte_per_character_are_read_from_bytes():
    assert is_single_byte("cp1252") and is_single_byte("koi8-r") and is_single_byte("cp874")
    for codec in ("cp932", "euc_jp", "cp949", "gb18030", "big5hkscs", "utf-8", "utf-16-le",
                  "iso2022_jp", "iso2022_kr"):
        assert not is_single_byte(codec)


def test_the_right_decoding_reads_better_than_a_wrong_one():
    raw = RUSSIAN.encode("cp1251")
    assert read(raw.decode("cp1251")).score > read(raw.decode("koi8-r")).score
    assert read(raw.decode("cp1251")).score > read(raw.decode("cp1252")).score
    assert read(KOREAN.encode("cp949").decode("cp949")).score > 1.5
