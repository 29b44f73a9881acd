"""Repair decoded text: mojibake, HTML entities, controls, lost dashes; then the Unicode policy.

Clean text takes a fast path: one scan finds the non-ASCII characters and the few ASCII
signals ('&', '?', CR, controls) a repair could act on; when none is present only the
policy runs (plain `str.replace` per character present, NFC check). Otherwise repair is
per line, so a document whose lines were mis-decoded only in part is fixed line by line:
a line is handed to ftfy only when it holds a mojibake pair (a UTF-8 lead byte followed
by a continuation byte as some legacy code page would show them), a C1 control or an
entity. ftfy runs under an explicit config: its defaults straighten curly quotes, fold
fullwidth CJK punctuation and strip emoji tag characters, which would damage good text.

Every change is counted by kind. Damage that cannot be undone (runs of '?' or U+FFFD
where letters were lost) is counted and flagged, not guessed at; a '?' that stands for a
lost dash between two English words is restored. This module does not detect charsets
(`textwash.decode`) or touch markup structure.
"""

from __future__ import annotations

import bisect
import itertools
import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import ftfy
import ftfy.fixes
import numpy as np

from textwash.config import UnicodePolicy
from textwash.plausibility import read

_FTFY_TEXT = ftfy.TextFixerConfig(
    unescape_html=True,
    uncurl_quotes=False,
    fix_character_width=False,
    fix_latin_ligatures=False,
    fix_line_breaks=False,
    remove_control_chars=False,
    remove_terminal_escapes=True,
    fix_c1_controls=False,
    normalization=None,
    explain=True,
)
_FTFY_MARKUP = _FTFY_TEXT._replace(unescape_html=False)

# Code pages through which UTF-8 is commonly mis-read. A mojibake pair is a UTF-8 lead
# byte (0xC2-0xF4) followed by a continuation byte (0x80-0xBF), both as that code page
# shows them; browsers show the bytes cp1252 leaves undefined as C1 controls.
_MOJIBAKE_CODECS = ("cp1252", "latin-1", "mac_roman", "cp1251", "cp1250", "iso-8859-2", "cp1253",
                    "cp1254", "cp1257", "cp437")


def _shown_as(codec: str, first: int, last: int) -> str:
    return "".join(bytes([b]).decode(codec, errors="ignore") or chr(b)
                   for b in range(first, last + 1))


def _mojibake_pair_patterns() -> tuple[re.Pattern[str], frozenset[str], frozenset[str]]:
    """The mojibake pattern: a whole UTF-8 sequence as some code page shows it (a lead
    byte and as many continuation bytes as the lead announces), and every lead and
    continuation character it knows (a text holding none of one kind cannot hold one).
    Whole sequences, not just two characters: Ukrainian "ві" is a cp1251 lead and
    continuation, but never followed by the second continuation a 3-byte lead needs."""
    alternatives = []
    all_leads: set[str] = set()
    all_continuations: set[str] = set()
    for codec in _MOJIBAKE_CODECS:
        continuations = _shown_as(codec, 0x80, 0xBF)
        all_continuations.update(continuations)
        cont = f"[{re.escape(continuations)}]"
        for first, last, length in ((0xC2, 0xDF, 1), (0xE0, 0xEF, 2), (0xF0, 0xF4, 3)):
            leads = _shown_as(codec, first, last)
            all_leads.update(leads)
            alternatives.append(f"[{re.escape(leads)}]{cont}{{{length}}}")
    # "â€" opens every mis-decoded curly quote and dash, also when the code page lost
    # the third byte; U+00A0-U+00FF read as latin-1 with the NBSP byte turned to a space.
    alternatives.append("\u00e2[\u20ac\x80]")
    alternatives.append("[\u00c2\u00c3](?= )")
    # The lookahead lets the engine skip a position after one class test instead of
    # trying every alternative there: six times faster on clean lines.
    first = re.escape("".join(sorted(all_leads)))
    pattern = re.compile(f"(?=[{first}])(?:{'|'.join(alternatives)})")
    return pattern, frozenset(all_leads), frozenset(all_continuations)


