"""Language detection: labels, script shortcuts, `und`, paragraph mix, calibration, stability."""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys
from pathlib import Path

import pytest

import textwash
from bench import language_samples as samples
from textwash.language import detector, identify
from textwash.language.calibration import calibration_table
from textwash.language.detector import _CONTROL, _EMAIL, _URL, clean, strip_links

REPO = Path(__file__).resolve().parent.parent

ENGLISH = (
    "As North Korea and Russia continue their close cooperation, experts warn that the "
    "regional situation could deal a blow to a security system that depends on allies.\n\n"
    "According to the news agency, the foreign minister will visit the capital next week "
    "at the invitation of the ministry, following a summit between the two presidents.\n\n"
    "Analysts expect further exchanges between the two countries in the coming months."
)
KOREAN = (
    "북한과 러시아의 밀착이 이어지면서 우리 안보에도 위기가 될 수 있다는 우려가 나온다. "
    "전문가들은 지역 정세가 극단으로 치달을 경우 동맹에 크게 의존하는 안보 체계에 타격이 "
    "불가피하다고 지적한다. 러시아 외무장관은 다음 주 평양을 방문할 예정이다."
)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The weather will be sunny and warm for most of the week.", "en"),
        ("Le gouvernement a présenté hier un nouveau projet de loi sur l'énergie.", "fr"),
        ("Die Regierung hat gestern einen neuen Gesetzentwurf vorgestellt.", "de"),
        ("El gobierno presentó ayer un nuevo proyecto de ley sobre la energía.", "es"),
        ("Wczoraj rząd przedstawił nowy projekt ustawy o energetyce.", "pl"),
        ("Hükümet dün enerji konusunda yeni bir yasa tasarısı sundu.", "tr"),
        ("Chính phủ hôm qua đã trình bày một dự luật mới về năng lượng.", "vi"),
    ],
)
def test_sentences_get_their_language(text: str, code: str) -> None:
    assert textwash.detect_language(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("오늘 날씨가 정말 좋네요", "ko"),
        ("今日はとても良い天気ですね", "ja"),
        ("Ο καιρός είναι πολύ ωραίος σήμερα", "el"),
        ("מזג האוויר יפה מאוד היום", "he"),
        ("วันนี้อากาศดีมาก", "th"),
        ("დღეს ძალიან კარგი ამინდია", "ka"),
        ("Այսօր եղանակը շատ լավ է", "hy"),
        ("今天天气很好，我们去公园散步吧。", "zh"),
        ("今天天氣很好，我們去公園散步吧。", "zh"),
    ],
)
def test_a_script_of_one_language_decides_it(text: str, code: str) -> None:
    assert textwash.detect_language(text) == code
    assert math.isinf(identify(text).margin)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Сегодня вечером мы пойдём в кино с друзьями.", "ru"),
        ("Сьогодні ввечері ми підемо в кіно з друзями.", "uk"),
        ("Тази вечер ще отидем на кино с приятели.", "bg"),
        ("ذهبنا إلى السوق صباح اليوم لشراء الخضار والفواكه.", "ar"),
        ("امروز صبح برای خرید میوه و سبزی به بازار رفتیم.", "fa"),
        ("आज सुबह हम फल और सब्जियाँ खरीदने बाजार गए।", "hi"),
    ],
)
def test_a_shared_script_narrows_the_candidates(text: str, code: str) -> None:
    assert textwash.detect_language(text) == code


def test_chinese_quoting_latin_product_names_stays_chinese() -> None:
    text = "Yelp 是 GNOME 桌面的帮助查看器，可以查看 DocBook、HTML 和 man 格式的文档。"
    assert textwash.detect_language(text) == "zh"


