"""Choose a page's main content from its walked skeleton, and render it as text.

Every block gets a value: its characters outside links (fewer when it has no sentence
punctuation), minus penalties for link text, so that menus are negative and prose is
positive; long link texts (item titles of a listing) and cards (blocks inside a link: a
listing item wrapped in one `<a>`) count as content, though not when judging widgets
(a sidebar of card links is still a sidebar) and not as link blocks. Node scores are
subtree sums. Flags noted by the walk (tags, roles, hiddenness, class/id words) remove
their subtree unless it holds the page's text: the best node before flags, most of the
page's prose value, repeated flagged siblings that together do, or prose under a
navigation word. With a declared `<main>` holding text, tag/role flags outside it are
final. The main node is the best-scoring node, widened to an ancestor that scores about
as well (content spread over sections: service, forum, documentation pages) or narrowed
to an `<article>`, `<main>`, `[itemprop=articleBody]` or CMS content container holding
most of it. Sections opened by headings such as "Related posts" and link-dominated
blocks (unless links are what the node is made of) are dropped. Rendering: headings and
paragraphs separated by blank lines, list items and table rows one per line. This module
does not parse or walk markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from textwash.document import Removal
from textwash.html.rules import HtmlRules
from textwash.html.settings import HtmlSettings
from textwash.html.walk import Block, PageSkeleton

_SENTENCE_PUNCTUATION = re.compile(r"[.,;:!?\u3002\uff0c\u3001\uff01\uff1f]")
_TIGHT_KINDS = frozenset(("item", "row"))
# Widget words that are wrong when the subtree is prose (few links, much text), such as
# "nav" in a "content-nav-section" that holds an article's paragraphs.
_PROSE_OVERRULES = frozenset(("html-navigation", "html-form"))


@dataclass(slots=True)
class Selection:
    blocks: list[Block]
    removed: list[Removal]
    main_tag: str | None


def block_value(block: Block, settings: HtmlSettings, *, item_links: bool = True) -> float:
    """How much a block looks like content; `item_links`: long link texts count as titles."""
    chars = len(block.text)
    links = min(block.link_chars, chars)
    own = chars - links
    if not _SENTENCE_PUNCTUATION.search(block.text):
        own *= settings.unpunctuated_weight
    if item_links and (links >= settings.long_link_chars or block.card):
        return own + settings.long_link_weight * links - settings.short_penalty
    return (
        own
        - settings.link_penalty * links
        - settings.block_penalty * links / max(chars, 1)
        - settings.short_penalty
    )


def select_main(page: PageSkeleton, settings: HtmlSettings, rules: HtmlRules) -> Selection:
    blocks = page.blocks
    count = len(page.tags)
    parents = page.parents
    values = [block_value(block, settings) for block in blocks]
    # Widget decisions use prose value only: a sidebar archive of long post titles is
    # still a sidebar.
    prose_values = [
        value if block.link_chars < settings.long_link_chars and not block.card
        else block_value(block, settings, item_links=False)
        for block, value in zip(blocks, values, strict=True)
    ]

    positive = [0.0] * count
    chars = [0] * count
    link_chars = [0] * count
    outside_positive = 0.0
    for block, value in zip(blocks, prose_values, strict=True):
        owner = block.owner
        if owner < 0:
            outside_positive += max(value, 0.0)
            continue
        if value > 0:
            positive[owner] += value
        chars[owner] += len(block.text)
        link_chars[owner] += block.link_chars
    for index in range(count - 1, 0, -1):
        parent = parents[index]
        if parent >= 0:
            positive[parent] += positive[index]
            chars[parent] += chars[index]
            link_chars[parent] += link_chars[index]
    total_positive = outside_positive + sum(
        positive[i] for i in range(count) if parents[i] < 0
    )

    landmark = _main_landmark(page, positive, settings)
    core = _core_path(page, blocks, prose_values, landmark)
    keep_floor = settings.soft_keep_share * total_positive
    soft = page.soft
    # Repeated siblings sharing a reason (the comments of a forum thread) are judged as one.
    group_positive: dict[tuple[int, str], float] = {}
    for index, reason in soft.items():
        key = (parents[index], reason)
        group_positive[key] = group_positive.get(key, 0.0) + positive[index]
    pruned_by = [-1] * count
    overruled: list[frozenset[str]] = [frozenset()] * count
    for index in range(count):
        parent = parents[index]
        if parent >= 0:
            if pruned_by[parent] >= 0:
                pruned_by[index] = pruned_by[parent]
                continue
            overruled[index] = overruled[parent]
        reason = soft.get(index)
        if reason is None or reason in overruled[index]:
            continue
        prose = (
            reason in _PROSE_OVERRULES
            and positive[index] >= settings.prose_keep_value
            and link_chars[index] <= settings.prose_max_link_share * chars[index]
        )
        # With a declared <main> holding text, landmarks outside it are never content
        # (a footer carrying the whole terms of service in a modal).
        # Forms are left out: forum software wraps whole threads in one.
        strict = reason == "html-hidden" or (
            landmark >= 0 and index in page.structural and reason != "html-form"
        )
        if index in core or (
            not strict
            and (
                prose
                or positive[index] >= keep_floor
                or group_positive[(parent, reason)] >= keep_floor
            )
        ):
            overruled[index] = overruled[index] | {reason}
        else:
            pruned_by[index] = index

    score = [0.0] * count
    for block, value in zip(blocks, values, strict=True):
        if block.owner >= 0 and pruned_by[block.owner] < 0:
            score[block.owner] += value
    for index in range(count - 1, 0, -1):
        parent = parents[index]
        if parent >= 0:
            score[parent] += score[index]

    removed: list[Removal] = []
    if count == 0:
        return Selection(list(blocks), removed, None)
    main = _choose_node(page, score, pruned_by, settings)
    end = page.ends[main]
    kept: list[Block] = []
    inside: list[tuple[Block, float]] = []
    for block, value in zip(blocks, values, strict=True):
        owner = block.owner
        if owner >= 0 and pruned_by[owner] >= 0:
            removed.append(Removal(block.text, page.soft[pruned_by[owner]]))
        elif main <= owner <= end:
            inside.append((block, value))
        else:
            removed.append(Removal(block.text, "html-not-main"))
    inside = _drop_sections(inside, rules, settings, removed)
    linky = [
        not block.card and block.link_chars > settings.max_link_density * len(block.text)
        for block, _ in inside
    ]
    keep_links = sum(linky) > settings.link_block_majority * max(len(inside), 1)
    for (block, _), is_linky in zip(inside, linky, strict=True):
        if is_linky and not keep_links:
            removed.append(Removal(block.text, "html-link-block"))
        else:
            kept.append(block)
    return Selection(kept, removed, page.tags[main])


def _heading_rank(kind: str) -> int:
    """1-6 for heading blocks, 0 otherwise."""
    return int(kind[1]) if len(kind) == 2 and kind[0] == "h" else 0


def _drop_sections(
    inside: list[tuple[Block, float]],
    rules: HtmlRules,
    settings: HtmlSettings,
    removed: list[Removal],
) -> list[tuple[Block, float]]:
    """Drop sections opened by headings such as "Related posts" (to the next peer heading).

    A section holding most of the chosen content's value is kept: then it is the content.
    """
    sections: list[tuple[int, int, str]] = []
    open_at = -1
    open_rank = 0
    open_reason = ""
    for position, (block, _) in enumerate(inside):
        rank = _heading_rank(block.kind)
        if not rank:
            continue
        if open_at >= 0 and rank <= open_rank:
            sections.append((open_at, position, open_reason))
            open_at = -1
        if open_at < 0:
            reason = rules.section_reason(block.text) if len(block.text) < 80 else None
            if reason is not None:
                open_at, open_rank, open_reason = position, rank, reason
    if open_at >= 0:
        sections.append((open_at, len(inside), open_reason))
    if not sections:
        return inside
    total = sum(value for _, value in inside if value > 0)
    dropped: set[int] = set()
    for start, stop, reason in sections:
        value = sum(v for _, v in inside[start:stop] if v > 0)
        if value >= settings.soft_keep_share * total:
            continue
        for position in range(start, stop):
            dropped.add(position)
            removed.append(Removal(inside[position][0].text, reason))
    return [pair for position, pair in enumerate(inside) if position not in dropped]


def _main_landmark(page: PageSkeleton, positive: list[float], settings: HtmlSettings) -> int:
    """The page's declared `<main>` (or role=main) when it holds text and no flag covers it."""
    for node in page.landmarks:
        if positive[node] < settings.landmark_min_value or node in page.soft:
            continue
        ancestor = page.parents[node]
        while ancestor >= 0 and ancestor not in page.structural:
            ancestor = page.parents[ancestor]
        if ancestor < 0:
            return node
    return -1