_MOJIBAKE_PAIR, _ALL_LEADS, _ALL_CONTINUATIONS = _mojibake_pair_patterns()
_SHORT_MOJIBAKE_CODECS = ("sloppy-windows-1252", "macroman", "sloppy-windows-1250",
                          "sloppy-windows-1251", "iso-8859-2")
# How much better (mean per-character plausibility) a short line must read once fixed.
SHORT_MOJIBAKE_MARGIN = 0.5
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_C1_CHARS = frozenset(map(chr, range(0x80, 0xA0)))
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Printable ASCII but for the two characters a repair reads ('&' entities, '?' losses).
_PLAIN_ASCII = re.compile("[\t\n\x20-\x25\x27-\x3e\x40-\x7e]+")
_LONG_TEXT = 4096
_KEEP_ASCII = frozenset([*range(0x00, 0x09), *range(0x0B, 0x20), ord("&"), ord("?")])

_NBSP = ("\u00a0", "\u2007", "\u202f")
_ODD_HYPHENS = ("\u2010", "\u2011", "\u2012")
_SOFT_HYPHEN = "\u00ad"
_ZERO_WIDTH = ("\u200b", "\u2060", "\ufeff")
_ZWJ_ZWNJ = ("\u200c", "\u200d")
_REPLACEMENT = "\ufffd"

_C1_RUN = re.compile("[\x80-\x9f]")
_CP1252_LETTERS = frozenset("ŠšŒœŽžŸ")


@dataclass(slots=True)
class Repaired:
    text: str
    repairs: Counter[str] = field(default_factory=Counter)
    damaged: bool = False


def repair_text(
    text: str, policy: UnicodePolicy | None = None, *, markup: bool = False
) -> Repaired:
    """Repair `text` and apply the Unicode policy; `markup=True` leaves entities alone."""
    policy = policy or UnicodePolicy()
    repairs: Counter[str] = Counter()
    if "\r" in text:
        repairs["line-breaks"] += text.count("\r")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    present = _characters(text)
    signals = {c for c in present if c < "\x80"} - ({"?", "&"} if markup else {"?"})
    pairs = _mojibake_starts(text, present)
    if signals or pairs or not present.isdisjoint(_C1_CHARS):
        text = _repair_lines(text, repairs, markup=markup, present=present, pairs=pairs)
        present = _characters(text)
    if any(c >= "\x80" for c in present):
        text = _apply_policy(text, present, policy, repairs)
    damaged = False
    if "?" in text:
        text = restore_lost_dashes(text, repairs)
        damaged = _count_lost_letters(text, repairs) > 0
    if _REPLACEMENT in text:
        runs = len(re.findall(f"{_REPLACEMENT}+", text))
        repairs["lossy-damage-kept"] += runs
        damaged = True
    return Repaired(text, repairs, damaged)


def _characters(text: str) -> set[str]:
    """The distinct characters of `text` but for plain printable ASCII. Long texts are
    counted as code points with numpy: building a set of a non-Latin-1 string makes
    one object per character and is twenty times slower."""
    if len(text) < _LONG_TEXT or text.isascii():
        return set(_PLAIN_ASCII.sub("", text))
    codes = _code_points(text)
    distinct = np.unique(codes) if codes.max() > 0x3FFFF else np.flatnonzero(np.bincount(codes))
    return {chr(code) for code in distinct.tolist() if code in _KEEP_ASCII or code > 0x7E}


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def _mojibake_starts(text: str, present: set[str]) -> list[int]:
    """Where mojibake sequences start in `text`, the first one of each line. Only
    positions where a lead character is followed by a continuation character are tried
    against the exact pattern (found with numpy on long texts): a regex over a whole
    non-Latin-1 string is several times slower."""
    leads = present & _ALL_LEADS
    if not leads:
        return []
    followers = present & _ALL_CONTINUATIONS
    if leads & {"\u00c2", "\u00c3"}:
        followers = followers | {" "}
    if not followers:
        return []
    if len(text) >= _LONG_TEXT:
        codes = _code_points(text)
        lead_codes = np.array([ord(c) for c in leads], dtype="<u4")
        follower_codes = np.array([ord(c) for c in followers], dtype="<u4")
        mask = np.isin(codes[:-1], lead_codes) & np.isin(codes[1:], follower_codes)
        candidates: list[int] = np.flatnonzero(mask).tolist()
    else:
        candidates = [i for i in range(len(text) - 1)
                      if text[i] in leads and text[i + 1] in followers]
    starts = []
    next_line = -1  # one verified start per line is all the caller needs
    for position in candidates:
        if position >= next_line and _MOJIBAKE_PAIR.match(text, position):
            starts.append(position)
            end = text.find("\n", position)
            next_line = len(text) if end < 0 else end
    return starts


