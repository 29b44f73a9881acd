"""Turn bytes into text: BOM, strict UTF-8, declared HTML charset, then a detector.

Order matters and was measured: strict UTF-8 first never mis-accepted a legacy file, and
chardet 7 beat charset-normalizer on undeclared legacy code pages. Charset labels are
mapped the way browsers map them (WHATWG), e.g. iso-8859-1 → windows-1252. This module
does not repair text that was already mis-decoded upstream (that is `textwash.repair`).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import chardet

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# WHATWG Encoding Standard: labels browsers treat as another, larger encoding.
WHATWG_ALIASES: dict[str, str] = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso-8859-9": "cp1254",
    "latin5": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "big5": "big5hkscs",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "utf-16": "utf-16-le",
    "unicode": "utf-16-le",
}

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


def normalize_label(label: str) -> str | None:
    """Map a charset label to a Python codec name, browser-style; None if unknown."""
    key = label.strip().lower()
    key = WHATWG_ALIASES.get(key, key)
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
    if html:
        declared = declared_charset(raw)
        if declared and declared != "utf-8":
            try:
                return Decoded(raw.decode(declared), declared, "declared")
            except UnicodeDecodeError:
                pass
    detected = _detect(raw)
    text = raw.decode(detected, errors="replace")
    return Decoded(text, detected, "detected", text.count("\ufffd"))


def _detect(raw: bytes) -> str:
    guess = chardet.detect(raw[:65536])
    label = guess.get("encoding") if guess else None
    codec = normalize_label(label) if label else None
    if codec is None or codec in ("ascii", "utf-8"):
        return "cp1252"
    return codec
