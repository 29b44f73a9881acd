"""Cheap, linear string work on raw markup before and instead of parsing.

`strip_raw_elements` cuts scripts, styles, SVG, templates and comments out of
the markup before BeautifulSoup sees it (they are most of a large page's bytes and never
main text). `markup_to_text` and `markup_title` are the fallback when a page is beyond
the bounds of parsing (size, element count, depth): tags stripped, block tags turned into
line breaks, the `<title>` read by one bounded search. None of them builds a tree, and
every pattern is linear in the markup's length whatever it holds (a tag pattern stops at
the next `<`, so a page of unclosed `<` costs no more than one of text).
"""

from __future__ import annotations

import html
import re

_RAW_START = re.compile(r"<!--|<(script|style|svg|template)(?=[\s/>])", re.IGNORECASE)
_RAW_END = {
    name: re.compile(rf"</{name}\s*>", re.IGNORECASE)
    for name in ("script", "style", "svg", "template")
}
_BLOCK_TAG_PATTERN = (
    r"<(?:/?(?:p|div|section|article|main|h[1-6]|li|ul|ol|dl|dt|dd|tr|table|blockquote|pre|"
    r"header|footer|nav|aside|form|title)\b[^<>]*|br\s*/?)>"
)
# Matching without IGNORECASE is five times faster; most pages write tags in lower case.
_BLOCK_TAG_LOWER = re.compile(_BLOCK_TAG_PATTERN)
_BLOCK_TAG_ANY_CASE = re.compile(_BLOCK_TAG_PATTERN, re.IGNORECASE)
_UPPER_CASE_TAG = re.compile(r"</?[A-Z]")
_TAG = re.compile(r"<[^<>]*>")
_HEAD_OPEN = re.compile(r"<head[\s>]", re.IGNORECASE)
_HEAD_CLOSE = re.compile(r"</head\s*>", re.IGNORECASE)
_TITLE = re.compile(r"<title\b[^<>]*>([^<]{1,1000})</title\s*>", re.IGNORECASE)
# Where the title and the end of the head are looked for (they open a page).
_HEAD_SCAN_CHARS = 200_000
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_LINE_EDGES = re.compile(r" ?\n ?")
_BLANKS = re.compile(r"\n{2,}")


def strip_raw_elements(markup: str) -> str:
    """`markup` without comments and script/style/svg/template elements."""
    pieces: list[str] = []
    position = 0
    while True:
        start = _RAW_START.search(markup, position)
        if start is None:
            break
        pieces.append(markup[position:start.start()])
        name = start.group(1)
        if name is None:
            end = markup.find("-->", start.end())
            position = len(markup) if end < 0 else end + 3
        else:
            close = _RAW_END[name.lower()].search(markup, start.end())
            position = len(markup) if close is None else close.end()
        if position >= len(markup):
            break
    if not pieces:
        return markup
    pieces.append(markup[position:])
    return "".join(pieces)


def markup_to_text(markup: str) -> str:
    """Plain text of `markup` without a parse: one line per block tag, entities decoded.

    The `<head>` (title, meta) is left out when it closes near the top of the page.
    """
    markup = strip_raw_elements(markup)
    head = _HEAD_OPEN.search(markup, 0, _HEAD_SCAN_CHARS)
    if head is not None:
        close = _HEAD_CLOSE.search(markup, head.end(), _HEAD_SCAN_CHARS)
        if close is not None:
            markup = markup[: head.start()] + markup[close.end():]
    block_tag = _BLOCK_TAG_ANY_CASE if _UPPER_CASE_TAG.search(markup) else _BLOCK_TAG_LOWER
    text = block_tag.sub("\n\n", markup)
    text = _SPACES.sub(" ", html.unescape(_TAG.sub(" ", text)))
    return _BLANKS.sub("\n\n", _LINE_EDGES.sub("\n", text)).strip()


def markup_title(markup: str) -> str | None:
    """The text of the page's `<title>`, if one opens the page (no parse)."""
    match = _TITLE.search(markup, 0, _HEAD_SCAN_CHARS)
    if match is None:
        return None
    return " ".join(html.unescape(match.group(1)).split()) or None
