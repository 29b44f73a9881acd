"""Turn bytes into text: BOM, strict UTF-8, declared HTML charset, then detection.

Order matters and was measured: strict UTF-8 first never mis-accepted a legacy file, so a
page that declares latin-1 but holds UTF-8 decodes right, and a page that declares UTF-8
but holds cp1252 falls through to detection. Charset labels are mapped the way browsers
map them (WHATWG, `textwash/data/encoding_labels.toml`), e.g. iso-8859-1 → windows-1252.

Detection: every web encoding that decodes the bytes strictly is tried, and the decoding
that reads most like text wins (`textwash.plausibility`; single-byte code pages are read
from the bytes). chardet 7's confidence breaks near-ties: it is asked only when another
reading comes within its weight of the best, and only about those readings' encodings,
which gives the same choice as asking it always, at a fraction of the cost (chardet
alone, on short or ambiguous input, often picks an encoding no web page uses: EBCDIC,
DOS and Mac code pages). This module does not repair text that was already mis-decoded
upstream (that is `textwash.repair`).
"""

from __future__ import annotations

import codecs
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import chardet
import chardet.registry

from textwash.plausibility import Reading, TextSample, read
from textwash.plausibility_bytes import SingleByteSample, is_single_byte

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Legacy encodings web pages use (WHATWG's, as Python codecs), in order of preference
# when two decode the bytes to the same text.
WEB_LEGACY_ENCODINGS: tuple[str, ...] = (
    "cp1252", "iso8859-2", "cp1250", "cp1251", "koi8-r", "koi8-u", "iso8859-7", "cp1253",
    "cp1254", "cp1255", "iso8859-8", "cp1256", "cp1257", "cp874", "cp932", "euc_jp",
    "cp949", "gb18030", "big5hkscs", "iso8859-5", "iso8859-6", "iso8859-4", "iso8859-13",
)
DETECTION_WINDOW = 16384
# Bytes that fail strict UTF-8 are still read as (damaged) UTF-8 when at least
# MIN_VALID multi-byte characters decode and they outnumber the bad bytes RATIO to one.
MOSTLY_UTF8_MIN_VALID = 2
MOSTLY_UTF8_RATIO = 2
# How much better (mean plausibility per non-ASCII character) the detected decoding of a
# page must read before it overrides a declared single-byte charset.
DECLARATION_OVERRIDE_MARGIN = 0.5
_SINGLE_BYTE = frozenset(
    codecs.lookup(c).name for c in WEB_LEGACY_ENCODINGS
    if c not in ("cp932", "euc_jp", "cp949", "gb18030", "big5hkscs")
) | {"mac-roman", "mac-cyrillic", "iso8859-15", "iso8859-3", "iso8859-10", "iso8859-14",
     "iso8859-16", "cp1258"}
# Weight of chardet's confidence (0-1) against the per-character plausibility score.
CHARDET_WEIGHT = 0.5

_ASCII = bytes(range(0x80))

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.()-]+)""", re.IGNORECASE
)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.-]+)""")


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text, the codec used, and how it was chosen (bom/utf-8/declared/detected)."""

    text: str
    encoding: str
    method: str
    replaced: int = 0


@cache
def whatwg_labels() -> dict[str, str]:
    data = resources.files("textwash.data").joinpath("encoding_labels.toml").read_text("utf-8")
    return dict(tomllib.loads(data)["labels"])


def normalize_label(label: str) -> str | None:
    """Map a charset label to a Python codec name, browser-style; None if unknown."""
    key = label.strip().strip("\"'").lower()
    key = whatwg_labels().get(key, key)
    try:
        return codecs.lookup(key).name
    except LookupError:
        return None


def declared_charset(raw: bytes) -> str | None:
    """The charset an HTML/XML document declares in its first 4 KiB, mapped, or None."""
    head = raw[:4096]
    match = _XML_DECL.match(head) or _META_CHARSET.search(head)
    if not match:
        return None
    return normalize_label(match.group(1).decode("ascii", "replace"))


def decode_bytes(raw: bytes, *, html: bool = False) -> Decoded:
    """Decode `raw`; never raises. Undecodable bytes become U+FFFD and are counted."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            text = raw[len(bom):].decode(codec, errors="replace")
            return Decoded(text, codec.replace("-le", "").replace("-be", ""), "bom",
                           text.count("\ufffd"))
    try:
        return Decoded(raw.decode("utf-8"), "utf-8", "utf-8")
    except UnicodeDecodeError:
        pass
    damaged_utf8 = _mostly_utf8(raw)
    if damaged_utf8 is not None:
        return Decoded(damaged_utf8, "utf-8", "utf-8-damaged", damaged_utf8.count("\ufffd"))
    if html or raw[:64].lstrip().startswith(b"<?xml"):
        declared = declared_charset(raw)
        if declared and declared not in ("utf-8", "utf-16-le", "utf-16-be"):
            try:
                text = raw.decode(declared)
            except UnicodeDecodeError:
                pass
            else:
                return _declared_or_better(raw, text, declared)
    detected = detect_encoding(raw)
    text = raw.decode(detected, errors="replace")
    return Decoded(text, detected, "detected", text.count("\ufffd"))


