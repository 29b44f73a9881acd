"""Repair decoded text: mojibake, HTML entities, controls; then the Unicode policy.

Clean text takes a fast path: one pass finds the distinct characters (plain ASCII
dropped from the UTF-8 bytes, numpy when much is left); when none could need a repair
only the policy runs (`str.replace` per character present, an NFC check). Otherwise
repair is per line, so a document whose lines were mis-decoded only in part is fixed
line by line: a line goes to ftfy when it holds a mojibake sequence (a whole UTF-8
sequence as some legacy code page shows it) or an entity, and a plan ftfy found on one
line is tried first on the others. ftfy runs under an explicit config: its defaults
straighten curly quotes, fold fullwidth CJK punctuation and strip emoji tag characters,
which would damage good text. C1 controls are read as cp1252 only where they stand as
cp1252 punctuation would, else removed.

Every change is counted by kind. Lost characters are counted, and lost dashes restored,
by `textwash.lossy`. This module does not detect charsets (`textwash.decode`) or touch
markup structure.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import ftfy
import ftfy.fixes
import numpy as np

from textwash.config import UnicodePolicy
from textwash.lossy import TAG, count_lost_letters, restore_lost_dashes
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
_PLAIN_ASCII_BYTES = bytes(code for code in range(0x80)
                           if code in (0x09, 0x0A) or (0x20 <= code <= 0x7E and code not in b"&?"))
_LONG_REST = 1024
_LONG_TEXT = 8192
_FEW_CHARACTERS = 8

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
        damaged = count_lost_letters(text, repairs) > 0
    if _REPLACEMENT in text:
        runs = len(re.findall(f"{_REPLACEMENT}+", text))
        repairs["lossy-damage-kept"] += runs
        damaged = True
    return Repaired(text, repairs, damaged)


def _characters(text: str) -> set[str]:
    """The distinct characters of `text` but for plain printable ASCII. The plain ASCII
    is dropped as UTF-8 bytes (`bytes.translate`, C speed; no ASCII byte is part of a
    multi-byte character), and what is left is usually short; when it is long (non-Latin
    text) its code points are counted with numpy: building a set of a non-Latin-1
    string makes one object per character and is twenty times slower."""
    rest = (text.encode("utf-8", "surrogatepass").translate(None, _PLAIN_ASCII_BYTES)
            .decode("utf-8", "surrogatepass"))
    if len(rest) < _LONG_REST:
        return set(rest)
    codes = _code_points(rest)
    distinct = np.unique(codes) if codes.max() > 0x3FFFF else np.flatnonzero(np.bincount(codes))
    return set(map(chr, distinct.tolist()))


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def _mojibake_starts(text: str, present: set[str]) -> list[int]:
    """Where mojibake sequences start in `text`, the first one of each line. Only
    positions where a lead character is followed by a continuation character are tried
    against the exact pattern, found by a regex of just the leads and continuations the
    text holds (a character class, a lookahead), or on long texts with numpy."""
    leads = present & _ALL_LEADS
    if not leads:
        return []
    followers = present & _ALL_CONTINUATIONS
    if leads & {"\u00c2", "\u00c3"}:
        followers = followers | {" "}
    if not followers:
        return []
    if len(text) >= _LONG_TEXT:
        candidates = _pair_positions(text, leads, followers)
    else:
        pattern = _pair_pattern(frozenset(leads), frozenset(followers))
        candidates = [match.start() for match in pattern.finditer(text)]
    starts = []
    next_line = -1  # one verified start per line is all the caller needs
    for position in candidates:
        if position >= next_line and _MOJIBAKE_PAIR.match(text, position):
            starts.append(position)
            end = text.find("\n", position)
            next_line = len(text) if end < 0 else end
    return starts


def _pair_positions(text: str, leads: set[str], followers: set[str]) -> list[int]:
    """Where a lead is followed by a continuation, over the code points with numpy (a
    regex character class is tested character by character: slower on long texts). A
    few characters are compared one by one; many are looked up in a table."""
    codes = _code_points(text)
    lead_codes = [ord(char) for char in leads]
    follower_codes = [ord(char) for char in followers]
    if len(lead_codes) <= _FEW_CHARACTERS and len(follower_codes) <= _FEW_CHARACTERS:
        is_lead = np.isin(codes[:-1], lead_codes)
        is_follower = np.isin(codes[1:], follower_codes)
        return np.flatnonzero(is_lead & is_follower).tolist()
    beyond = max(*lead_codes, *follower_codes) + 1  # stands for every other character
    lead_table = np.zeros(beyond + 1, dtype=bool)
    lead_table[lead_codes] = True
    follower_table = np.zeros(beyond + 1, dtype=bool)
    follower_table[follower_codes] = True
    codes = np.minimum(codes, beyond)
    return np.flatnonzero(lead_table[codes[:-1]] & follower_table[codes[1:]]).tolist()


@lru_cache(maxsize=1024)
def _pair_pattern(leads: frozenset[str], followers: frozenset[str]) -> re.Pattern[str]:
    return re.compile(f"[{re.escape(''.join(sorted(leads)))}]"
                      f"(?=[{re.escape(''.join(sorted(followers)))}])")


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
            line_config = _FTFY_MARKUP if entity and TAG.search(line) else config
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
