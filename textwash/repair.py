"""Repair decoded text: mojibake and HTML entities (ftfy), then the Unicode policy.

ftfy runs under an explicit config: its defaults straighten curly quotes and fold
fullwidth CJK punctuation, which would damage good text. Every change is counted by kind
so the record can say what was repaired. Damage that cannot be undone (runs of '?' or
U+FFFD where letters were lost) is counted and flagged, not guessed at. This module does
not detect charsets (`textwash.decode`) or touch markup structure.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import ftfy

from textwash.config import UnicodePolicy

_FTFY_TEXT = ftfy.TextFixerConfig(
    unescape_html=True,
    uncurl_quotes=False,
    fix_character_width=False,
    fix_latin_ligatures=False,
    fix_line_breaks=False,
    remove_control_chars=False,
    normalization=None,
    explain=True,
)
_FTFY_MARKUP = _FTFY_TEXT._replace(unescape_html=False)

_ODD_HYPHENS = re.compile("[\u2010\u2011\u2012\u2043\ufe63\uff0d]")
_NBSP = re.compile("[\u00a0\u2007\u202f]")
_ZERO_WIDTH = re.compile("[\u200b\u2060\ufeff]")
_SOFT_HYPHEN = "\u00ad"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LOSSY_RUN = re.compile("\ufffd+|\\?{2,}")
_LOST_DASH = re.compile(r"(?<=[a-z]{2})\?(?=[a-z]{2})")
_ASCII_SAFE = re.compile(r"[^\x20-\x7e\t\n]|&[#A-Za-z0-9]+;|\r")


@dataclass(slots=True)
class Repaired:
    text: str
    repairs: Counter[str] = field(default_factory=Counter)
    damaged: bool = False


def repair_text(text: str, policy: UnicodePolicy | None = None, *, markup: bool = False) -> Repaired:
    """Repair `text` and apply the Unicode policy; `markup=True` leaves entities alone."""
    policy = policy or UnicodePolicy()
    repairs: Counter[str] = Counter()
    if not _ASCII_SAFE.search(text) and "??" not in text and "?" not in text:
        return Repaired(text, repairs, False)
    text = _fix_line_breaks(text, repairs)
    text = _fix_with_ftfy(text, repairs, markup=markup)
    text = _apply_policy(text, policy, repairs)
    text = _restore_lost_dashes(text, repairs)
    lossy = sum(len(m.group()) >= 1 and (m.group()[0] == "\ufffd" or len(m.group()) >= 3)
                for m in _LOSSY_RUN.finditer(text))
    if lossy:
        repairs["lossy-damage-kept"] += lossy
    return Repaired(text, repairs, lossy > 0)


def _fix_line_breaks(text: str, repairs: Counter[str]) -> str:
    if "\r" not in text:
        return text
    repairs["line-breaks"] += text.count("\r")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _fix_with_ftfy(text: str, repairs: Counter[str], *, markup: bool) -> str:
    fixed, explanation = ftfy.fix_and_explain(text, _FTFY_MARKUP if markup else _FTFY_TEXT)
    if fixed != text:
        kinds = {_ftfy_kind(step, name) for step, name in explanation or ()}
        for kind in kinds:
            repairs[kind] += 1
    return fixed


def _ftfy_kind(step: str, name: str) -> str:
    """A repair kind for one ftfy explanation step."""
    if step in ("encode", "decode", "transcode"):
        return "mojibake"
    return {"unescape_html": "html-entities", "fix_c1_controls": "c1-controls"}.get(
        name, name.replace("_", "-")
    )


def _apply_policy(text: str, policy: UnicodePolicy, repairs: Counter[str]) -> str:
    def sub(pattern: re.Pattern[str], replacement: str, kind: str, value: str) -> str:
        new, count = pattern.subn(replacement, value)
        if count:
            repairs[kind] += count
        return new

    text = sub(_CONTROL, "", "control-chars", text)
    if policy.nbsp_to_space:
        text = sub(_NBSP, " ", "nbsp", text)
    if policy.odd_hyphens_to_ascii:
        text = sub(_ODD_HYPHENS, "-", "hyphens", text)
    if policy.remove_soft_hyphens and _SOFT_HYPHEN in text:
        repairs["soft-hyphens"] += text.count(_SOFT_HYPHEN)
        text = text.replace(_SOFT_HYPHEN, "")
    if policy.remove_zero_width_spaces:
        text = sub(_ZERO_WIDTH, "", "zero-width", text)
    if policy.normalization and not unicodedata.is_normalized(policy.normalization, text):
        normalized = unicodedata.normalize(policy.normalization, text)
        repairs["unicode-normalization"] += 1
        text = normalized
    return text


def _restore_lost_dashes(text: str, repairs: Counter[str]) -> str:
    new, count = _LOST_DASH.subn("\u2014", text)
    if count:
        repairs["lost-dash"] += count
    return new


@dataclass(slots=True)
class DecodedAndRepaired:
    """Text after decoding and repair, with what was found and done on the way."""

    text: str
    encoding: str
    repairs: Counter[str]
    damaged: bool


def decode_and_repair_detailed(
    raw: bytes | str, *, filename: str = "", policy: UnicodePolicy | None = None,
    html: bool | None = None,
) -> DecodedAndRepaired:
    """Decode `raw` (bytes, or text already decoded upstream) and repair it.

    HTML stays markup: entities are left for the HTML parser. `html` defaults to a guess
    from the file name and content.
    """
    from textwash.decode import decode_bytes
    from textwash.inputs import sniff_kind

    is_html = sniff_kind(raw, filename) == "html" if html is None else html
    if isinstance(raw, bytes):
        decoded = decode_bytes(raw, html=is_html)
        text, encoding, replaced = decoded.text, decoded.encoding, decoded.replaced
    else:
        text, encoding, replaced = raw, "utf-8", 0
    repaired = repair_text(text, policy, markup=is_html)
    if replaced:
        repaired.repairs["undecodable-bytes"] += replaced
    return DecodedAndRepaired(
        repaired.text, encoding, repaired.repairs, repaired.damaged or replaced > 0
    )


def decode_and_repair(raw: bytes, *, filename: str = "") -> str:
    """The repaired text of `raw` before boilerplate removal (HTML: repaired markup)."""
    return decode_and_repair_detailed(raw, filename=filename).text
