"""Repair and Unicode policy: what gets fixed, what must never change, what is flagged.

The generated cases (`scripts/generate_encoding_cases.py`, fixed seed, committed under
tests/fixtures/encoding/) cover every family of issue #3; the small tests below pin down
one behaviour each.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

import textwash
from textwash.config import UnicodePolicy
from textwash.repair import decode_and_repair_detailed, repair_text

REPO = Path(__file__).resolve().parent.parent
CASES = REPO / "tests/fixtures/encoding/cases.jsonl"


def load_cases() -> list[dict]:
    return [json.loads(line) for line in CASES.read_text("utf-8").splitlines()]


def mojibake(text: str, codec: str = "cp1252") -> str:
    return "".join(
        bytes([b]).decode(codec, errors="ignore") or chr(b) for b in text.encode("utf-8")
    )


# ---- generated cases ------------------------------------------------------------------

def test_the_committed_cases_are_what_the_generator_makes():
    spec = importlib.util.spec_from_file_location(
        "generate_encoding_cases", REPO / "scripts/generate_encoding_cases.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    assert module.generate() == load_cases()


@pytest.fixture(scope="module")
def outcomes() -> dict[str, list[tuple[dict, bool, bool]]]:
    by_family: dict[str, list[tuple[dict, bool, bool]]] = defaultdict(list)
    for case in load_cases():
        result = decode_and_repair_detailed(
            base64.b64decode(case["raw_b64"]), filename=case["filename"]
        )
        flag_right = case["damaged"] is None or result.damaged == case["damaged"]
        by_family[case["family"]].append((case, result.text == case["expected"], flag_right))
    return by_family


def test_generated_cases_come_out_exact_overall_at_least_98_5_percent(outcomes):
    results = [exact for cases in outcomes.values() for _, exact, _ in cases]
    assert sum(results) / len(results) >= 0.985


def test_every_generated_family_comes_out_exact_at_least_85_percent(outcomes):
    rates = {f: sum(e for _, e, _ in cases) / len(cases) for f, cases in outcomes.items()}
    assert {f: r for f, r in rates.items() if r < 0.85} == {}


def test_no_generated_negative_is_changed_or_flagged(outcomes):
    failures = [
        case["id"] for family, cases in outcomes.items() if family.startswith("negative")
        for case, exact, flag_right in cases if not (exact and flag_right)
    ]
    assert failures == []


def test_lossy_generated_cases_are_flagged_damaged(outcomes):
    for family in ("lossy-question-marks", "lossy-replacement-char"):
        assert all(flag_right for _, _, flag_right in outcomes[family]), family


# ---- fast path and negatives ----------------------------------------------------------

@pytest.mark.parametrize("text", [
    "The quick brown fox jumps over the lazy dog.",
    "“We’re not there yet,” the chair said — costs had risen by €2.4 million.",
    "Hôm qua, đại diện các chính quyền địa phương đã họp tại Hà Nội.",
    "Dün İstanbul’da belediye temsilcilerinin katıldığı bir toplantı yapıldı.",
    "„Wir müssen schneller handeln“, sagte die Bürgermeisterin. Größe, Straße.",
    "Hy het ŉ nuwe fiets gekoop en dit is baie vinnig.",
    "Our family 👨‍👩‍👧‍👦 went hiking 🏔️ 👍🏽 🏴󠁧󠁢󠁳󠁣󠁴󠁿",
    "می‌خواهم کتاب‌ها را به کتابخانه برگردانم.",
    "東京（とうきょう）は日本の首都です！　人口は約１４００万人。",
    "∀x ∈ ℝ: x² ≥ 0, and ∑ᵢ aᵢ ≤ √n · ‖a‖₂; (−1/2)! = √π",
    "let max = a>b?a:b; SELECT * FROM t WHERE id = ?;",
    "See https://example.com/search?q=tea&lang=en for details.",
    "CONCLUSÃO: MÃE, PÃO E IRMÃ. NESTLÉ® 5×£35 ∆° ( o¬ô ) ÉTÉ® Ôôô",
    "Tom & Jerry, AT&T and R&D are fine as they are.",
    "Wait... what??? That can’t be right. Did he say why?? No.",
    'Mojibake: "Ã©" is what "é" looks like when UTF-8 is read as Windows-1252.',
])
def test_correct_text_comes_out_unchanged_and_unflagged(text: str):
    repaired = repair_text(text)
    assert repaired.text == text
    assert not repaired.damaged
    assert repaired.repairs == Counter()


# ---- mojibake -------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "codec", "times"), [
    ("Les élèves ont visité le musée d’Orsay — où ils ont découvert Monet.", "cp1252", 1),
    ("Die Straßenbahn fährt künftig auch am Wochenende bis Mitternacht.", "latin-1", 1),
    ("Det blæser meget på øen om vinteren, så færgen sejler sjældent.", "mac_roman", 1),
    ("¿Cuándo llegará el próximo tren? Nadie lo sabía.", "cp1252", 2),
    ("Вчера в Москве прошло заседание городской думы.", "cp1252", 1),
    ("어제 서울에서 회의가 열렸다.", "cp1252", 1),
])
def test_mojibake_is_undone(text: str, codec: str, times: int):
    broken = text
    for _ in range(times):
        broken = mojibake(broken, codec)
    repaired = repair_text(broken)
    assert repaired.text == text
    assert repaired.repairs["mojibake"] >= 1


def test_mojibake_on_some_lines_only_is_fixed_line_by_line():
    lines = ["Ça coûte cher, mais la qualité justifie le prix.", "居民们抱怨附近工地的噪音太大。",
             "Größere Unternehmen profitieren stärker.", "Plain English line."]
    broken = [mojibake(lines[0]), lines[1], mojibake(lines[2]), lines[3]]
    assert repair_text("\n".join(broken)).text == "\n".join(lines)


def test_a_mojibake_phrase_inside_a_correct_line_is_fixed():
    assert repair_text(f"Interview with {mojibake('Zoë Müller')} — part two.").text == (
        "Interview with Zoë Müller — part two."
    )


def test_a_short_line_is_fixed_with_the_plan_found_on_another_line():
    lines = ["Det blæser meget på øen om vinteren, så færgen sejler sjældent.", "støjen"]
    broken = "\n".join(mojibake(line, "mac_roman") for line in lines)
    assert repair_text(broken).text == "\n".join(lines)


# ---- entities, controls, line breaks, normalization ---------------------------------

def test_entities_in_plain_text_are_decoded_even_double_escaped():
    text = "caf&eacute; &amp;mdash; it&#8217;s &#x2014; &amp;#233;t&amp;eacute;"
    assert repair_text(text).text == "café — it’s — été"


def test_entities_in_markup_are_left_for_the_html_parser():
    markup = "<p>caf&eacute; &amp; more</p>"
    assert repair_text(markup, markup=True).text == markup


def test_c0_controls_and_undefined_c1_bytes_are_removed():
    repaired = repair_text("Hel\x00lo\x07 wor\x1bld\x81!")
    assert repaired.text == "Hello world!"
    assert repaired.repairs["control-chars"] == 4


def test_c1_controls_from_cp1252_read_as_latin1_become_the_cp1252_characters():
    text = "“Yes — of course,” he said… it’s done."
    assert repair_text(text.encode("cp1252").decode("latin-1")).text == text


@pytest.mark.parametrize(("raw", "expected"), [
    ("W New York\x97Union Square", "W New York\u2014Union Square"),
    ("\x95 Ddos protection \x95 Hosting", "\u2022 Ddos protection \u2022 Hosting"),
    ("Because we\x92re so used to it", "Because we\u2019re so used to it"),
    ("She said: \x93I shopped around.\x94", "She said: \u201cI shopped around.\u201d"),
])
def test_c1_controls_seen_on_real_pages_read_as_cp1252(raw: str, expected: str):
    assert repair_text(raw).text == expected


def test_c1_controls_inserted_inside_words_are_removed():
    assert repair_text("The committee met o\x9cn Tues\x86day.").text == (
        "The committee met on Tuesday."
    )


def test_cr_and_crlf_become_lf():
    assert repair_text("a\r\nb\rc\n").text == "a\nb\nc\n"


def test_nfd_accents_are_composed():
    assert repair_text("Cafe\u0301 Vie\u0323\u0302t").text == "Café Việt"


# ---- Unicode policy -------------------------------------------------------------------

def test_policy_rewrites_nbsp_odd_hyphens_and_removes_invisible_debris():
    text = ("10\u00a0km\u202f! high\u2011tech well\u2010known co\u00adop\u00adera\u00adtion"
            " zero\u200bwidth \ufeffbom")
    repaired = repair_text(text)
    assert repaired.text == "10 km ! high-tech well-known cooperation zerowidth bom"
    assert repaired.repairs == Counter(
        {"nbsp": 2, "hyphens": 2, "soft-hyphens": 3, "zero-width": 2}
    )


def test_policy_keeps_zwj_zwnj_curly_quotes_and_fullwidth_punctuation():
    text = "👩‍🔬 می‌خواهم “quoted” ‘single’ 「東京」（１４）！"
    assert repair_text(text).text == text


def test_policy_is_a_config():
    policy = UnicodePolicy(nbsp_to_space=False, keep_curly_quotes=False, keep_fullwidth=False)
    repaired = repair_text("a\u00a0b “c” ＡＢＣ", policy)
    assert repaired.text == 'a\u00a0b "c" ABC'


# ---- lossy damage ---------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Die Stra?enbahn f?hrt k?nftig bis Mitternacht.",
    "????? ? ?????? ?????? ???????? ?????.",
    "O governo anunciou medidas para reduzir a infla??o.",
    "昨天，北京??了地方政府代表会?。",
    "Der Preis ist \ufffd\ufffd gestiegen.",
])
def test_lost_letters_are_kept_counted_and_flagged(text: str):
    repaired = repair_text(text)
    assert repaired.text == text
    assert repaired.damaged
    assert repaired.repairs["lossy-damage-kept"] >= 1


def test_a_spaced_pair_of_lost_dashes_in_one_sentence_is_restored():
    text = "The talks collapsed ? the second failure this year ? and nobody was surprised."
    assert repair_text(text).text == text.replace("?", "\u2014")


def test_seed_style_lost_dashes_are_restored_as_em_dashes():
    text = ("The summit on the 13th of last month?the first in four years?and subsequent "
            "follow-up measures followed.")
    repaired = repair_text(text)
    assert repaired.text == text.replace("?", "\u2014")
    assert repaired.repairs["lost-dash"] == 2
    assert not repaired.damaged


@pytest.mark.parametrize("text", [
    "Is it?yes, he said it was the one they had wanted for the house.",
    "What happened next?Nobody could say what they had seen at the time.",
    "See https://example.com/faq?topic=billing for the details of the plan.",
    "The query is SELECT name FROM users WHERE id=?and it is run by the app.",
    "El ni?o y la se?or de la casa que estaba en el barrio.",
    "Use the pattern colou?r to match the word in both of the spellings.",
    "Press ? to show this help, and the other keys to move between the pages.",
    "If you prefer more compact code, you can use the conditional ? operator in it.",
    "The type of the value produced by ? when not short-circuiting is the one they had.",
    "Used in ? to decide whether the operator should produce a value or return it.",
])
def test_question_marks_that_are_not_lost_dashes_stay(text: str):
    assert repair_text(text).text == text


def test_decode_and_repair_returns_the_repaired_text():
    raw = mojibake("Größe — “quoted”").encode("utf-8")
    assert textwash.decode_and_repair(raw, filename="x.txt") == "Größe — “quoted”"


def test_detailed_result_says_what_was_detected_and_done():
    result = decode_and_repair_detailed("Prix\u00a0: 5\u00a0€ — café".encode("cp1252"))
    assert result.encoding == "cp1252"
    assert result.method == "detected"
    assert result.repairs == Counter({"nbsp": 2})
    assert not result.damaged


def test_in_markup_dashes_come_back_in_prose_and_query_strings_stay():
    markup = ('<p>See <a href="https://x.org/a?b=c">the page</a> from last month?the first '
              'in four years?and the one they had.</p>')
    repaired = repair_text(markup, markup=True)
    assert repaired.text == markup.replace("month?the", "month\u2014the").replace(
        "years?and", "years\u2014and")


def test_in_markup_lost_letters_are_flagged():
    repaired = repair_text("<p>Die Stra?e ist sch?n.</p>", markup=True)
    assert repaired.damaged


@pytest.mark.parametrize("text", [
    "plain ascii & a question? \r\x01",
    "café “quoted” — ünïcödé\u00a0\u200b",
    "Жители района жалуются на шум. " * 60 + "\x85 😀",  # long: counted with numpy
    "数" * 2000 + "\U0002A700",
])
def test_the_characters_a_repair_looks_at_are_all_but_plain_ascii(text: str):
    from textwash.repair import _characters

    plain = set("\t\n") | {chr(c) for c in range(0x20, 0x7F)} - {"&", "?"}
    assert _characters(text) == set(text) - plain


def test_mojibake_is_found_in_a_long_document_with_many_lead_characters():
    russian = "Жители района жалуются на шум от строительства «новой» дороги — № 5.\n" * 80
    broken = "The café’s menu".encode().decode("cp1252")
    repaired = repair_text(russian + broken)
    assert repaired.text == russian + "The café’s menu"
    assert repaired.repairs["mojibake"] == 1
