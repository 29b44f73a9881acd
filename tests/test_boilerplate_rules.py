"""Explicit boilerplate rules: each category, in several languages, and what they leave alone."""

from __future__ import annotations

import pytest

from textwash.boilerplate.rules import fold, load_rules, rule_reason, stopwords

BODY = (
    "North Korea has once again provoked global tensions by launching ballistic missiles, "
    "as part of ongoing military provocations carried out by the regime for months, and "
    "analysts say the launches were meant to test the readiness of allied defences."
)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("본문 바로가기", "navigation"),
        ("Skip to main content", "navigation"),
        ("Zum Inhalt springen", "navigation"),
        ("Aller au contenu principal", "navigation"),
        ("跳到主要内容", "navigation"),
        ("本文へスキップ", "navigation"),
        ("Перейти к содержанию", "navigation"),
        ("Preskoči na sadržaj", "navigation"),
        ("Saltar al contenido", "navigation"),
        ("bar_progress", "ui-label"),
        ("Text Size", "ui-label"),
        ("Close", "ui-label"),
        ("Schließen", "ui-label"),
        ("© The Asia Business Daily(www.asiae.co.kr). All rights reserved.", "copyright"),
        ("Copyright 2024 Example Media", "copyright"),
        ("무단전재 및 재배포 금지", "copyright"),
        ("Alle Rechte vorbehalten.", "copyright"),
        ("Photo by: Domagoj Skledar/ arhiva (vlastita)", "caption"),
        ("(Photo=Yonhap News)", "caption"),
        ("Kim Jong-un inspects a launch site [Image source=Yonhap News]", "caption"),
        ("![Related story](https://example.com/a.jpg)", "caption"),
        ("Foto: Reuters", "caption"),
        ("Join us on social!", "social"),
        ("Share on Facebook", "social"),
        ("Erstellungszeitpunkt: 26 Oktober, 2024", "timestamp"),
        ("Published: March 3, 2025", "timestamp"),
        ("입력 2024.10.26 09:12", "timestamp"),
        ("2024-10-26 09:12", "timestamp"),
        ("By John Smith", "byline"),
        ("We use cookies to give you the best experience on our website.", "cookie-notice"),
        ("Wir verwenden Cookies, um unsere Website zu verbessern.", "cookie-notice"),
        ("Accept all cookies", "cookie-notice"),
        ("Related Articles", "teaser"),
        ("Read more: How the missile tests changed the region", "teaser"),
        ("관련기사", "teaser"),
        ("Lesen Sie auch: Die Lage in Korea", "teaser"),
    ],
)
def test_rule_names_the_category(line: str, reason: str):
    assert rule_reason(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        BODY,
        "Regional Security Threat",
        "North Korea and Russia Connection",
        'North Korea: "Russian Foreign Minister\'s Official Visit to Pyongyang on the 18th"',
        "As the anniversary approaches, the world watches closely.",
        "Home prices rose again in March, the third monthly gain in a row.",
    ],
)
def test_headings_and_prose_match_no_rule(line: str):
    assert rule_reason(line) is None


def test_a_caption_glued_to_a_long_paragraph_is_still_found():
    assert rule_reason(BODY * 3 + " [Image source=Yonhap News]") == "caption"


def test_fold_ignores_case_and_outer_punctuation():
    assert fold("  » HOME «  ") == "home"
    assert fold("Top.") == "top"


def test_stopwords_cover_several_languages():
    words = stopwords()
    assert {"the", "und", "les", "los", "и", "je"} <= words


def test_a_page_is_judged_line_by_line_as_each_line_alone():
    lines = ["We use cookies to improve this site.", "© 2024 Example. All rights reserved.",
             "Home", BODY, "Share this", "Accept", "x" * 400 + " (Photo: AP)",
             "All rights reserved", "we use cookies", "We use cookies. All rights reserved."]
    rules = load_rules()
    folded = [fold(line) for line in lines]
    assert rules.page_matches(lines, folded) == [rule_reason(line) for line in lines]
    assert rules.page_matches(lines[3:4], folded[3:4]) == [None]
