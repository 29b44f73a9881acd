"""One walk over a parsed page: text blocks in document order, and the element skeleton.

The walk turns a BeautifulSoup tree into flat arrays that the selection step can score
cheaply: block-level elements become numbered nodes (pre-order, with parent and last
descendant), text between block boundaries becomes `Block`s owned by the innermost
block-level element; blocks inside a link are marked `card` (a listing item wrapped in one
`<a>`). Elements whose tag never holds readable text (scripts, media,
inputs) are skipped. Everything else that looks like chrome (`nav`, `header`, `footer`,
`aside`, forms, ARIA landmarks, hidden elements, class/id words) is walked and only
*flagged* (`soft`): broken markup can nest a whole page inside a `<header>` or a
`<button>`, so `select` decides with the text in hand. This module does not score or choose.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from bs4 import NavigableString, Tag

from textwash.html.rules import HtmlRules

INLINE_TAGS = frozenset((
    "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em",
    "font", "i", "img", "ins", "kbd", "label", "mark", "nobr", "q", "rp", "rt", "ruby", "s",
    "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
))
CELL_TAGS = frozenset(("td", "th"))
# What kind of line a block is, from its innermost marked ancestor.
KIND_OF_TAG = {
    "h1": "h1", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h5", "h6": "h6",
    "li": "item", "dt": "item", "dd": "item", "tr": "row", "pre": "pre",
}
SEMANTIC_TAGS = frozenset(("article", "main"))
SEMANTIC_PROPS = frozenset(("articlebody", "text", "reviewbody", "description"))
LINE_BREAK = "\x1f"
_TEXT_TYPES = (NavigableString,)


@dataclass(slots=True)
class Block:
    """Text between two block boundaries; `owner` is its innermost block-level node."""

    text: str
    owner: int
    link_chars: int
    kind: str
    # Inside a block element inside a link: part of a card (a listing item wrapped in <a>).
    card: bool = False


@dataclass(slots=True)
class PageSkeleton:
    tags: list[str] = field(default_factory=list)
    parents: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    depths: list[int] = field(default_factory=list)
    soft: dict[int, str] = field(default_factory=dict)
    semantic: list[int] = field(default_factory=list)
    # Nodes flagged by their tag, ARIA role or hiddenness (not by a class/id word), and
    # the page's declared main landmarks (<main>, role=main).
    structural: set[int] = field(default_factory=set)
    landmarks: list[int] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    first_h1: str | None = None
    time_datetime: str | None = None


def _structure_reason(name: str, attrs: dict, rules: HtmlRules, in_semantic: bool) -> str | None:
    reason = rules.structure.get(name)
    if reason is not None:
        return None if name == "header" and in_semantic else reason
    if not attrs:
        return None
    role = attrs.get("role")
    if role:
        reason = rules.roles.get(role.strip().lower() if isinstance(role, str) else "")
        if reason is not None:
            return reason
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return "html-hidden"
    style = attrs.get("style")
    if style and "none" in style or style and "hidden" in style:
        folded = style.replace(" ", "").lower()
        if "display:none" in folded or "visibility:hidden" in folded:
            return "html-hidden"
    return None


def _soft_reason(name: str, attrs: dict, rules: HtmlRules) -> str | None:
    if not attrs or name == "body":
        return None
    classes = attrs.get("class")
    ident = attrs.get("id")
    if not classes and not ident:
        return None
    if not isinstance(classes, str):
        classes = " ".join(classes) if classes else ""
    value = f"{classes} {ident}".lower() if ident else classes.lower()
    # <article>/<main> carry taxonomy classes ("category-social"): whole names only.
    return rules.attribute_reason(value, whole_names_only=name in SEMANTIC_TAGS)


def walk(root: Tag, rules: HtmlRules) -> PageSkeleton:
    """The skeleton and blocks of `root`'s subtree (iterative: any nesting depth)."""
    page = PageSkeleton()
    tags, parents, ends, depths = page.tags, page.parents, page.ends, page.depths
    blocks = page.blocks
    drop_tags = rules.drop_tags
    parts: list[str] = []
    link_chars = 0
    state = {"owner": -1, "kind": "para", "links": 0, "pre": 0, "semantic": 0, "card": 0}

    def flush() -> None:
        nonlocal link_chars
        if parts:
            raw = "".join(parts)
            parts.clear()
            if LINE_BREAK in raw:
                lines = (" ".join(seg.split()) for seg in raw.split(LINE_BREAK))
                text = "\n".join(line for line in lines if line)
            else:
                text = " ".join(raw.split())
            if text:
                blocks.append(
                    Block(text, state["owner"], link_chars, state["kind"], state["card"] > 0)
                )
        link_chars = 0

    # Each frame: children iterator, and what to restore when the element closes.
    stack: list[tuple[Iterator, int, tuple | None]] = [(iter(root.contents), -1, None)]
    while stack:
        children, node, restore = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if restore is not None:
                if node >= 0:
                    flush()
                    ends[node] = len(tags) - 1
                (state["owner"], state["kind"], state["links"], state["pre"],
                 state["semantic"], state["card"]) = restore
            continue
        if type(child) is NavigableString or (
            isinstance(child, _TEXT_TYPES) and not isinstance(child, _SKIPPED_STRINGS)
        ):
            text = str(child)
            if state["pre"]:
                text = text.replace("\n", LINE_BREAK)
            parts.append(text)
            if state["links"]:
                link_chars += len(text.strip())
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name in drop_tags:
            continue
        attrs = child.attrs
        if name == "br":
            parts.append(LINE_BREAK)
            continue
        soft = _structure_reason(name, attrs, rules, state["semantic"] > 0)
        structural = soft is not None
        if soft is None:
            soft = _soft_reason(name, attrs, rules)
        if name in INLINE_TAGS and soft is None:
            if name == "a":
                saved = (state["owner"], state["kind"], state["links"], state["pre"],
                         state["semantic"], state["card"])
                state["links"] += 1
                stack.append((iter(child.contents), -1, saved))
            elif child.contents:
                if name == "time" and page.time_datetime is None:
                    stamp = attrs.get("datetime")
                    if isinstance(stamp, str) and stamp.strip():
                        page.time_datetime = stamp.strip()
                stack.append((iter(child.contents), -1, None))
            continue
        if name in CELL_TAGS:
            parts.append(" ")
            stack.append((iter(child.contents), -1, None))
            continue
        flush()
        index = len(tags)
        tags.append(name)
        parents.append(state["owner"])
        ends.append(index)
        depths.append(len(stack))
        if soft is not None:
            page.soft[index] = soft
            if structural:
                page.structural.add(index)
        saved = (state["owner"], state["kind"], state["links"], state["pre"], state["semantic"],
                 state["card"])
        state["owner"] = index
        if state["links"]:
            state["card"] += 1
        kind = KIND_OF_TAG.get(name)
        if kind is not None:
            state["kind"] = kind
            if kind == "pre":
                state["pre"] += 1
        if name == "main" or (attrs and attrs.get("role") == "main"):
            page.landmarks.append(index)
        if name in SEMANTIC_TAGS or _semantic_prop(attrs) or _names_content(attrs, rules):
            page.semantic.append(index)
            state["semantic"] += 1
        if name == "h1" and page.first_h1 is None:
            page.first_h1 = " ".join(child.get_text(" ").split()) or None
        stack.append((iter(child.contents), index, saved))
    flush()
    return page


def _names_content(attrs: dict, rules: HtmlRules) -> bool:
    classes = attrs.get("class")
    ident = attrs.get("id")
    if not classes and not ident:
        return False
    if classes is not None and not isinstance(classes, str):
        classes = " ".join(classes)
    return rules.names_content(f"{classes or ''} {ident or ''}".lower())


def _semantic_prop(attrs: dict) -> bool:
    if not attrs:
        return False
    prop = attrs.get("itemprop")
    if isinstance(prop, str) and prop.lower() in SEMANTIC_PROPS:
        return True
    role = attrs.get("role")
    return isinstance(role, str) and role.lower() == "main"


def _skipped_string_types() -> tuple[type, ...]:
    from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

    extra: list[type] = [Comment, Declaration, Doctype, ProcessingInstruction]
    try:
        from bs4.element import CData, Script, Stylesheet, TemplateString

        extra += [CData, Script, Stylesheet, TemplateString]
    except ImportError:  # older bs4
        pass
    return tuple(extra)


_SKIPPED_STRINGS = _skipped_string_types()
