"""strip_boilerplate: rules, title, templates and the line classifier working together."""

from __future__ import annotations

import numpy as np
import pytest

from textwash.boilerplate import (
    PageToStrip,
    line_key,
    select_content,
    strip_boilerplate,
    strip_boilerplate_many,
    title_forms,
)

PARAGRAPHS = [
    "The city council approved the new transport budget on Tuesday after a debate that "
    "lasted most of the afternoon, with several members asking for more money for buses.",
    "Supporters said the plan would cut journey times across the northern districts, "
    "while critics warned that the cost of the new tram line had been underestimated.",
    "The mayor said the budget would be reviewed again in the spring, when the first "
    "figures on passenger numbers and ticket revenue for the year are expected to arrive.",
    "Local business groups welcomed the decision and said that better connections would "
    "help shops and restaurants in the city centre recover after a difficult few years.",
]
NAVIGATION = ["Home", "News", "Sport", "Weather", "Contact"]
HEADLINE = "Council approves transport budget after long debate"


def page(*blocks: str) -> str:
    return "\n\n".join(blocks)


def reasons(result) -> list[tuple[str, str]]:
    return [(r.reason, r.text) for r in result.removed]


def test_first_headline_like_line_becomes_the_title_and_leaves_the_text():
    result = strip_boilerplate(page(HEADLINE, *PARAGRAPHS))
    assert result.title == HEADLINE
    assert HEADLINE not in result.text
    assert result.text.split("\n\n") == PARAGRAPHS
    assert result.removed == []


def test_a_given_title_is_kept_and_its_copies_in_the_text_are_removed():
    result = strip_boilerplate(page(HEADLINE, *PARAGRAPHS), title=HEADLINE)
    assert result.title == HEADLINE
    assert reasons(result) == [("repeated-title", HEADLINE)]


def test_title_repeats_alone_glued_to_a_caption_or_with_a_site_suffix_are_removed():
    glued = f"{HEADLINE} The mayor speaks to reporters outside the town hall"
    result = strip_boilerplate(
        page(f"{HEADLINE} | City Gazette", PARAGRAPHS[0], HEADLINE, PARAGRAPHS[1], glued,
             *PARAGRAPHS[2:])
    )
    assert result.title == f"{HEADLINE} | City Gazette"
    assert reasons(result) == [("repeated-title", HEADLINE), ("repeated-title", glued)]


def test_title_forms_split_off_the_site_name():
    assert title_forms("Council approves budget | The City Gazette") == {
        "council approves budget | the city gazette", "council approves budget",
        "the city gazette",
    }
    assert title_forms("Budget - Gazette") == {"budget - gazette"}


def test_explicit_rules_name_their_reason_and_keep_the_article():
    text = page(
        "본문 바로가기", "Text Size", HEADLINE, PARAGRAPHS[0], "Photo by: Jane Doe/Agency",
        *PARAGRAPHS[1:], "© 2024 City Gazette. All rights reserved.", "Join us on social!",
    )
    result = strip_boilerplate(text)
    assert reasons(result) == [
        ("navigation", "본문 바로가기"),
        ("ui-label", "Text Size"),
        ("caption", "Photo by: Jane Doe/Agency"),
        ("copyright", "© 2024 City Gazette. All rights reserved."),
        ("social", "Join us on social!"),
    ]
    assert result.title == HEADLINE
    assert result.text.split("\n\n") == PARAGRAPHS


def test_a_navigation_menu_above_the_article_goes_and_section_headings_stay():
    text = page(
        "\n".join(NAVIGATION), HEADLINE, PARAGRAPHS[0], PARAGRAPHS[1], "What happens next",
        PARAGRAPHS[2], PARAGRAPHS[3],
    )
    result = strip_boilerplate(text)
    assert reasons(result) == [("navigation", "Home")] + [
        ("short-fragment", item) for item in NAVIGATION[1:]
    ]
    assert result.title == HEADLINE
    assert "What happens next" in result.text.split("\n\n")
    for paragraph in PARAGRAPHS:
        assert paragraph in result.text


def test_template_lines_of_the_source_are_removed_but_never_body_paragraphs():
    banner = "Subscribe to the City Gazette newsletter for a weekly digest"
    keys = {line_key(banner), line_key(PARAGRAPHS[1])}
    result = strip_boilerplate(page(HEADLINE, banner, *PARAGRAPHS), template_keys=keys)
    assert reasons(result) == [("template", banner)]
    assert PARAGRAPHS[1] in result.text


def test_every_removal_has_a_reason_and_line_counts_add_up():
    text = page("\n".join(NAVIGATION), HEADLINE, *PARAGRAPHS, "Share", "Privacy Policy")
    result = strip_boilerplate(text)
    assert result.lines_in == len(NAVIGATION) + 1 + len(PARAGRAPHS) + 2
    kept = [line for line in result.text.split("\n") if line.strip()]
    assert len(kept) + len(result.removed) + 1 == result.lines_in  # + the title
    assert all(r.reason for r in result.removed)