def _mostly_utf8(raw: bytes) -> str | None:
    """UTF-8 with a few bytes lost or cut (U+FFFD in their place), or None: legacy text
    almost never forms valid multi-byte UTF-8 sequences, so many valid ones against a
    few invalid bytes mean UTF-8 that was damaged, not another charset."""
    text = raw.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    # ASCII bytes decode to themselves even next to bad bytes: the rest are non-ASCII.
    ascii_bytes = len(raw) - len(raw.translate(None, _ASCII))
    good = len(text) - ascii_bytes - bad
    if good >= MOSTLY_UTF8_MIN_VALID and bad * MOSTLY_UTF8_RATIO <= good:
        return text
    return None


def _declared_or_better(raw: bytes, text: str, declared: str) -> Decoded:
    """Believe a declared single-byte charset unless another reads clearly better:
    pages declaring windows-1252 that hold windows-1251 or KOI8-R exist. A multi-byte
    declaration that decodes strictly is believed (wrong ones fail to decode)."""
    if codecs.lookup(declared).name not in _SINGLE_BYTE:
        return Decoded(text, declared, "declared")
    detected = detect_encoding(raw)
    if detected != declared:
        other = raw.decode(detected, errors="replace")
        if read(_sample_text(other)).score >= (
            read(_sample_text(text)).score + DECLARATION_OVERRIDE_MARGIN
        ):
            return Decoded(other, detected, "detected-over-declared", other.count("\ufffd"))
    return Decoded(text, declared, "declared")


def _sample_text(text: str) -> str:
    return text[:DETECTION_WINDOW]


def detect_encoding(raw: bytes) -> str:
    """The legacy encoding whose decoding of `raw` reads most like text.

    chardet's confidence (0-1, weighted CHARDET_WEIGHT) only breaks near-ties, so it is
    asked only when another reading comes within CHARDET_WEIGHT of the best: the choice
    is the same as always asking, at a fraction of the cost."""
    sample = _sample(raw)
    if sample.isascii():
        return WEB_LEGACY_ENCODINGS[0]  # every candidate reads it alike
    single_byte = SingleByteSample(sample)
    readings = _readings(sample, single_byte)
    if len(readings) == 1:
        return readings[0].codecs[0]
    if not readings:
        return next(iter(_chardet_confidences(sample)), None) or "cp1252"
    _score(readings, single_byte)
    scored = [reading for reading in readings if reading.score is not None]
    first = max(reading.score for reading in scored)
    close = [reading for reading in scored if reading.score >= first - CHARDET_WEIGHT]
    prior = {}
    if len(close) > 1:
        prior = _chardet_confidences(sample, among=[c for r in close for c in r.codecs])
    best, best_score = "", float("-inf")
    for reading in scored:
        total = reading.score + CHARDET_WEIGHT * max(prior.get(c, 0.0) for c in reading.codecs)
        if total > best_score:
            best, best_score = reading.codecs[0], total
    return best


@dataclass(slots=True)
class _Candidate:
    """One way of reading the sample: the codecs that decode it alike (the first named
    after), its text (multi-byte codecs only), an upper bound and then its score."""

    codecs: list[str]
    text: str | None = None
    bound: float = float("inf")
    score: float | None = None


def _readings(sample: bytes, single_byte: SingleByteSample) -> list[_Candidate]:
    """The distinct strict decodings of `sample`, in the order of WEB_LEGACY_ENCODINGS.
    Single-byte code pages are compared by what they make of the bytes present, not by
    decoding; a multi-byte decoding never equals a single-byte one (it pairs bytes)."""
    single = [codec for codec in WEB_LEGACY_ENCODINGS if is_single_byte(codec)]
    found: dict[object, _Candidate] = {}
    keys = dict(zip(single, single_byte.decodings(single), strict=True))
    for codec in WEB_LEGACY_ENCODINGS:
        key: object
        if codec in keys:
            key = keys[codec]
            text = None
        else:
            try:
                key = text = sample.decode(codec)
            except UnicodeDecodeError:
                continue
        if key is None:
            continue
        if key in found:
            found[key].codecs.append(codec)
        else:
            found[key] = _Candidate([codec], text)
    return list(found.values())