@pytest.mark.parametrize(
    "text",
    ["", " \n\t ", "12345 678.90", "https://example.com/a?b=c", "mail@example.com",
     "😀😀😀🎉", "\x00\x01\x02\x7f", "!!! ??? ...", "a", "ab 12", "\ud800\udfff"],
)
def test_text_without_enough_letters_is_und_and_never_raises(text: str) -> None:
    result = identify(text)
    assert result.language == "und"
    assert result.confidence == 0.0
    assert result.languages == []


@pytest.mark.parametrize("value", [None, b"bytes are not text", 42])
def test_non_text_input_is_und(value: object) -> None:
    assert identify(value).language == "und"  # type: ignore[arg-type]


def test_urls_and_emails_are_not_read_as_words() -> None:
    text = (
        "Weitere Informationen finden Sie unter https://www.example.com/the-best-english-"
        "words-ever-written-here oder schreiben Sie an the.english.team@example.com"
    )
    assert textwash.detect_language(text) == "de"


def test_all_caps_text_reads_like_lower_case() -> None:
    shouted = "ACHTUNG: DIE STRASSE BLEIBT BIS ENDE DER WOCHE FÜR ALLE FAHRZEUGE GESPERRT"
    assert textwash.detect_language(shouted) == "de"


def test_a_short_foreign_skip_link_does_not_flip_an_english_document() -> None:
    text = "본문 바로가기\nbar_progress\n\nText Size\n\nClose\n\n" + ENGLISH
    result = identify(text)
    assert result.language == "en"
    assert result.languages == [("en", 1.0)]


def test_a_thirty_percent_korean_document_reports_both_languages() -> None:
    text = ENGLISH + "\n\n" + KOREAN
    result = identify(text)
    assert result.language == "en"
    mix = dict(result.languages)
    assert set(mix) == {"en", "ko"}
    assert 0.2 < mix["ko"] < 0.45
    assert math.isclose(sum(mix.values()), 1.0, abs_tol=1e-3)


def test_two_latin_languages_in_one_document_are_both_reported() -> None:
    german = (
        "Die Regierung hat am Dienstag einen neuen Haushalt beschlossen, der vor allem "
        "mehr Geld für Schulen und den öffentlichen Nahverkehr vorsieht. Kritiker halten "
        "die Pläne für unzureichend und fordern weitere Investitionen in die Bahn."
    )
    assert {code for code, _ in textwash.detect_languages(ENGLISH + "\n\n" + german)} == {
        "en",
        "de",
    }


def test_a_paragraph_of_names_does_not_add_a_language() -> None:
    names = "Sergey Lavrov, Sergey Shoigu, Kim Jong-un, Vladimir Putin"
    assert textwash.detect_languages(ENGLISH + "\n\n" + names) == [("en", 1.0)]


def test_confidence_is_calibrated_and_grows_with_evidence() -> None:
    table = calibration_table()
    assert list(table.accuracy) == sorted(table.accuracy)
    assert all(0.0 < value < 1.0 for value in (*table.accuracy, table.script_accuracy))
    word = identify("haus").confidence
    sentence = identify("Die Regierung hat gestern einen neuen Gesetzentwurf vorgestellt.")
    assert word < sentence.confidence <= identify(ENGLISH).confidence


def test_labels_are_the_same_in_a_fresh_process() -> None:
    texts = [sample.text for sample in samples.phrases(samples.sentences("tuning"))]
    here = [identify(text).language for text in texts]
    code = (
        "import json, sys\nfrom textwash.language import identify\n"
        "print(json.dumps([identify(t).language for t in json.load(sys.stdin)]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], input=json.dumps(texts), capture_output=True,
        text=True, cwd=REPO, check=True,
    )
    assert json.loads(done.stdout) == here


def test_test_split_sentences_meet_the_accuracy_target() -> None:
    test = samples.sentences("test")
    right = sum(identify(sample.text).language == sample.language for sample in test)
    assert right / len(test) >= 0.985


def test_documents_are_sliced_to_max_chars() -> None:
    text = ENGLISH + "\n\n" + KOREAN * 20
    assert identify(text, max_chars=len(ENGLISH)).languages == [("en", 1.0)]