def _repair_lines(text: str, repairs: Counter[str], *, markup: bool, present: set[str],
                  pairs: list[int]) -> str:
    """Fix suspicious lines one by one. A way of undoing mojibake that ftfy found on one
    line of a document (say, encode as mac_roman, decode as UTF-8) is tried first on the
    document's other mojibake lines: a line too short for ftfy to judge on its own is
    fixed when the same plan decodes it strictly and leaves no mojibake pair behind."""
    config = _FTFY_MARKUP if markup else _FTFY_TEXT
    plans: list[list[tuple[str, str]]] = []
    lines = text.split("\n")
    entities = not markup and "&" in present
    escapes = "\x1b" in present
    controls = any(c < "\x20" or "\x7f" <= c <= "\x9f" for c in present)
    flagged = list(pairs)
    if entities:
        flagged.extend(match.start() for match in _ENTITY.finditer(text))
    if escapes:
        flagged.extend(match.start() for match in re.finditer("\x1b\\[", text))
    if controls:
        flagged.extend(match.start() for match in _CONTROL.finditer(text))
    if not flagged:
        return text
    starts = list(itertools.accumulate((len(line) + 1 for line in lines), initial=0))
    mojibake_lines = {bisect.bisect_right(starts, position) - 1 for position in pairs}
    for index in sorted({bisect.bisect_right(starts, position) - 1 for position in flagged}):
        line = lines[index]
        mojibake = index in mojibake_lines
        discussed = mojibake and _discusses_mojibake(line)
        if discussed:
            mojibake = False
        if mojibake:
            fixed = _apply_known_plan(line, plans, repairs)
            mojibake = fixed == line
            line = fixed
        entity = entities and "&" in line and _ENTITY.search(line)
        suspicious = (escapes and "\x1b[" in line) or (mojibake and _MOJIBAKE_PAIR.search(line))
        if suspicious or entity:
            # Like ftfy's "auto": a line of plain text that holds tags is markup, and its
            # entities are markup too.
            line_config = _FTFY_MARKUP if entity and _TAG.search(line) else config
            if discussed:
                line_config = line_config._replace(fix_encoding=False)
            fixed = _fix_with_ftfy(line, line_config, repairs, plans)
            if fixed == line and mojibake:
                fixed = _fix_short_mojibake(line, plans, repairs)
            line = fixed
        if controls:
            if _C1_RUN.search(line):
                line = _c1_as_cp1252(line, repairs)
            if _CONTROL.search(line):
                line, count = _CONTROL.subn("", line)
                repairs["control-chars"] += count
        lines[index] = line
    return "\n".join(lines)


