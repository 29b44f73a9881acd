"""HTML main-content extraction: structure pruning, content choice, layout, bounds."""

from __future__ import annotations

import pytest

from textwash.html import HtmlExtraction, HtmlSettings, extract_html, plain_text_fallback
from textwash.html.markup import markup_to_text, strip_raw_elements

PROSE = (
    "The committee met on Tuesday to discuss the new budget, which had been delayed twice. "
    "Members agreed that the proposal needed more detail before a vote could be held. "
)
PROSE_2 = (
    "Several residents spoke during the public session, asking for clearer timelines. "
    "The chair promised a written answer within two weeks, and the meeting closed at nine. "
)


def page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def article_page(extra: str = "", inner_extra: str = "") -> str:
    return page(
        "<header><a href='/'>Home</a> <a href='/news'>News</a></header>"
        "<nav><ul><li><a href='/a'>Politics</a></li><li><a href='/b'>Sports</a></li></ul></nav>"
        f"<main><article><h1>Budget vote delayed</h1><p>{PROSE}</p><p>{PROSE_2}</p>"
        f"{inner_extra}</article></main>{extra}"
        "<footer><p>Copyright 2024 Example News. All rights reserved.</p></footer>"
    )


def test_navigation_header_and_footer_are_removed_with_reasons() -> None:
    result = extract_html(article_page())
    assert "Politics" not in result.text
    assert "Copyright" not in result.text
    assert PROSE.split(".")[0] in result.text
    reasons = {removal.reason for removal in result.removed}
    assert {"html-navigation", "html-footer"} <= reasons


def test_aside_and_aria_complementary_are_removed() -> None:
    sidebar = (
        "<aside><h3>Popular</h3><p>Ten facts about cats you never knew.</p></aside>"
        "<div role='complementary'><p>Sponsored: buy our widgets today.</p></div>"
    )
    result = extract_html(article_page(extra=sidebar))
    assert "Ten facts" not in result.text
    assert "Sponsored" not in result.text


def test_aria_landmark_roles_are_removed() -> None:
    markup = page(
        "<div role='banner'><p>Example News, your daily paper</p></div>"
        "<div role='navigation'><a href='/x'>Section X</a></div>"
        f"<div role='main'><p>{PROSE}</p><p>{PROSE_2}</p></div>"
        "<div role='contentinfo'><p>Contact us at the newsroom, any time.</p></div>"
    )
    result = extract_html(markup)
    assert "daily paper" not in result.text
    assert "Section X" not in result.text
    assert "newsroom" not in result.text
    assert "public session" in result.text


def test_hidden_elements_are_not_text() -> None:
    hidden = (
        "<p hidden>Secret hidden attribute text here.</p>"
        "<p style='display: none'>Invisible by style, long enough to count as prose.</p>"
        "<p aria-hidden='true'>Hidden from readers, also long enough to count.</p>"
    )
    result = extract_html(article_page(inner_extra=hidden))
    assert "Secret" not in result.text
    assert "Invisible" not in result.text
    assert "Hidden from readers" not in result.text


def test_cookie_banner_share_widget_and_newsletter_are_removed() -> None:
    widgets = (
        "<div class='cookie-banner'><p>We use cookies to improve your experience. "
        "By continuing you accept them.</p></div>"
        "<div class='share-buttons'><a href='#'>Share on Facebook</a> "
        "<a href='#'>Share on X</a></div>"
        "<div id='newsletter-signup'><p>Get our newsletter every morning, free of charge.</p></div>"
    )
    result = extract_html(article_page(inner_extra=widgets))
    assert "cookies" not in result.text
    assert "Facebook" not in result.text
    assert "newsletter" not in result.text
    reasons = {removal.reason for removal in result.removed}
    assert {"html-cookie", "html-share", "html-newsletter"} <= reasons