def _core_path(
    page: PageSkeleton, blocks: list[Block], values: list[float], landmark: int
) -> set[int]:
    """The best-scoring node before any flag is acted on (inside the main landmark when
    there is one), and its ancestors.

    A flag on one of these (a page wrapped in a mis-nested `<header>`, a page builder
    that calls every section a widget) is overruled: it holds the content.
    """
    parents = page.parents
    raw = [0.0] * len(parents)
    for block, value in zip(blocks, values, strict=True):
        if block.owner >= 0:
            raw[block.owner] += value
    for index in range(len(parents) - 1, 0, -1):
        if parents[index] >= 0:
            raw[parents[index]] += raw[index]
    first, last = (landmark, page.ends[landmark]) if landmark >= 0 else (0, len(raw) - 1)
    candidates = range(first, last + 1)
    node = max(candidates, key=raw.__getitem__, default=-1)
    path: set[int] = set()
    while node >= 0:
        path.add(node)
        node = parents[node]
    return path


def _choose_node(
    page: PageSkeleton, score: list[float], pruned_by: list[int], settings: HtmlSettings
) -> int:
    best = max(
        (i for i in range(len(score)) if pruned_by[i] < 0), key=score.__getitem__, default=0
    )
    best_score = score[best]
    if best_score <= 0:
        return best
    chosen = best
    ancestor = page.parents[best]
    while ancestor >= 0:
        if score[ancestor] >= settings.ancestor_tolerance * best_score:
            chosen = ancestor
        ancestor = page.parents[ancestor]
    # The most specific semantic container that holds most of the chosen content.
    preferred = chosen
    floor = settings.semantic_share * score[chosen]
    for node in page.semantic:
        if pruned_by[node] >= 0 or score[node] < floor:
            continue
        inside = chosen <= node <= page.ends[chosen] and node > preferred
        around = node < chosen <= page.ends[node] and preferred == chosen
        if inside or around:
            preferred = node
    return preferred


def render(blocks: list[Block]) -> str:
    """Blocks as text: blank lines between blocks, single breaks inside lists and tables."""
    out: list[str] = []
    previous: Block | None = None
    for block in blocks:
        if previous is not None:
            tight = previous.kind in _TIGHT_KINDS and block.kind in _TIGHT_KINDS
            out.append("\n" if tight else "\n\n")
        out.append(block.text)
        previous = block
    return "".join(out)