def _c1_as_cp1252(line: str, repairs: Counter[str]) -> str:
    """Read C1 controls as the cp1252 characters of the same bytes where they stand as
    those characters would (cp1252 text decoded as latin-1: \x93quoted\x94, it\x92s).

    A C1 control that fits only loosely (a dash glued between letters, a letter such as
    œ or Š) is converted only when another one in the line fits clearly; the rest are
    left for removal, as controls inserted by accident rather than mis-decoded.
    """
    chars = list(line)
    view = [_shown_in_cp1252(c) or c if "\x80" <= c <= "\x9f" else c for c in chars]
    clear: list[tuple[int, str]] = []
    loose: list[tuple[int, str]] = []
    for index, char in enumerate(chars):
        if not "\x80" <= char <= "\x9f":
            continue
        shown = _shown_in_cp1252(char)
        before = view[index - 1] if index else " "
        after = view[index + 1] if index + 1 < len(view) else " "
        rest = "".join(view[index + 1:index + 3])
        word_before = "".join(view[max(0, index - 3):index]).split(" ")[-1]
        fit = _c1_fit(shown, before, after, rest, word_before) if shown else ""
        if fit == "clear" and shown in _PAIRED and not _has_partner(view, index, shown):
            fit = ""
        if fit == "clear":
            clear.append((index, shown))
        elif fit == "loose":
            loose.append((index, shown))
    accepted = clear + loose if clear else []
    for index, shown in accepted:
        chars[index] = shown
    if accepted:
        repairs["c1-controls"] += len(accepted)
    return "".join(chars)


# Quotation marks come in pairs: a C1 control is read as one only when the line holds
# another of the same kind (real or read from a C1 control), e.g. „…“ or “…”.
_PAIRED = {"\u201c": "\u201c\u201d\u201e", "\u201d": "\u201c\u201d\u201e",
           "\u201e": "\u201c\u201d\u201e", "\u2018": "\u2018\u2019\u201a"}


def _has_partner(view: list[str], index: int, shown: str) -> bool:
    partners = _PAIRED[shown]
    return any(c in partners for i, c in enumerate(view) if i != index)


def _shown_in_cp1252(char: str) -> str:
    return bytes([ord(char)]).decode("cp1252", errors="ignore")


_OPENERS = " \t([{\"'\u2018\u201c\u00ab\u2013\u2014"
_CLOSERS = " \t.,;:!?)]}\"'\u2019\u201d\u00bb\u2013\u2014\u2026"
_CONTRACTION_TAILS = ("s", "t", "re", "ve", "ll", "d", "m")


def _c1_fit(shown: str, before: str, after: str, rest: str, word_before: str) -> str:
    """'clear', 'loose' or '' for a C1 control read as cp1252 `shown` in its context."""
    closing = (before.isalnum() or before in ".,!?;:\u2026") and after in _CLOSERS
    if shown in "\u2018\u201c\u201e":
        return "clear" if (before in _OPENERS and after.isalnum()) or closing else ""
    if shown in "\u2019\u201d":
        if closing:
            return "clear"
        if shown == "\u2019" and before.isalpha() and after.isalpha():
            tail = rest.split(" ")[0].rstrip(".,;:!?").lower()
            elided = word_before.isalpha() and len(word_before) <= 2  # l’, d’, qu’
            return "clear" if tail in _CONTRACTION_TAILS or elided else "loose"
        return ""
    if shown in "\u2013\u2014":
        if before.isspace() and after.isspace():
            return "clear"
        if before.isalnum() and (after.isupper() or after.isdigit()):
            return "clear"  # "York\x97Union Square", "1990\x962000"
        return "loose" if before.isalnum() and after.isalnum() else ""
    if shown == "\u2022":
        return "clear" if before in _OPENERS and after.isspace() else ""
    if shown == "\u2026":
        return "clear" if (before.isalnum() or before in ".!?") and after in _CLOSERS else ""
    if shown == "\u20ac":
        return "clear" if before.isdigit() or after.isdigit() else ""
    if shown == "\u2122":
        return "clear" if before.isalpha() and after in _CLOSERS else ""
    if shown in _CP1252_LETTERS:
        return "loose" if before.isalpha() or after.isalpha() else ""
    return ""


