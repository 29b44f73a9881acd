"""Find input files and read them into raw records, with every refusal explained.

`discover()` walks the input folder (sorted, symlinks never followed out of it) and
classifies each file by its name; `read_records()` opens one file (gzip bounded) and
yields `RawRecord`s, or `RecordFailure`s for JSONL lines that cannot become documents.
Whole-file problems raise `InputError` with a stable reason code. This module does not
decode text (that is `textwash.decode`) and does not clean anything.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from textwash.config import Limits
from textwash.document import DocumentKind

FORMATS: dict[str, str] = {
    ".txt": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
TEXT_FIELDS = ("text", "html", "content")
INTERPRETED_FIELDS = frozenset({*TEXT_FIELDS, "id", "url", "title"})
_UNSAFE_NAME_CHARS = re.compile(r"[\x00-\x1f\x7f\\]")


class InputError(Exception):
    """A whole input file cannot be read; `reason` is a stable code for the manifest."""

    def __init__(self, reason: str, message: str, *, status: str = "failed") -> None:
        super().__init__(message)
        self.reason = reason
        self.status = status


@dataclass(frozen=True, slots=True)
class InputFile:
    """One file found under the input folder.

    `path` is the display path relative to the input folder (always valid UTF-8;
    undecodable name bytes are shown as backslash escapes), `output_name` the safe
    relative path its cleaned records are written to (without the `.jsonl` suffix).
    `skip_reason` is set when the file will not be read at all.
    """

    path: str
    abs_path: Path
    size: int
    mtime_ns: int
    format: str | None
    compressed: bool
    skip_reason: str | None = None
    output_name: str = ""


@dataclass(slots=True)
class RawRecord:
    """One document's worth of input, before decoding and cleaning."""

    source_path: str
    index: int
    kind: DocumentKind
    data: bytes | str
    url: str | None = None
    title: str | None = None
    input_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    redecoded_from: str | None = None


@dataclass(frozen=True, slots=True)
class RecordFailure:
    """A record (a JSONL line) that could not become a document."""

    source_path: str
    index: int
    line: int
    reason: str
    error: str


def classify(name: str) -> tuple[str | None, bool]:
    """Return (format, gzip-compressed) for a file name; format None when unsupported."""
    lower = name.lower()
    compressed = lower.endswith(".gz")
    if compressed:
        lower = lower[:-3]
    return FORMATS.get(os.path.splitext(lower)[1]), compressed


def display_path(relative: str) -> str:
    """A file system path as valid UTF-8 text (undecodable bytes become `\\xNN`)."""
    return os.fsencode(relative).decode("utf-8", "backslashreplace")


def output_name_for(display: str) -> str:
    """A safe relative output path for an input's display path.

    Control characters and backslashes are replaced; when anything had to change, a
    short hash of the original name keeps two different inputs from colliding.
    """
    parts = display.split("/")
    safe_parts = [_UNSAFE_NAME_CHARS.sub("_", part) for part in parts]
    safe_parts = ["_" if part in ("", ".", "..") else part for part in safe_parts]
    safe = "/".join(safe_parts)
    if safe != display:
        digest = hashlib.sha256(display.encode("utf-8")).hexdigest()[:8]
        safe = f"{safe}~{digest}"
    return safe


def discover(root: Path) -> list[InputFile]:
    """All files under `root`, sorted by path, each classified or given a skip reason."""
    root = root.resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"input folder does not exist: {root}")
    found: list[InputFile] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        base = Path(dirpath)
        for name in sorted(dirnames):
            if (base / name).is_symlink():
                found.append(_skipped(root, base / name, "symlink-directory-not-followed"))
        for name in sorted(filenames):
            found.append(_classify_file(root, base / name))
    found.sort(key=lambda f: f.path)
    return found


def _skipped(root: Path, path: Path, reason: str) -> InputFile:
    shown = display_path(os.path.relpath(path, root).replace(os.sep, "/"))
    return InputFile(shown, path, 0, 0, None, False, reason, output_name_for(shown))


def _classify_file(root: Path, path: Path) -> InputFile:
    relative = os.path.relpath(path, root).replace(os.sep, "/")
    shown = display_path(relative)
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return _skipped(root, path, "broken-symlink")
        if not target.is_relative_to(root):
            return _skipped(root, path, "symlink-outside-input")
    try:
        info = path.stat()
    except OSError:
        return _skipped(root, path, "vanished")
    if not stat.S_ISREG(info.st_mode):
        return _skipped(root, path, "not-a-regular-file")
    fmt, compressed = classify(path.name)
    skip = None
    if path.name.startswith("."):
        skip = "hidden-file"
    elif fmt is None:
        skip = "unsupported-type"
    elif info.st_size == 0:
        skip = "empty-file"
    return InputFile(
        path=shown,
        abs_path=path,
        size=info.st_size,
        mtime_ns=info.st_mtime_ns,
        format=fmt,
        compressed=compressed,
        skip_reason=skip,
        output_name=output_name_for(shown),
    )