def test_a_run_of_letters_too_long_to_be_a_word_is_und() -> None:
    assert identify("x" * 100_000).language == "und"


def test_long_unspaced_text_is_labelled_by_its_script() -> None:
    chinese = "我们的奶奶每个星期天早上都会烤面包。" * 300
    japanese = "東京の桜は例年より一週間早く満開になった。" * 300
    assert identify(chinese).languages == [("zh", 1.0)]
    assert identify(japanese).languages == [("ja", 1.0)]


def test_short_lines_are_not_merged_across_scripts() -> None:
    lines = [
        "Opening hours and prices",
        "영업시간과 가격 안내",
        "Tickets can be bought online",
        "표는 온라인으로 살 수 있어요",
    ]
    assert {code for code, _ in identify("\n".join(lines)).languages} == {"en", "ko"}


def test_han_lines_in_a_japanese_document_are_japanese() -> None:
    heading = "東京都知事選挙結果速報"
    body = "東京の桜は例年より一週間早く満開になった。今年は暖かい日が続いた。"
    text = heading + "\n\n" + body
    assert identify(text).languages == [("ja", 1.0)]


def test_one_script_fast_path_labels_like_the_block_by_block_path(monkeypatch) -> None:
    tuning = samples.sentences("tuning")
    texts = [s.text for s in samples.documents(tuning) + samples.mixed_documents(tuning)]
    fast = [identify(text) for text in texts]
    monkeypatch.setattr(detector(), "_label_one_script", lambda *_: None)
    slow = [identify(text) for text in texts]
    assert [(r.language, r.languages) for r in fast] == [(r.language, r.languages) for r in slow]


def test_test_split_phrases_documents_and_mixes_meet_their_targets() -> None:
    test = samples.sentences("test")
    phrases = samples.phrases(test)
    right = sum(identify(s.text).language == s.language for s in phrases)
    assert right / len(phrases) >= 0.85
    documents = samples.documents(test)
    right = sum(identify(s.text).language == s.language for s in documents)
    assert right / len(documents) >= 0.995
    mixed = samples.mixed_documents(test)
    exact = sum(
        sorted(code for code, _ in identify(s.text).languages) == sorted(s.languages)
        for s in mixed
    )
    assert exact / len(mixed) >= 0.95


def _reference_clean(text: str, max_chars: int) -> str:
    """`clean` as one regular-expression pass per pattern, the definition it must match."""
    text = text[: max_chars + max_chars // 4]
    text = _URL.sub(" ", text)
    text = _EMAIL.sub(" ", text)
    return _CONTROL.sub(" ", text)[:max_chars]


def test_clean_removes_what_its_patterns_match_and_nothing_else() -> None:
    pieces = ["http", "https", "ftp", "://", "www.", "w", ".", ":", "/", "s", " ", "\n",
              "\t", "\u2003", "a", "é", "\xa0", "\x85", "\x9f", "\x1f", "\x7f", "\x00",
              "\r", "\ud800", "x@y.z", "@"]
    rng = random.Random(8)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 20)))
        assert clean(text, 30) == _reference_clean(text, 30), repr(text)


def test_control_characters_label_as_the_spaces_clean_writes() -> None:
    sentences = [s.text for s in samples.sentences("tuning")[:400]]
    controls = ["\x00", "\x07", "\x0b", "\x0c", "\r", "\x1c", "\x1f", "\x7f", "\x85", "\x9b"]
    rng = random.Random(3)
    found = detector()
    for _ in range(300):
        text = "\n".join(rng.sample(sentences, 3))
        cut = [rng.randrange(len(text) + 1) for _ in range(rng.randint(1, 4))]
        for at in sorted(cut, reverse=True):
            text = text[:at] + rng.choice(controls) + text[at:]
        assert found.label(strip_links(text, 20_000)) == found.label(clean(text, 20_000))