def _discusses_mojibake(line: str) -> bool:
    """A line that shows one or two mojibake sequences next to the very characters they
    stand for ('I saw "Ã¤" instead of "ä"') is about mojibake, not broken by it."""
    matches = list(_MOJIBAKE_PAIR.finditer(line))
    if not matches or len(matches) > 2:
        return False
    rest = _MOJIBAKE_PAIR.sub(" ", line)
    for match in matches:
        for codec in ("sloppy-windows-1252", "latin-1", "macroman"):
            try:
                decoded = match.group().encode(codec).decode("utf-8").strip()
            except UnicodeError:
                continue
            if decoded and decoded in rest:
                return True
    return False


def _apply_known_plan(line: str, plans: list[list[tuple[str, str]]],
                      repairs: Counter[str]) -> str:
    for plan in plans:
        try:
            fixed = ftfy.apply_plan(line, plan)
        except (UnicodeError, ValueError):
            continue
        if fixed != line and not _MOJIBAKE_PAIR.search(fixed) and not _CONTROL.search(fixed):
            repairs["mojibake"] += 1
            return fixed
    return line


def _fix_short_mojibake(line: str, plans: list[list[tuple[str, str]]],
                        repairs: Counter[str]) -> str:
    """Mojibake ftfy leaves alone because the line is too short to judge ("n√¶rheden").

    Accepted only when every pair sits inside a word (next to an ASCII letter), the
    pair's continuation is not a no-break space, the line re-encodes and decodes as UTF-8
    strictly into letters, and the result reads clearly better (`textwash.plausibility`).
    """
    pairs = list(_MOJIBAKE_PAIR.finditer(line))
    for match in pairs:
        start, end = match.span()
        if "\u00a0" in match.group() or match.group().endswith(" "):
            return line
        before, after = line[start - 1:start], line[end:end + 1]
        if not (before.isascii() and before.isalpha()) and not (
            after.isascii() and after.isalpha()
        ):
            return line
    before_score = read(line).score
    for codec in _SHORT_MOJIBAKE_CODECS:
        try:
            fixed = line.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        new = set(fixed) - set(line)
        if not new or not all(c.isalpha() for c in new) or _CONTROL.search(fixed):
            continue
        if read(fixed).score >= before_score + SHORT_MOJIBAKE_MARGIN:
            repairs["mojibake"] += 1
            plans.append([("encode", codec), ("decode", "utf-8")])
            return fixed
    return line


def _fix_with_ftfy(line: str, config: ftfy.TextFixerConfig, repairs: Counter[str],
                   plans: list[list[tuple[str, str]]]) -> str:
    fixed, explanation = ftfy.fix_and_explain(line, config)
    if fixed != line:
        steps = [(step, name) for step, name in explanation or ()]
        for kind in {_ftfy_kind(step, name) for step, name in steps}:
            repairs[kind] += 1
        plan = [(step, name) for step, name in steps if step in ("encode", "decode", "transcode")]
        if any(step == "encode" for step, _ in plan) and plan not in plans:
            plans.append(plan)
    return fixed


def _ftfy_kind(step: str, name: str) -> str:
    """A repair kind for one ftfy explanation step."""
    if step in ("encode", "decode", "transcode") and name != "fix_c1_controls":
        return "mojibake"
    return {
        "unescape_html": "html-entities",
        "fix_c1_controls": "c1-controls",
        "decode_inconsistent_utf8": "mojibake",
        "remove_terminal_escapes": "control-chars",
    }.get(name, name.replace("_", "-"))


def _apply_policy(text: str, present: set[str], policy: UnicodePolicy,
                  repairs: Counter[str]) -> str:
    def replace(chars: tuple[str, ...], replacement: str, kind: str, value: str) -> str:
        for char in chars:
            if char in present:
                repairs[kind] += value.count(char)
                value = value.replace(char, replacement)
        return value

    if policy.nbsp_to_space:
        text = replace(_NBSP, " ", "nbsp", text)
    if policy.odd_hyphens_to_ascii:
        text = replace(_ODD_HYPHENS, "-", "hyphens", text)
    if policy.remove_soft_hyphens:
        text = replace((_SOFT_HYPHEN,), "", "soft-hyphens", text)
    if policy.remove_zero_width_spaces:
        text = replace(_ZERO_WIDTH, "", "zero-width", text)
    if not policy.keep_zwj_zwnj:
        text = replace(_ZWJ_ZWNJ, "", "zero-width", text)
    if not policy.keep_curly_quotes:
        text = _counted(ftfy.fixes.uncurl_quotes, text, "curly-quotes", repairs)
    if not policy.keep_fullwidth:
        text = _counted(ftfy.fixes.fix_character_width, text, "fullwidth", repairs)
    if policy.normalization and not unicodedata.is_normalized(policy.normalization, text):
        text = unicodedata.normalize(policy.normalization, text)
        repairs["unicode-normalization"] += 1
    return text