def test_related_block_by_class_and_by_heading_is_removed() -> None:
    by_class = (
        "<div class='related-posts'><p>Another story about the city council, "
        "with a long teaser sentence.</p></div>"
    )
    by_heading = (
        "<h2>Related articles</h2><ul><li><a href='/1'>Council approves new parking rules "
        "for downtown</a></li><li><a href='/2'>Mayor announces plan for river parks</a></li></ul>"
    )
    result = extract_html(article_page(inner_extra=by_class + by_heading))
    assert "Another story" not in result.text
    assert "parking rules" not in result.text
    assert "public session" in result.text


def test_forms_and_controls_are_removed() -> None:
    form = (
        "<form class='search'><label>Search the site</label><input name='q'>"
        "<button>Go</button><select><option>All sections</option></select></form>"
    )
    result = extract_html(article_page(inner_extra=form))
    assert "Search the site" not in result.text
    assert "All sections" not in result.text


def test_page_wrapped_in_a_form_keeps_its_content() -> None:
    markup = page(f"<form id='aspnetForm'><div><p>{PROSE}</p><p>{PROSE_2}</p></div></form>")
    result = extract_html(markup)
    assert "committee met" in result.text


def test_figure_captions_are_removed() -> None:
    figure = (
        "<figure><img src='x.jpg'><figcaption>Photo: the council chamber.</figcaption></figure>"
    )
    result = extract_html(article_page(inner_extra=figure))
    assert "council chamber" not in result.text


def test_comment_section_removed_when_it_is_not_the_content() -> None:
    comments = (
        "<section id='comments'><h3>3 comments</h3>"
        "<div class='comment'><p>Great article, thanks.</p></div>"
        "<div class='comment'><p>I disagree with the premise.</p></div></section>"
    )
    result = extract_html(article_page(inner_extra=comments))
    assert "Great article" not in result.text


def test_forum_thread_made_of_comments_is_kept() -> None:
    posts = "".join(
        f"<div class='comment'><p class='author'>user{i}</p>"
        f"<p>{PROSE if i % 2 else PROSE_2}</p></div>"
        for i in range(6)
    )
    markup = page(
        "<nav><a href='/'>Forum index</a></nav>"
        f"<div class='thread'><h1>Budget question</h1>{posts}</div>"
    )
    result = extract_html(markup)
    assert result.text.count("committee met") == 3
    assert result.text.count("public session") == 3


def test_tables_become_one_line_per_row() -> None:
    table = (
        "<table><tr><th>Plan</th><th>Price</th></tr><tr><td>Basic</td><td>$10 per month</td></tr>"
        "<tr><td>Pro</td><td>$25 per month</td></tr></table>"
    )
    result = extract_html(article_page(inner_extra=table))
    lines = result.text.split("\n")
    assert "Plan Price" in lines
    assert "Basic $10 per month" in lines
    assert "Pro $25 per month" in lines


def test_list_items_one_per_line_headings_and_paragraphs_apart() -> None:
    content = (
        f"<h2>What changed</h2><p>{PROSE}</p><ul><li>Parking fees rise by ten percent.</li>"
        "<li>Bus routes are extended to the north.</li><li>Libraries open on Sundays.</li></ul>"
        f"<p>{PROSE_2}</p>"
    )
    result = extract_html(page(f"<article>{content}</article>"))
    assert (
        "What changed\n\nThe committee" in result.text
    ), "a heading is its own block"
    assert (
        "Parking fees rise by ten percent.\nBus routes are extended to the north.\n"
        "Libraries open on Sundays." in result.text
    )
    assert "Sundays.\n\nSeveral residents" in result.text


def test_line_breaks_and_preformatted_text_are_kept() -> None:
    content = (
        f"<p>{PROSE}</p><p>12 Main Street<br>Springfield</p>"
        "<pre>def add(a, b):\n    return a + b</pre>"
    )
    result = extract_html(page(f"<article>{content}</article>"))
    assert "12 Main Street\nSpringfield" in result.text
    assert "def add(a, b):\nreturn a + b" in result.text