def read_bytes(item: InputFile, limits: Limits) -> bytes:
    """The file's content, decompressed when gzipped, within `limits`."""
    if item.size > limits.max_file_bytes:
        raise InputError(
            "file-too-large",
            f"{item.size} bytes exceeds the limit of {limits.max_file_bytes}",
            status="skipped",
        )
    try:
        with open(item.abs_path, "rb") as handle:
            data = handle.read(limits.max_file_bytes + 1)
    except FileNotFoundError as exc:
        raise InputError("vanished", f"file disappeared before it was read: {exc}") from exc
    except PermissionError as exc:
        raise InputError("permission-denied", f"cannot read file: {exc}") from exc
    except IsADirectoryError as exc:
        raise InputError("not-a-regular-file", str(exc)) from exc
    if not item.compressed:
        return data
    return gunzip_bounded(data, limits.max_decompressed_bytes)


def gunzip_bounded(data: bytes, max_bytes: int) -> bytes:
    """Decompress gzip `data`, refusing more than `max_bytes` of output (gzip bombs)."""
    decompressor = zlib.decompressobj(wbits=31)
    chunks: list[bytes] = []
    total = 0
    pending = data
    try:
        while pending:
            chunk = decompressor.decompress(pending, 1024 * 1024)
            total += len(chunk)
            if total > max_bytes:
                raise InputError(
                    "decompressed-too-large",
                    f"gzip expands beyond {max_bytes} bytes; refusing (possible gzip bomb)",
                    status="skipped",
                )
            chunks.append(chunk)
            pending = decompressor.unconsumed_tail
            if decompressor.eof:
                # Concatenated gzip members are legal: continue with the next one.
                rest = decompressor.unused_data
                if not rest.strip(b"\x00"):
                    break
                decompressor = zlib.decompressobj(wbits=31)
                pending = rest
        if not decompressor.eof:
            raise InputError("truncated-gzip", "gzip stream ends before its end marker")
    except zlib.error as exc:
        raise InputError("corrupt-gzip", f"not a valid gzip stream: {exc}") from exc
    return b"".join(chunks)


def looks_binary(data: bytes) -> bool:
    """True when the bytes are evidently not text in any charset we decode.

    NUL bytes are the signal; UTF-16/32 (with or without BOM) has NULs too, so those are
    recognised by their regular pattern before deciding.
    """
    sample = data[:8192]
    if not sample or b"\x00" not in sample:
        return False
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) / 2
    if max(even_nuls, odd_nuls) > 0.4 * half and min(even_nuls, odd_nuls) < 0.05 * half:
        return False  # UTF-16 without BOM: one byte of each pair is NUL
    return sample.count(0) > 0.01 * len(sample) or sample.count(0) > 8


def read_records(item: InputFile, data: bytes) -> Iterator[RawRecord | RecordFailure]:
    """Records of one file: one for text and HTML files, one per JSONL line."""
    if item.format == "jsonl":
        yield from _jsonl_records(item, data)
        return
    if looks_binary(data):
        raise InputError("binary-content", "file holds binary data, not text", status="skipped")
    kind: DocumentKind = "html" if item.format == "html" else "text"
    yield RawRecord(source_path=item.path, index=0, kind=kind, data=data)


def _jsonl_records(item: InputFile, data: bytes) -> Iterator[RawRecord | RecordFailure]:
    if looks_binary(data):
        raise InputError("binary-content", "file holds binary data, not JSON lines",
                         status="skipped")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for line_no, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        index = line_no - 1
        try:
            yield _jsonl_record(item.path, index, line)
        except _BadLine as exc:
            yield RecordFailure(item.path, index, line_no, exc.reason, str(exc))


class _BadLine(Exception):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def _jsonl_record(path: str, index: int, line: bytes) -> RawRecord:
    redecoded_from = None
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            from textwash.decode import decode_bytes

            decoded = decode_bytes(line)
            redecoded_from = decoded.encoding
            try:
                value = orjson.loads(decoded.text)
            except orjson.JSONDecodeError as again:
                raise _BadLine("invalid-json", f"invalid JSON: {again}") from again
        else:
            raise _BadLine("invalid-json", f"invalid JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise _BadLine("not-an-object", f"line holds a JSON {type(value).__name__}, not an object")
    kind: DocumentKind = "text"
    text_value = None
    for name in TEXT_FIELDS:
        candidate = value.get(name)
        if isinstance(candidate, str) and candidate.strip():
            text_value = candidate
            kind = "html" if name == "html" or _looks_like_html(candidate) else "text"
            break
    if text_value is None:
        raise _BadLine("no-text-field", "object has no non-empty string in text, html or content")
    metadata = {k: v for k, v in value.items() if k not in INTERPRETED_FIELDS}
    return RawRecord(
        source_path=path,
        index=index,
        kind=kind,
        data=text_value,
        url=_optional_str(value.get("url")),
        title=_optional_str(value.get("title")),
        input_id=None if value.get("id") is None else str(value.get("id")),
        metadata=metadata,
        redecoded_from=redecoded_from,
    )


_HTML_SNIFF = re.compile(
    r"^\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.IGNORECASE
)


def _looks_like_html(text: str) -> bool:
    return bool(_HTML_SNIFF.match(text[:1024]))


def sniff_kind(data: bytes | str, filename: str = "") -> DocumentKind:
    """Guess text or HTML from a file name, then from the content's first bytes."""
    fmt, _ = classify(filename) if filename else (None, False)
    if fmt == "html":
        return "html"
    if fmt == "text":
        return "text"
    head = data[:1024] if isinstance(data, str) else data[:1024].decode("latin-1")
    return "html" if _looks_like_html(head) else "text"


def _optional_str(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None

