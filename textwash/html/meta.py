"""A page's title, canonical URL, date and author, from its `<head>` and headline.

Title: `og:title`, else the first `<h1>`, else `<title>`, with a site name stripped
(`og:site_name`, or a trailing " | Site" / " - Site" segment). URL: canonical link, else
`og:url`. Date and author: the usual meta properties (metadata, never text). This
module reads only `<head>` elements; it does not choose or clean body text.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

_SPACES = re.compile(r"\s+")
_SITE_SUFFIX = re.compile(r"\s+[|\u2013\u2014\-:\u00b7\u2022]\s+[^|\u2013\u2014]{2,40}$")
_SITE_PREFIX = re.compile(r"^[^|\u2013\u2014]{2,40}\s+[|\u2013\u2014]\s+")
_DATE_KEYS = (
    "article:published_time", "og:published_time", "datepublished", "date", "pubdate",
    "publishdate", "dc.date", "dc.date.issued", "dcterms.created", "sailthru.date",
    "parsely-pub-date", "article:modified_time",
)
_AUTHOR_KEYS = ("author", "article:author", "dc.creator", "sailthru.author", "parsely-author",
                "twitter:creator")


def head_fields(soup: BeautifulSoup) -> dict[str, str]:
    """Meta name/property → content, plus `canonical` and `title`, from `<head>`."""
    head = soup.head
    found: dict[str, str] = {}
    if head is None:
        return found
    for tag in head.find_all(("meta", "link", "title")):
        if not isinstance(tag, Tag):
            continue
        if tag.name == "title":
            text = _SPACES.sub(" ", tag.get_text()).strip()
            if text:
                found.setdefault("title", text)
        elif tag.name == "link":
            rel = tag.get("rel")
            href = tag.get("href")
            if isinstance(rel, str) and "canonical" in rel.lower().split() and isinstance(
                href, str
            ) and href.strip():
                found.setdefault("canonical", href.strip())
        else:
            key = tag.get("property") or tag.get("name") or tag.get("itemprop")
            content = tag.get("content")
            if isinstance(key, str) and isinstance(content, str) and content.strip():
                found.setdefault(key.strip().lower(), _SPACES.sub(" ", content).strip())
    return found


def page_title(fields: dict[str, str], first_h1: str | None) -> str | None:
    site = fields.get("og:site_name")
    title = fields.get("og:title") or fields.get("twitter:title") or first_h1
    if title:
        return _strip_site(title, site) if not first_h1 or title != first_h1 else title
    raw = fields.get("title")
    return _strip_site(raw, site) if raw else None


def _strip_site(title: str, site: str | None) -> str:
    if site:
        for separator in (" | ", " - ", " – ", " — ", " :: ", " · "):
            if title.endswith(separator + site):
                return title[: -len(separator + site)].strip() or title
            if title.startswith(site + separator):
                return title[len(site + separator):].strip() or title
    stripped = _SITE_SUFFIX.sub("", title).strip()
    return stripped or title


def page_url(fields: dict[str, str]) -> str | None:
    return fields.get("canonical") or fields.get("og:url")


def page_metadata(fields: dict[str, str], time_datetime: str | None) -> dict[str, str]:
    metadata: dict[str, str] = {}
    date = next((fields[key] for key in _DATE_KEYS if key in fields), None) or time_datetime
    if date:
        metadata["date"] = date
    author = next((fields[key] for key in _AUTHOR_KEYS if key in fields), None)
    if author and not author.startswith(("http://", "https://")):
        metadata["author"] = author
    return metadata