def test_service_page_with_several_sections_keeps_all_of_them() -> None:
    sections = "".join(
        f"<section class='block'><h2>Service {name}</h2><p>{PROSE}</p></section>"
        for name in ("plumbing", "heating", "roofing")
    )
    markup = page(
        "<header><nav><a href='/'>Home</a><a href='/about'>About</a></nav></header>"
        f"<div class='page'>{sections}</div><footer><p>Call us today.</p></footer>"
    )
    result = extract_html(markup)
    for name in ("plumbing", "heating", "roofing"):
        assert f"Service {name}" in result.text
    assert "Call us" not in result.text


def test_documentation_page_keeps_code_and_steps() -> None:
    markup = page(
        "<div class='sidebar'><ul><li><a href='/a'>Install</a></li>"
        "<li><a href='/b'>Configure</a></li></ul></div>"
        "<div class='content'><h1>Configure the client</h1>"
        f"<p>{PROSE}</p><ol><li>Open the settings file.</li><li>Set the token value.</li></ol>"
        "<pre>client --token abc</pre></div>"
    )
    result = extract_html(markup)
    assert "Open the settings file.\nSet the token value." in result.text
    assert "client --token abc" in result.text
    assert "Install" not in result.text


def test_listing_of_long_link_titles_is_kept() -> None:
    items = "".join(
        f"<li><a href='/p{i}'>Annual report on regional water quality, volume {i}</a></li>"
        for i in range(12)
    )
    markup = page(
        "<nav><ul><li><a href='/'>Home</a></li><li><a href='/x'>Topics</a></li></ul></nav>"
        f"<main><h1>Reports</h1><ul>{items}</ul></main>"
    )
    result = extract_html(markup)
    assert result.text.count("Annual report on regional water quality") == 12
    assert "Topics" not in result.text


def test_title_url_and_metadata_come_from_the_head() -> None:
    head = (
        "<title>Budget vote delayed | Example News</title>"
        "<meta property='og:title' content='Budget vote delayed'>"
        "<meta property='og:site_name' content='Example News'>"
        "<link rel='canonical' href='https://example.com/budget'>"
        "<meta property='article:published_time' content='2024-03-01T10:00:00Z'>"
        "<meta name='author' content='Jane Doe'>"
    )
    markup = page(f"<article><p>{PROSE}</p></article>", head)
    result = extract_html(markup)
    assert result.title == "Budget vote delayed"
    assert result.url == "https://example.com/budget"
    assert result.metadata == {"date": "2024-03-01T10:00:00Z", "author": "Jane Doe"}


def test_title_falls_back_to_title_tag_without_site_name() -> None:
    markup = page(f"<div><p>{PROSE}</p></div>", "<title>Opening hours - City Library</title>")
    assert extract_html(markup).title == "Opening hours"


def test_broken_markup_still_yields_the_text() -> None:
    markup = (
        "<html><body><div class='main'><p>" + PROSE + "<p>" + PROSE_2
        + "<div class='x' <span>unclosed attribute</span></b></i></div>"
    )
    result = extract_html(markup)
    assert "committee met" in result.text
    assert "public session" in result.text


def test_comments_and_scripts_are_stripped_before_parsing() -> None:
    markup = (
        "<p>keep</p><!-- a comment --><script>var x = '<p>no</p>';</script>"
        "<style>p {}</style><svg><text>icon</text></svg><svg-icon>kept custom</svg-icon>"
    )
    stripped = strip_raw_elements(markup)
    assert "comment" not in stripped
    assert "var x" not in stripped
    assert "icon</text>" not in stripped
    assert "kept custom" in stripped


def test_unclosed_script_cuts_to_the_end_without_hanging() -> None:
    assert strip_raw_elements("<p>a</p><script>" + "x" * 100_000) == "<p>a</p>"


