"""Extract an HTML page's main content as plain text, with its title and metadata.

First version: structural pruning (scripts, navigation, headers, footers, asides, forms,
figures, hidden elements) and a preference for `<article>`/`<main>` when they hold the
text; block elements become lines. The text-level boilerplate stage runs afterwards on
what this returns. This module does not decode bytes or detect language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Tag

from textwash.document import Removal

_DROP_TAGS = (
    "script", "style", "noscript", "template", "svg", "iframe", "form", "button",
    "nav", "header", "footer", "aside", "figure", "figcaption", "select", "input",
)
_BLOCK_TAGS = frozenset(
    "p div section article main h1 h2 h3 h4 h5 h6 li ul ol dl dt dd table tr td th "
    "blockquote pre br hr address details summary".split()
)
_SPACES = re.compile(r"[ \t\r\f\v]+")
_SITE_SUFFIX = re.compile(r"\s+[|\u2013\u2014-]\s+[^|\u2013\u2014-]{2,40}$")


@dataclass(slots=True)
class HtmlExtraction:
    text: str
    title: str | None = None
    url: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    removed: list[Removal] = field(default_factory=list)
    fallback_reason: str | None = None


def extract_html(markup: str) -> HtmlExtraction:
    """Main text of `markup`, one block per line, blank lines between blocks."""
    soup = BeautifulSoup(markup, "lxml")
    title = _title(soup)
    url = _meta(soup, "property", "og:url") or _link_href(soup, "canonical")
    metadata = {
        key: value
        for key, value in (
            ("author", _meta(soup, "name", "author")),
            ("date", _meta(soup, "property", "article:published_time")),
        )
        if value
    }
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    text = _block_text(root)
    return HtmlExtraction(text=text, title=title, url=url, metadata=metadata)


def _block_text(root: Tag) -> str:
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = _SPACES.sub(" ", "".join(current)).strip()
        if line:
            lines.append(line)
        current.clear()

    for node in root.descendants:
        if isinstance(node, Tag):
            if node.name in _BLOCK_TAGS:
                flush()
            continue
        if node.parent is not None and node.parent.name in ("script", "style"):
            continue
        current.append(str(node).replace("\n", " "))
    flush()
    return "\n\n".join(lines)


def _title(soup: BeautifulSoup) -> str | None:
    og = _meta(soup, "property", "og:title")
    if og:
        return og
    h1 = soup.find("h1")
    if h1 and h1.get_text(strip=True):
        return _SPACES.sub(" ", h1.get_text(" ", strip=True))
    if soup.title and soup.title.string:
        return _SITE_SUFFIX.sub("", soup.title.string.strip()) or None
    return None


def _meta(soup: BeautifulSoup, attr: str, name: str) -> str | None:
    tag = soup.find("meta", attrs={attr: name})
    content = tag.get("content") if tag else None
    return content.strip() if isinstance(content, str) and content.strip() else None


def _link_href(soup: BeautifulSoup, rel: str) -> str | None:
    tag = soup.find("link", rel=rel)
    href = tag.get("href") if tag else None
    return href.strip() if isinstance(href, str) and href.strip() else None
