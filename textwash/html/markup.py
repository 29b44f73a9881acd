"""Cheap, linear string work on raw markup before and instead of parsing.

`strip_raw_elements` cuts scripts, styles, SVG, templates and comments out of
the markup before BeautifulSoup sees it (they are most of a large page's bytes and never
main text). `markup_to_text` is the fallback when a page is too large to parse within
bounds: tags stripped, block tags turned into line breaks. Neither builds a tree.
"""

from __future__ import annotations

import html
import re

_RAW_START = re.compile(r"<!--|<(script|style|svg|template)(?=[\s/>])", re.IGNORECASE)
_RAW_END = {
    name: re.compile(rf"</{name}\s*>", re.IGNORECASE)
    for name in ("script", "style", "svg", "template")
}
_BLOCK_TAG = re.compile(
    r"<(?:/?(?:p|div|section|article|main|h[1-6]|li|ul|ol|dl|dt|dd|tr|table|blockquote|pre|"
    r"header|footer|nav|aside|form|title)\b[^>]*|br\s*/?)>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANKS = re.compile(r"\n\s*\n\s*")


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
    """Plain text of `markup` without a parse: one line per block tag, entities decoded."""
    text = _BLOCK_TAG.sub("\n\n", strip_raw_elements(markup))
    text = html.unescape(_TAG.sub(" ", text))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()