def test_deep_nesting_is_bounded_and_falls_back_with_a_reason() -> None:
    depth = 100_000
    markup = "<html><body>" + "<div>" * depth + PROSE + "</div>" * depth + "</body></html>"
    result = extract_html(markup)
    assert result.fallback_reason == "html-too-many-elements"
    assert "committee met" in result.text


def test_moderate_nesting_is_walked_without_recursion() -> None:
    depth = 5_000
    markup = page("<div>" * depth + f"<p>{PROSE}</p>" + "</div>" * depth)
    result = extract_html(markup, HtmlSettings(max_tags=50_000))
    assert result.fallback_reason is None
    assert "committee met" in result.text


def test_half_a_million_links_fall_back_with_a_reason() -> None:
    markup = page("<a>link</a>" * 500_000)
    result = extract_html(markup)
    assert result.fallback_reason == "html-too-many-elements"


def test_megabytes_of_markup_fall_back_with_a_reason() -> None:
    markup = page(f"<p>{PROSE}</p>" + "<p>" + "word " * 2_000_000 + "</p>")
    result = extract_html(markup, HtmlSettings(max_markup_chars=1_000_000))
    assert result.fallback_reason == "html-too-large"
    assert "committee met" in result.text
    assert result.text.endswith("word")


def test_fallback_text_has_block_lines_and_decoded_entities() -> None:
    text = markup_to_text("<h1>Title</h1><p>Fish &amp; chips</p><script>x()</script><li>a</li>")
    assert text == "Title\n\nFish & chips\n\na"


def test_fallback_text_leaves_the_head_out_and_takes_the_title_from_it() -> None:
    markup = page(f"<div><p>{PROSE}</p></div>", head="<title>Budget &amp; vote</title>"
                  "<meta name='description' content='x'>")
    result = plain_text_fallback(markup, "html-too-large")
    assert result.title == "Budget & vote"
    assert result.text == PROSE.strip()
    assert result.fallback_reason == "html-too-large"


def test_fallback_text_keeps_upper_case_block_tags_as_line_breaks() -> None:
    assert markup_to_text("<P>One</P><DIV>Two<BR>Three</DIV>") == "One\n\nTwo\n\nThree"


@pytest.mark.parametrize("junk", ["<" * 200_000, "<a <b " * 50_000])
def test_a_tag_is_cut_at_the_next_opening_so_unclosed_tags_cost_linear_time(junk: str) -> None:
    # A tag pattern that ran on to the next ">" would rescan the rest of the page from
    # every unclosed "<" (minutes on these); this one stops at the next "<".
    text = markup_to_text(f"<p>{PROSE}</p>" + junk + f"<p>{PROSE_2}</p>")
    assert text.startswith(PROSE.strip())
    assert text.endswith(PROSE_2.strip())
    assert "<<" in text or "<a" in text


@pytest.mark.parametrize("markup", ["", "plain text, no tags", "<html></html>", "<p></p>"])
def test_empty_or_tagless_input_does_not_fail(markup: str) -> None:
    result = extract_html(markup)
    assert isinstance(result, HtmlExtraction)
    assert result.fallback_reason is None


def test_pipeline_records_the_html_removals_and_title() -> None:
    from textwash.pipeline import clean_document

    paragraphs = "".join(f"<p>{PROSE if i % 2 else PROSE_2}</p>" for i in range(6))
    record = clean_document(article_page(inner_extra=paragraphs).encode(), filename="page.html")
    assert "committee met" in record["text"]
    assert "Politics" not in record["text"]
    assert record["title"] == "Budget vote delayed"
    assert {"html-navigation", "html-footer"} <= {r["reason"] for r in record["removed"]}


# -- Pages beyond the bounds of parsing, in the pipeline ------------------------------------


def _deep_page(depth: int) -> str:
    return page("<div>" * depth + f"<p>{PROSE}</p><p>{PROSE_2}</p>" + "</div>" * depth,
                head="<title>Budget vote delayed</title>")