def _counted(fix: Callable[[str], str], text: str, kind: str, repairs: Counter[str]) -> str:
    fixed = fix(text)
    if fixed != text:
        repairs[kind] += 1
    return fixed


# ---- lost characters ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _DashWords:
    english_markers: frozenset[str]
    two_letter_words: frozenset[str]
    contraction_tails: frozenset[str]
    question_starters: frozenset[str]
    symbol_before: frozenset[str]
    dash_followers: frozenset[str]


@cache
def _dash_words() -> _DashWords:
    data = tomllib.loads(
        resources.files("textwash.data").joinpath("lost_dash_words.toml").read_text("utf-8")
    )
    return _DashWords(**{key: frozenset(data[key]) for key in _DashWords.__slots__})


# A '?' glued between a word (or number) and a lower-case word, or standing alone
# between two such words; the token around it holds nothing URL- or code-like.
_GLUED = re.compile(r"(?<![\w?&=/%])([A-Za-z]+|[0-9]+)\?([a-z]+|[0-9]+)(?![\w?=&/%(])")
_SPACED = re.compile(r"(?<=[a-z0-9,)]) \? (?=[a-z])")
_WORD = re.compile(r"[A-Za-z]+(?:['\u2019][a-z]+)?")
_TAG = re.compile(r"<[A-Za-z/!?][^<>]*>")
_CODE_LINE = re.compile(r"[{};=<>|`\\]|://|\bwww\.|\?\S*=|&&")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"\u201c\u201d]\s+)([A-Za-z']+)[^.!?]*$")
# A '?' standing for a lost letter: inside a word, opening a word, or a run of them.
_LOST_LETTER = re.compile(
    r"(?<=[^\W\d_])\?+(?=[^\W\d_])"
    r"|(?:^|(?<=[\s(\"'\u201c\u2018\u00ab]))\?+(?=[^\W\d_])"
    r"|(?:^|(?<=\s))\?{2,}(?=[\s.,;:!)]|$)"
    r"|(?:^|(?<=\s))\?(?=[0-9])"
)
_URLISH_TOKEN = re.compile(r"\S*(?:://|www\.|[=&/_<>{}:;|`\\]|\?\S*=)\S*")


def restore_lost_dashes(text: str, repairs: Counter[str]) -> str:
    """Turn '?' that stands for a lost em dash between English words back into '—'."""
    if not _any_question_mark(text, _may_be_lost_dash):
        return text
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if "?" not in line:
            continue
        visible = _blank_tags(line)
        if "?" in visible and _is_english_prose(visible):
            lines[index] = _restore_line(line, visible, repairs)
    return "\n".join(lines)


def _any_question_mark(text: str, test: Callable[[str, str], bool]) -> bool:
    """Whether some '?' in `text` passes `test(before, after)`: a walk over the few '?'
    of a text, much faster than a regex with lookbehinds over all of it."""
    position = text.find("?")
    while position >= 0:
        if test(text[position - 1:position], text[position + 1:position + 2]):
            return True
        position = text.find("?", position + 1)
    return False


def _may_be_lost_dash(before: str, after: str) -> bool:
    return (before.isalnum() and after.isalnum()) or (before == " " and after == " ")


def _may_be_lost_letter(before: str, after: str) -> bool:
    return after.isalnum() or after == "?" or before.isalpha()