def test_empty_and_blank_text_pass_through():
    assert strip_boilerplate("").text == ""
    result = strip_boilerplate("\n \n")
    assert result.removed == [] and result.title is None and result.lines_in == 0


def test_a_section_heading_shared_by_many_documents_of_the_source_is_kept():
    heading = "What happens next"
    result = strip_boilerplate(
        page(HEADLINE, PARAGRAPHS[0], PARAGRAPHS[1], heading, PARAGRAPHS[2], PARAGRAPHS[3]),
        template_keys={line_key(heading)},
    )
    assert result.removed == []
    assert heading in result.text.split("\n\n")


def test_a_tiny_document_keeps_its_short_headline_and_its_sentence():
    sentence = "This article arrived compressed and must be cleaned like any other text file."
    result = strip_boilerplate(f"Compressed article\n\n{sentence}\n")
    assert result.title == "Compressed article"
    assert result.text == sentence
    assert result.removed == []


def test_a_heading_between_the_two_paragraphs_of_a_tiny_page_is_kept():
    result = strip_boilerplate(page(HEADLINE, PARAGRAPHS[0], "Road closures", PARAGRAPHS[1]))
    assert result.text.split("\n\n") == [PARAGRAPHS[0], "Road closures", PARAGRAPHS[1]]


def test_rules_only_mode_keeps_short_list_items_and_headings_but_still_applies_rules():
    extracted = "\n\n".join([
        "Opening hours",
        "Monday to Friday: 9 to 5",
        "Saturday: 10 to 2",
        "Sunday: closed",
        "Text Size",
        "© 2026 Harbour Library. All rights reserved.",
    ])
    result = strip_boilerplate(extracted, title="Harbour Library", use_model=False)
    assert [(r.reason, r.text) for r in result.removed] == [
        ("ui-label", "Text Size"),
        ("copyright", "© 2026 Harbour Library. All rights reserved."),
    ]
    assert result.text.split("\n\n") == [
        "Opening hours", "Monday to Friday: 9 to 5", "Saturday: 10 to 2", "Sunday: closed",
    ]


def test_selection_keeps_the_likeliest_lines_of_a_page_the_model_is_unsure_about():
    scores = np.array([0.05, 0.35, 0.3, 0.32, 0.02])
    words = np.array([2.0, 40.0, 35.0, 50.0, 3.0])
    assert select_content(scores, words, 1.0).tolist() == [False, True, True, True, False]


def test_selection_drops_unlikely_lines_of_a_page_with_clear_content():
    scores = np.array([0.95, 0.9, 0.2, 0.97])
    words = np.array([60.0, 40.0, 30.0, 80.0])
    assert select_content(scores, words, 1.0).tolist() == [True, True, False, True]


def test_selection_of_a_few_lines_equals_the_numpy_selection(monkeypatch):
    import textwash.boilerplate as boilerplate

    rng = np.random.default_rng(7)
    for n in (1, 2, 7, 8, 9, 17, 40):
        scores = 1 / (1 + np.exp(-rng.normal(0, 3, n)))
        scores[: n // 3] = scores[-1]  # ties keep page order
        words = rng.integers(0, 200, n).astype(np.float32)
        few = select_content(scores, words, 0.8)
        monkeypatch.setattr(boilerplate, "SMALL_PAGE_LINES", 0)
        assert select_content(scores, words, 0.8).tolist() == few.tolist()
        monkeypatch.undo()


@pytest.mark.parametrize("batch_lines", [1024, 10])
def test_pages_stripped_together_come_out_as_each_does_alone(batch_lines, monkeypatch):
    import textwash.boilerplate

    monkeypatch.setattr(textwash.boilerplate, "MODEL_BATCH_LINES", batch_lines)
    banner = "Subscribe to our newsletter for the latest city news"
    pages = [
        PageToStrip(page(*NAVIGATION, HEADLINE, *PARAGRAPHS)),
        PageToStrip(page(HEADLINE, banner, *PARAGRAPHS), template_keys={line_key(banner)}),
        PageToStrip(""),
        PageToStrip(page("Harbour Library", *PARAGRAPHS[:2]), title="Harbour Library",
                    use_model=False),
        PageToStrip(page(*(PARAGRAPHS * 20), "© 2024 City News")),
        PageToStrip("Only a short line"),
    ]
    together = strip_boilerplate_many(pages)
    alone = [strip_boilerplate(p.text, title=p.title, template_keys=p.template_keys,
                               use_model=p.use_model) for p in pages]
    assert together == alone
    assert [reason for reason, _ in reasons(together[0])].count("navigation") >= 1