def _score(readings: list[_Candidate], single_byte: SingleByteSample) -> None:
    """Score the readings that can matter, likeliest first (by an upper bound on their
    score). A reading whose bound falls more than CHARDET_WEIGHT below the best score so
    far can be neither the best nor near it, and is left unscored. Single-byte readings
    are read from the bytes, all that remain at once."""
    texts = {id(r): TextSample(r.text) for r in readings if r.text is not None}
    for reading in readings:
        if reading.text is not None:
            reading.bound = texts[id(reading)].upper_bound()
    single = [reading for reading in readings if reading.text is None]
    for reading, bound in zip(
        single, single_byte.upper_bounds([r.codecs[0] for r in single]), strict=True
    ):
        reading.bound = bound
    best = float("-inf")
    ranked = sorted(readings, key=lambda reading: -reading.bound)
    single_byte_read = False
    for reading in ranked:
        if reading.bound < best - CHARDET_WEIGHT:
            break
        if reading.score is not None:
            continue
        if reading.text is not None:
            reading.score = read_as(reading.codecs[0], texts[id(reading)].read())
        elif not single_byte_read:  # the likeliest alone: it often rules the others out
            reading.score = read_as(reading.codecs[0], single_byte.read(reading.codecs[0]))
            single_byte_read = True
        else:
            rest = [r for r in ranked if r.text is None and r.score is None
                    and r.bound >= best - CHARDET_WEIGHT]
            for other, result in zip(
                rest, single_byte.read_many([r.codecs[0] for r in rest]), strict=True
            ):
                other.score = read_as(other.codecs[0], result)
                best = max(best, other.score)
        if reading.score is not None:
            best = max(best, reading.score)


def read_as(codec: str, reading: Reading) -> float:
    """A decoding's score, less what contradicts the language its codec is used for."""
    score = reading.score
    if reading.east_asian < 2:
        return score
    share = {k: getattr(reading, k) / reading.east_asian for k in ("hangul", "kana", "han")}
    if codec == "cp949" and (share["hangul"] < 0.5 or reading.longest_hangul_run > 8):
        score -= 1.5
    if codec in ("cp932", "euc_jp") and share["kana"] < 0.1 and reading.east_asian >= 8:
        score -= 1.0
    if codec in ("cp932", "euc_jp", "gb18030", "big5hkscs") and share["hangul"] > 0.1:
        score -= 1.5
    if codec in ("gb18030", "big5hkscs") and share["kana"] > 0.1:
        score -= 1.5
    return score


def _sample(raw: bytes) -> bytes:
    """At most DETECTION_WINDOW bytes, cut before a trailing partial multi-byte character."""
    if len(raw) <= DETECTION_WINDOW:
        return raw
    cut = DETECTION_WINDOW
    while cut > DETECTION_WINDOW - 4 and raw[cut - 1] >= 0x80:
        cut -= 1
    return raw[:cut]


def _chardet_confidences(sample: bytes, among: Iterable[str] = ()) -> dict[str, float]:
    """chardet's web-encoding guesses for `sample`, as codec name → confidence; only
    for the codecs `among` when given (chardet then runs only their models: several
    times faster, and the same confidences to four decimals)."""
    include = sorted({name for codec in among for name in _chardet_names().get(codec, ())})
    guesses = chardet.detect_all(sample, compat_names=False, include_encodings=include or None)
    confidences: dict[str, float] = {}
    for guess in guesses:
        label = guess.get("encoding")
        codec = normalize_label(label) if label else None
        if codec and codec in WEB_LEGACY_ENCODINGS and codec not in confidences:
            confidences[codec] = float(guess.get("confidence") or 0.0)
    return confidences


@cache
def _chardet_names() -> dict[str, tuple[str, ...]]:
    """chardet's encoding names by the web codec they map to (iso8859-1 → cp1252)."""
    names: dict[str, list[str]] = {}
    for name in chardet.registry.REGISTRY:
        codec = normalize_label(name)
        if codec in WEB_LEGACY_ENCODINGS:
            names.setdefault(codec, []).append(name)
    return {codec: tuple(found) for codec, found in names.items()}