def _blank_tags(line: str) -> str:
    """`line` with HTML tags turned into spaces (same length: positions stay valid), so
    that prose inside markup is judged as prose and '?' in attributes is not seen."""
    if "<" not in line:
        return line
    return _TAG.sub(lambda match: " " * len(match.group()), line)


def _is_english_prose(line: str) -> bool:
    words = [w.lower() for w in _WORD.findall(line)]
    if len(words) < 4:
        return False
    markers = sum(w in _dash_words().english_markers for w in words)
    return markers / len(words) >= 0.15


def _restore_line(line: str, visible: str, repairs: Counter[str]) -> str:
    words = _dash_words()
    candidates: list[tuple[int, str]] = []
    for match in _GLUED.finditer(visible):
        left, right = match.group(1), match.group(2)
        if _near_code(visible, match.start(), match.end()):
            continue
        if left.isdigit() and right.isdigit():
            candidates.append((match.start(1) + len(left), "\u2013"))
            continue
        if right.isdigit() or right in words.contraction_tails:
            continue
        if not all(_dash_side_ok(side, words) for side in (left, right) if not side.isdigit()):
            continue
        if left[-1].isupper() and len(left) > 1:
            continue
        candidates.append((match.start(1) + len(left), "\u2014"))
    spaced = [match.start() + 1 for match in _SPACED.finditer(visible)
              if not _near_code(visible, match.start(), match.end())
              and _word_before(visible, match.start()) not in words.symbol_before]
    # A spaced " ? " alone is as often the character itself ("the conditional ?
    # operator"): alone it must be followed by a word that opens a clause after a dash;
    # two in one sentence are a parenthetical pair of dashes.
    for position in spaced:
        paired = any(other != position and _same_sentence(visible, position, other)
                     for other in spaced)
        if paired or _word_after(visible, position + 1) in words.dash_followers:
            candidates.append((position, "\u2014"))
    if not candidates or _has_lost_letters(visible, {pos for pos, _ in candidates}):
        return line
    kept = [c for c in candidates if not _reads_as_question(visible, c[0], candidates)]
    if not kept:
        return line
    chars = list(line)
    for position, dash in kept:
        chars[position] = dash
    repairs["lost-dash"] += len(kept)
    return "".join(chars)


def _word_before(line: str, position: int) -> str:
    match = re.search(r"([A-Za-z]+)\W*$", line[max(0, position - 40):position])
    return match.group(1).lower() if match else ""


def _word_after(line: str, position: int) -> str:
    match = re.match(r"\W*([A-Za-z]+)", line[position:position + 40])
    return match.group(1).lower() if match else ""


def _same_sentence(line: str, first: int, second: int) -> bool:
    low, high = sorted((first, second))
    return not any(mark in line[low + 1:high] for mark in (". ", "! ", "? "))


def _near_code(line: str, start: int, end: int) -> bool:
    """Code or a URL in the sentence around a '?' makes it an operator or a query."""
    left = max(line.rfind(". ", 0, start), line.rfind("; ", 0, start))
    right = line.find(". ", end)
    sentence = line[left + 1:] if right < 0 else line[left + 1:right]
    return bool(_CODE_LINE.search(sentence))


def _dash_side_ok(word: str, words: _DashWords) -> bool:
    lower = word.lower()
    if len(word) == 1:
        return lower == "a"
    if len(word) == 2:
        return lower in words.two_letter_words
    return True


def _has_lost_letters(line: str, dash_positions: set[int]) -> bool:
    """Other '?' in the line stand for lost letters ("Stra?e", "????"): then a glued '?'
    may be a letter too. Lost quotes and apostrophes ("?Yes,? he said", "It?s") are
    punctuation lost alongside the dashes and do not count."""
    tails = _dash_words().contraction_tails
    for start in _lost_letter_marks(line):
        if start in dash_positions:
            continue
        end = start
        while end < len(line) and line[end] == "?":
            end += 1
        before = line[start - 1:start]
        word_after = re.match(r"[A-Za-z]*", line[end:])
        after_word = word_after.group() if word_after else ""
        if end - start == 1 and not before.isalpha():
            continue  # a lost opening quote
        if end - start == 1 and before.isalpha() and after_word.lower() in tails:
            continue  # a lost apostrophe
        return True
    return False


