"""Thresholds of HTML extraction, in one object (local to `textwash.html`).

Numbers only: vocabularies are in `textwash/data/html_rules.toml`. The defaults were
chosen by measurement on the WCXB development split (`python -m bench.run html`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class HtmlSettings:
    # Bounds on work; beyond them the page falls back to tag-stripped text with a reason.
    max_markup_chars: int = 6_000_000
    max_tags: int = 60_000
    # Block value: characters outside links, minus a penalty per link character, one
    # scaled by the block's link share, and a small one per block.
    link_penalty: float = 1.0
    block_penalty: float = 10.0
    short_penalty: float = 3.0
    # A block whose link text is this long is an item title (listings), not a menu: its
    # link characters count for this weight instead of the penalties.
    long_link_chars: int = 20
    long_link_weight: float = 1.0
    # Blocks without sentence punctuation count for this fraction of their characters.
    unpunctuated_weight: float = 0.7
    # A flagged subtree is kept when it (or its flagged siblings together) holds this share
    # of the page's positive prose value: then it is the content, not a widget.
    soft_keep_share: float = 0.5
    # A declared <main> landmark with this much positive value makes flags by tag, role
    # or hiddenness outside it final.
    landmark_min_value: float = 200.0
    # A navigation/sidebar/header/form match is also overruled when its subtree is prose:
    # at least this much positive block value, with at most this share of link text.
    prose_keep_value: float = 1000.0
    prose_max_link_share: float = 0.15
    # An ancestor of the best-scoring node is preferred while its score is at least this
    # fraction of the best (it adds about as much content as noise).
    ancestor_tolerance: float = 0.9
    # <article>, <main>, [itemprop=articleBody] or a CMS content container is preferred
    # when it holds this share of the best node's score.
    semantic_share: float = 0.6
    # Inside the chosen node, blocks whose link share exceeds this are dropped ...
    max_link_density: float = 0.6
    # ... unless the chosen node is mostly such blocks (listings, link collections).
    link_block_majority: float = 0.5
