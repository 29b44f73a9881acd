"""Extract an HTML page's main content as plain text, with its title and metadata.

BeautifulSoup (lxml parser: fast, and tolerant of broken markup) builds the tree once;
`walk` turns it into blocks and an element skeleton, flagging what looks like chrome
(navigation, landmarks, hidden elements, class/id words); `select` scores blocks, drops
flagged subtrees unless they hold the page's text, picks the main node and renders it
(headings and paragraphs on their own lines, list items one per line). Work is bounded:
markup beyond `HtmlSettings` limits falls back to tag-stripped text with a
`fallback_reason` (`plain_text_fallback`, which the pipeline also uses for its own
bounds: linear in the markup's length, no tree). The text-level boilerplate stage runs
afterwards on what this returns.
This package does not decode bytes or detect language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bs4 import BeautifulSoup

from textwash.document import Removal
from textwash.html.markup import markup_title, markup_to_text, strip_raw_elements
from textwash.html.meta import head_fields, page_metadata, page_title, page_url
from textwash.html.rules import load_html_rules
from textwash.html.select import render, select_main
from textwash.html.settings import HtmlSettings
from textwash.html.walk import walk

__all__ = ["HtmlExtraction", "HtmlSettings", "extract_html", "plain_text_fallback"]

DEFAULT_SETTINGS = HtmlSettings()


@dataclass(slots=True)
class HtmlExtraction:
    text: str
    title: str | None = None
    url: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    removed: list[Removal] = field(default_factory=list)
    fallback_reason: str | None = None
    main_tag: str | None = None


def extract_html(
    markup: str, settings: HtmlSettings = DEFAULT_SETTINGS, *, record_removed: bool = True
) -> HtmlExtraction:
    """Main text of `markup`, one block per line, blank lines between blocks."""
    if len(markup) > settings.max_markup_chars:
        return plain_text_fallback(markup, "html-too-large")
    stripped = strip_raw_elements(markup)
    if stripped.count("<") > settings.max_tags:
        return plain_text_fallback(stripped, "html-too-many-elements")
    # Attribute values stay strings: splitting every class list costs a sixth of the parse.
    soup = BeautifulSoup(stripped, "lxml", multi_valued_attributes=None)
    fields = head_fields(soup)
    rules = load_html_rules()
    page = walk(soup, rules)
    selection = select_main(page, settings, rules)
    removed = selection.removed if record_removed else []
    return HtmlExtraction(
        text=render(selection.blocks),
        title=page_title(fields, page.first_h1),
        url=page_url(fields),
        metadata=page_metadata(fields, page.time_datetime),
        removed=removed,
        main_tag=selection.main_tag,
    )


def plain_text_fallback(markup: str, reason: str) -> HtmlExtraction:
    """`markup` as plain text without a parse (tags stripped, one line per block tag, the
    `<title>` as title), marked with why extraction did not run."""
    return HtmlExtraction(
        text=markup_to_text(markup), title=markup_title(markup), fallback_reason=reason
    )