def _reads_as_question(line: str, position: int, candidates: list[tuple[int, str]]) -> bool:
    """A lone '?' after a clause that opens like a question may be a real question mark."""
    start = max((i + 1 for i in (line.rfind(p, 0, position) for p in ".!\n") if i >= 0),
                default=0)
    same_sentence = [pos for pos, _ in candidates if start <= pos]
    end_of_sentence = min((i for i in (line.find(p, position + 1) for p in ".!") if i >= 0),
                          default=len(line))
    if len([pos for pos in same_sentence if pos < end_of_sentence]) >= 2:
        return False
    earlier = [pos for pos, _ in candidates if start <= pos < position]
    clause_start = earlier[-1] + 1 if earlier else start
    first = _WORD.search(line, clause_start, position)
    return bool(first) and first.group().lower() in _dash_words().question_starters


def _in_urlish_token(line: str, position: int) -> bool:
    start = line.rfind(" ", 0, position) + 1
    end = line.find(" ", position)
    token = line[start:] if end < 0 else line[start:end]
    return bool(_URLISH_TOKEN.fullmatch(token))


def _lost_letter_marks(line: str) -> list[int]:
    """Where runs of '?' in `line` stand for lost letters (not questions, queries, code)."""
    line = _blank_tags(line)
    if _CODE_LINE.search(line):
        return []
    marks = []
    for match in _LOST_LETTER.finditer(line):
        before = line[match.start() - 1] if match.start() else ""
        after = line[match.end()] if match.end() < len(line) else ""
        if before.islower() and after.isupper():
            continue  # "next?Nobody": a question mark missing its space
        if not _in_urlish_token(line, match.start()):
            marks.append(match.start())
    return marks


def _count_lost_letters(text: str, repairs: Counter[str]) -> int:
    if not _any_question_mark(text, _may_be_lost_letter):
        return 0
    runs = sum(len(_lost_letter_marks(line)) for line in text.split("\n") if "?" in line)
    if runs:
        repairs["lossy-damage-kept"] += runs
    return runs


# ---- decode + repair ------------------------------------------------------------------

@dataclass(slots=True)
class DecodedAndRepaired:
    """Text after decoding and repair, with what was found and done on the way."""

    text: str
    encoding: str
    repairs: Counter[str]
    damaged: bool
    method: str = ""


def decode_and_repair_detailed(
    raw: bytes | str, *, filename: str = "", policy: UnicodePolicy | None = None,
    html: bool | None = None,
) -> DecodedAndRepaired:
    """Decode `raw` (bytes, or text already decoded upstream) and repair it.

    HTML stays markup: entities are left for the HTML parser. `html` defaults to a guess
    from the file name and content. `method` says how the charset was chosen (bom,
    utf-8, declared, detected; empty for text passed in).
    """
    from textwash.decode import decode_bytes
    from textwash.inputs import sniff_kind

    is_html = sniff_kind(raw, filename) == "html" if html is None else html
    if isinstance(raw, bytes):
        decoded = decode_bytes(raw, html=is_html)
        text, encoding, replaced, method = (
            decoded.text, decoded.encoding, decoded.replaced, decoded.method
        )
    else:
        text, encoding, replaced, method = raw, "utf-8", 0, ""
    repaired = repair_text(text, policy, markup=is_html)
    if replaced:
        repaired.repairs["undecodable-bytes"] += replaced
    return DecodedAndRepaired(
        repaired.text, encoding, repaired.repairs, repaired.damaged or replaced > 0, method
    )


def decode_and_repair(raw: bytes, *, filename: str = "") -> str:
    """The repaired text of `raw` before boilerplate removal (HTML: repaired markup)."""
    return decode_and_repair_detailed(raw, filename=filename).text
