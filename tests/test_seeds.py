"""The five sample articles: what must go, what must stay (issue #2 and #4 acceptance)."""

from __future__ import annotations

from pathlib import Path

import pytest

import textwash
from textwash.repair import repair_text

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def clean(name: str) -> dict:
    path = next(SEEDS.glob(f"{name}_*.txt"))
    return textwash.clean_document(path.read_bytes(), filename=path.name)


def removed(record: dict) -> list[tuple[str, str]]:
    return [(r["reason"], r["text"]) for r in record["removed"]]


@pytest.mark.parametrize("name", ["000", "001", "002", "003", "004"])
def test_every_seed_is_english(name: str):
    assert clean(name)["language"] == "en"


def test_seed_000_and_001_have_no_boilerplate_and_keep_every_paragraph():
    for name in ("000", "001"):
        record = clean(name)
        assert record["removed"] == []
        source = next(SEEDS.glob(f"{name}_*.txt")).read_text()
        assert record["stats"]["lines_in"] == len([ln for ln in source.splitlines() if ln.strip()])


def test_seed_002_drops_copyright_and_markdown_image_and_keeps_headline_as_title():
    record = clean("002")
    assert removed(record) == [
        ("copyright", "© The Asia Business Daily(www.asiae.co.kr). All rights reserved."),
        ("caption", '![From Hostess to Organ Seller to High Society... The Grotesque Scam of a '
                    '"Human Counterfeit" Shaking the Korean Psyche [Slate]]'
                    "(https://cwcontent.asiae.co.kr/asiaresize/183/2026021902243444107_1771435474.jpg)"),
    ]
    assert record["title"] == (
        "North Korea May Acquire Technology to Breach US-ROK Air Defense Network"
    )
    assert record["text"].startswith("With North Korea's troop deployment")
    assert record["text"].split("\n")[-1].startswith("Robert Peters, a researcher")


SEED_003_TITLE = (
    'North Korea and Russia Continue Close Cooperation... "A Crisis Is Coming to US-Dependent'
    ' Security"'
)


SEED_003_GLUED = (
    f"{SEED_003_TITLE} Russian President Vladimir Putin and North Korean State Affairs "
    "Commission Chairman Kim Jong-un [Image source=Yonhap News]"
)


def test_seed_003_drops_ui_chrome_title_copies_copyright_and_keeps_sub_headlines():
    record = clean("003")
    assert removed(record) == [
        ("navigation", "본문 바로가기"),
        ("ui-label", "bar_progress"),
        ("ui-label", "Text Size"),
        ("ui-label", "Close"),
        ("repeated-title", SEED_003_GLUED),
        ("repeated-title", SEED_003_TITLE),
        ("copyright", "© The Asia Business Daily(www.asiae.co.kr). All rights reserved."),
        ("social", "Join us on social!"),
        ("ui-label", "Top"),
    ]
    assert record["title"] == SEED_003_TITLE
    text = record["text"]
    assert SEED_003_TITLE not in text
    for gone in ("bar_progress", "Text Size", "Join us on social!", "Image source", "©"):
        assert gone not in text
    for kept in (
        'North Korea: "Russian Foreign Minister\'s Official Visit to Pyongyang on the 18th"',
        "'Signs of North Korea-Russia Arms Deals Continue, Acceleration Feared'",
        '"Close Ties Between Both Countries Threaten US-Dependent Security System"',
        "North Korea Meets 'Opportunity,' Continues 'Arms Transactions' Despite International"
        " Concerns",
    ):
        assert kept in text.split("\n")


def test_seed_003_lost_dashes_are_restored():
    text = clean("003")["text"]
    assert "month\u2014the first in four years\u2014and" in text


def test_seed_004_drops_photo_credit_and_german_timestamp_keeps_section_headings():
    record = clean("004")
    assert removed(record) == [
        ("caption", "Photo by: Domagoj Skledar/ arhiva (vlastita)"),
        ("timestamp", "Erstellungszeitpunkt: 26 Oktober, 2024"),
    ]
    assert record["title"].startswith("North Korea launches new ballistic missiles")
    lines = record["text"].split("\n")
    for heading in ("Regional Security Threat", "Impact on Geopolitical Stability",
                    "North Korea and Russia Connection"):
        assert heading in lines
    assert lines[0].startswith("North Korea is stepping up military activity")


@pytest.mark.parametrize("name", ["000", "001", "002", "003", "004"])
def test_every_body_paragraph_of_every_seed_is_kept_whole(name: str):
    source = next(SEEDS.glob(f"{name}_*.txt")).read_text()
    kept_lines = set(clean(name)["text"].split("\n"))
    body = [ln for ln in source.splitlines() if len(ln.split()) >= 25 and "Image source" not in ln]
    assert body
    for line in body:
        assert repair_text(line.strip()).text in kept_lines