def test_too_deeply_nested_page_is_cleaned_as_plain_text_with_the_reason() -> None:
    from textwash.pipeline import clean_document

    record = clean_document(_deep_page(30_000).encode(), filename="deep.html")
    assert record["html_fallback"] == "html-too-deeply-nested"
    assert "committee met" in record["text"] and "written answer" in record["text"]
    assert record["title"] == "Budget vote delayed"


def test_page_with_too_many_elements_or_too_many_bytes_falls_back_with_its_bound() -> None:
    from textwash.config import Config, Limits
    from textwash.inputs import RawRecord
    from textwash.pipeline import CleanContext, clean_raw_record

    links = page(f"<p>{PROSE}</p>" + "<a href='#'>x</a> " * 60_000)
    doc = clean_raw_record(RawRecord("links.html", 0, "html", links))
    assert doc.signals["html_fallback"] == "html-too-many-elements"
    assert "committee met" in doc.text
    small = CleanContext(Config(limits=Limits(max_html_bytes=100)))
    doc = clean_raw_record(RawRecord("big.html", 0, "html", article_page()), small)
    assert doc.signals["html_fallback"] == "html-too-large"
    assert "committee met" in doc.text


def test_recursion_in_the_html_stage_falls_back_to_plain_text(monkeypatch) -> None:
    import textwash.pipeline

    def recurse(markup: str) -> HtmlExtraction:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(textwash.pipeline, "extract_html", recurse)
    record = textwash.pipeline.clean_document(article_page().encode(), filename="a.html")
    assert record["html_fallback"] == "html-too-deeply-nested"
    assert "committee met" in record["text"]


def test_extracted_page_has_no_fallback_and_document_size_limit_still_fails() -> None:
    from textwash.config import Config, Limits
    from textwash.inputs import RawRecord
    from textwash.pipeline import CleanContext, DocumentError, clean_document, clean_raw_record

    assert clean_document(article_page().encode(), filename="a.html")["html_fallback"] is None
    tiny = CleanContext(Config(limits=Limits(max_document_bytes=100)))
    with pytest.raises(DocumentError) as info:
        clean_raw_record(RawRecord("big.html", 0, "html", _deep_page(30_000)), tiny)
    assert info.value.reason == "document-too-large"


def test_fallbacks_are_counted_by_reason_and_listed_for_review() -> None:
    from textwash.inputs import RawRecord
    from textwash.pipeline import clean_raw_record
    from textwash.stats import RunStats

    stats = RunStats()
    stats.add_document(clean_raw_record(RawRecord("a.html", 0, "html", _deep_page(30_000))))
    stats.add_document(clean_raw_record(RawRecord("b.html", 0, "html", article_page())))
    assert stats.html_fallbacks == {"html-too-deeply-nested": 1}
    assert stats.review_flags["html-fallback"] == 1
    assert [item["path"] for item in stats.review if "html-fallback" in item["flags"]] == [
        "a.html"
    ]
    assert RunStats.from_dict(stats.to_dict()).html_fallbacks == stats.html_fallbacks


def test_listing_of_cards_wrapped_in_links_is_the_content() -> None:
    cards = "".join(
        f"<li><a href='/jobs/{n}'><div class='card'><h3>Data Engineer {n}</h3>"
        f"<p>Remote</p><p>Full-Time</p></div></a></li>"
        for n in range(8)
    )
    markup = page(
        "<nav><a href='/'>Home</a> <a href='/jobs'>Jobs</a> <a href='/about'>About</a></nav>"
        f"<main><h1>Latest jobs</h1><ul>{cards}</ul></main>"
        "<footer><a href='/terms'>Terms</a> <a href='/privacy'>Privacy</a></footer>"
    )
    text = extract_html(markup).text
    assert "Data Engineer 3" in text and "Full-Time" in text
    assert "Privacy" not in text
