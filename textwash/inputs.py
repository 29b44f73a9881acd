"""Find input files and read them into raw records, with every refusal explained.

`discover()` walks the input folder (sorted, symlinks never followed out of it,
unreadable folders reported) and classifies each file by its name; `iter_records()`
opens one file safely (no blocking on FIFOs, no following a symlink swapped in after
listing, change detection), streams it (gzip bounded, JSONL line by line with a bound on
line length) and yields `RawRecord`s, or `RecordFailure`s for JSONL lines that cannot
become documents. Whole-file problems raise `InputError` with a stable reason code.
This module does not decode text (that is `textwash.decode`) and does not clean anything.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import io
import os
import re
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from textwash.config import Limits
from textwash.document import DocumentKind
from textwash.state import STATE_FILE

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
# Top-level names the runner keeps for itself in the output folder.
RESERVED_OUTPUT_NAMES = frozenset({"_runs", "_staging", "_report"})
OUTPUT_SUFFIX = ".jsonl"
# Longest output path component, in UTF-8 bytes: leaves room under NAME_MAX (255) for
# the hash suffix, `.jsonl` and the temporary-file decoration of atomic writes.
MAX_OUTPUT_COMPONENT_BYTES = 200
MAX_OUTPUT_PATH_BYTES = 1024
SNIFF_BYTES = 8192
_READ_CHUNK = 1024 * 1024
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
    undecodable name bytes are shown as `\\xNN`, backslashes as `\\\\`), `output_name`
    the safe relative path its cleaned records are written to (without the `.jsonl`
    suffix). `skip_reason` is set when the file will not be read at all. `abs_path` is
    what gets opened: for a symlink inside the input folder, its resolved target, opened
    without following a symlink (`no_follow`) so one swapped in later is refused.
    """

    path: str
    abs_path: Path
    size: int
    mtime_ns: int
    format: str | None
    compressed: bool
    skip_reason: str | None = None
    output_name: str = ""
    no_follow: bool = False


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
    """A file system path as valid UTF-8 text, one-to-one with the original name.

    Undecodable bytes become `\\xNN` and a literal backslash becomes `\\\\`, so two
    different names can never show (and be recorded) as the same path.
    """
    raw = os.fsencode(relative).replace(b"\\", b"\\\\")
    return raw.decode("utf-8", "backslashreplace")


def output_name_for(display: str) -> str:
    """A safe relative output path for an input's display path.

    Control characters and backslashes are replaced, `..`/`.`/empty parts neutralised,
    the runner's own top-level folders avoided and over-long parts shortened; when
    anything had to change, a short hash of the original name keeps two different
    inputs from colliding. The result never starts with `/` and has no `..` part.
    """
    parts = display.split("/")
    safe_parts = [_shorten(_UNSAFE_NAME_CHARS.sub("_", part)) for part in parts]
    safe_parts = ["_" if part in ("", ".", "..") else part for part in safe_parts]
    if safe_parts[0] in RESERVED_OUTPUT_NAMES:
        safe_parts[0] += "_"
    # A folder named like an output file (`a.txt.jsonl/`) would clash with `a.txt`'s output.
    safe_parts[:-1] = [part + "_" if part.endswith(OUTPUT_SUFFIX) else part
                       for part in safe_parts[:-1]]
    safe = "/".join(safe_parts)
    if safe != display:
        digest = hashlib.sha256(display.encode("utf-8")).hexdigest()[:8]
        safe = f"{safe}~{digest}"
    if len(safe.encode("utf-8")) > MAX_OUTPUT_PATH_BYTES:
        digest = hashlib.sha256(display.encode("utf-8")).hexdigest()[:16]
        safe = f"_long-paths/{_shorten(safe_parts[-1])}~{digest}"
    return safe


def _shorten(part: str) -> str:
    encoded = part.encode("utf-8")
    if len(encoded) <= MAX_OUTPUT_COMPONENT_BYTES:
        return part
    return encoded[:MAX_OUTPUT_COMPONENT_BYTES].decode("utf-8", "ignore")


def discover(root: Path) -> list[InputFile]:
    """All files under `root`, sorted by path, each classified or given a skip reason.

    Folders that cannot be listed appear as skipped entries (`unreadable-directory`)
    instead of vanishing silently. A textwash output folder inside `root` (it holds a
    run-state file) is one skipped entry, never read: cleaning outputs as inputs would
    grow the corpus with every run.
    """
    root = root.resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"input folder does not exist: {root}")
    found: list[InputFile] = []

    def unreadable(exc: OSError) -> None:
        if exc.filename is not None and Path(exc.filename) != root:
            found.append(_skipped(root, Path(exc.filename), "unreadable-directory"))
        elif exc.filename is not None:
            raise exc

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable, followlinks=False):
        dirnames.sort()
        base = Path(dirpath)
        if STATE_FILE in filenames and base != root:
            found.append(_skipped(root, base, "output-folder-not-read"))
            dirnames.clear()
            continue
        for name in sorted(dirnames):
            if (base / name).is_symlink():
                found.append(_skipped(root, base / name, "symlink-directory-not-followed"))
        # Names are joined to the folder's relative path once computed (not one relpath each).
        folder = os.path.relpath(dirpath, root).replace(os.sep, "/")
        prefix = "" if folder == "." else folder + "/"
        for name in sorted(filenames):
            found.append(_classify_file(root, base / name, prefix + name))
    found.sort(key=lambda f: f.path)
    return found


def _skipped(root: Path, path: Path, reason: str) -> InputFile:
    shown = display_path(os.path.relpath(path, root).replace(os.sep, "/"))
    return InputFile(shown, path, 0, 0, None, False, reason, output_name_for(shown))


def _classify_file(root: Path, path: Path, relative: str) -> InputFile:
    """`relative`: `path` relative to `root`, with `/` separators."""
    shown = display_path(relative)
    opened = path
    try:
        info = os.lstat(path)  # one call: whether it is a symlink, and the file's own status
    except OSError:
        return _skipped(root, path, "vanished")
    if stat.S_ISLNK(info.st_mode):
        try:
            opened = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return _skipped(root, path, "broken-symlink")
        if not opened.is_relative_to(root):
            return _skipped(root, path, "symlink-outside-input")
        try:
            info = opened.stat(follow_symlinks=False)
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
        abs_path=opened,
        size=info.st_size,
        mtime_ns=info.st_mtime_ns,
        format=fmt,
        compressed=compressed,
        skip_reason=skip,
        output_name=output_name_for(shown),
        no_follow=True,
    )


# -- reading ----------------------------------------------------------------------------


class _CheckedFile(io.RawIOBase):
    """A regular file opened without blocking or following a swapped-in symlink, read
    while hashing, and refused if it differs from what discovery saw."""

    def __init__(self, item: InputFile, limits: Limits) -> None:
        super().__init__()
        self.item = item
        self.limit = limits.max_file_bytes
        self.digest = hashlib.sha256()
        self.bytes_read = 0
        self.fd = -1
        flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
        if item.no_follow:
            flags |= os.O_NOFOLLOW
        try:
            self.fd = os.open(item.abs_path, flags)
        except FileNotFoundError as exc:
            raise InputError("vanished", f"file disappeared before it was read: {exc}") from exc
        except PermissionError as exc:
            raise InputError("permission-denied", f"cannot read file: {exc}") from exc
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise InputError(
                    "symlink-not-followed", "file was replaced by a symlink after it was listed"
                ) from exc
            raise InputError("unreadable", f"cannot open file: {exc}") from exc
        try:
            info = os.fstat(self.fd)
            if not stat.S_ISREG(info.st_mode):
                raise InputError("not-a-regular-file", "file is no longer a regular file")
            self._check_unchanged(info, "before reading")
        except BaseException:
            self.close()
            raise

    def _check_unchanged(self, info: os.stat_result, when: str) -> None:
        if (info.st_size, info.st_mtime_ns) != (self.item.size, self.item.mtime_ns):
            raise InputError(
                "changed-while-reading",
                f"file changed {when}: size {self.item.size} -> {info.st_size}, "
                f"mtime {self.item.mtime_ns} -> {info.st_mtime_ns}; the next run reads it again",
            )

    def refuse_gzip_bomb(self, limit: int) -> None:
        """Refuse a gzip file that inflates beyond `limit` before any record is parsed.

        The trailer's size field (last member's size modulo 4 GiB) is only a hint:
        when it claims more than `limit` (or is garbage, as in a truncated file), one
        decompress-and-discard pass decides, so a bomb is refused without cleaning the
        records before its limit and a damaged file keeps its own reason.
        """
        if self.item.size < 18:
            return
        declared = int.from_bytes(os.pread(self.fd, 4, self.item.size - 4), "little")
        if declared <= limit:
            return
        inflated = gzip.GzipFile(fileobj=_PositionalReader(self.fd), mode="rb")
        total = 0
        try:
            while chunk := inflated.read(_READ_CHUNK):
                total += len(chunk)
                if total > limit:
                    raise InputError(
                        "decompressed-too-large",
                        f"gzip expands beyond {limit} bytes; refusing (possible gzip bomb)",
                        status="skipped",
                    )
        except (EOFError, OSError, zlib.error):
            return  # damaged: reading it for real reports how

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            count = os.readv(self.fd, [buffer])
        except OSError as exc:
            raise InputError("read-error", f"reading failed: {exc}") from exc
        self.digest.update(memoryview(buffer)[:count])
        self.bytes_read += count
        if self.bytes_read > self.limit:
            raise InputError(
                "file-too-large",
                f"file grew past the limit of {self.limit} bytes while being read",
                status="skipped",
            )
        return count

    def finish(self) -> str:
        """Confirm the whole file was read as listed; return its SHA-256."""
        if self.bytes_read != self.item.size:
            raise InputError(
                "changed-while-reading",
                f"read {self.bytes_read} bytes of a file listed with {self.item.size}",
            )
        self._check_unchanged(os.fstat(self.fd), "while being read")
        return self.digest.hexdigest()

    def close(self) -> None:
        # Closed exactly once: a second os.close could hit a descriptor reused elsewhere.
        if self.fd >= 0:
            fd, self.fd = self.fd, -1
            os.close(fd)
        super().close()


class _PositionalReader(io.RawIOBase):
    """Reads a file descriptor from its start without moving its shared offset."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self.fd = fd
        self.offset = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = os.pread(self.fd, len(buffer), self.offset)
        self.offset += len(chunk)
        buffer[: len(chunk)] = chunk
        return len(chunk)


class _BoundedStream(io.RawIOBase):
    """Decompressed content, refused beyond `limit` bytes; gzip damage becomes InputError."""

    def __init__(self, source: BinaryIO, limit: int) -> None:
        super().__init__()
        self.source = source
        self.limit = limit
        self.total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            chunk = self.source.read(min(len(buffer), _READ_CHUNK))
        except EOFError as exc:
            raise InputError("truncated-gzip", "gzip stream ends before its end marker") from exc
        except (gzip.BadGzipFile, zlib.error) as exc:
            raise InputError("corrupt-gzip", f"not a valid gzip stream: {exc}") from exc
        self.total += len(chunk)
        if self.total > self.limit:
            raise InputError(
                "decompressed-too-large",
                f"gzip expands beyond {self.limit} bytes; refusing (possible gzip bomb)",
                status="skipped",
            )
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _content_stream(raw: _CheckedFile, compressed: bool, limits: Limits) -> io.BufferedReader:
    if not compressed:
        # A buffer the file's size (at least the sniffed head, at most a chunk): a 1 MiB
        # buffer per small file costs more than reading it.
        size = max(SNIFF_BYTES, min(_READ_CHUNK, raw.item.size + 1))
        return io.BufferedReader(raw, size)
    raw.refuse_gzip_bomb(limits.max_decompressed_bytes)
    inflated = gzip.GzipFile(fileobj=raw, mode="rb")
    return io.BufferedReader(_BoundedStream(inflated, limits.max_decompressed_bytes),
                             _READ_CHUNK)


@dataclass(slots=True)
class ReadReceipt:
    """Filled in once a file has been read to its end: the SHA-256 of its bytes."""

    sha256: str | None = None


def iter_records(
    item: InputFile, limits: Limits, receipt: ReadReceipt | None = None
) -> Iterator[RawRecord | RecordFailure]:
    """Stream the records of one input file within `limits`.

    Raises `InputError` for whole-file problems, possibly after some records were
    yielded (a callers keeps a file's records only if the iteration completes). On
    completion `receipt.sha256` holds the hash of the file's bytes as stored.
    """
    if item.size > limits.max_file_bytes:
        raise InputError(
            "file-too-large",
            f"{item.size} bytes exceeds the limit of {limits.max_file_bytes}",
            status="skipped",
        )
    raw = _CheckedFile(item, limits)
    try:
        stream = _content_stream(raw, item.compressed, limits)
        yield from _stream_records(item, stream, limits)
        _drain(stream)
        digest = raw.finish()
    finally:
        raw.close()
    if receipt is not None:
        receipt.sha256 = digest


def _drain(stream: BinaryIO) -> None:
    while stream.read(_READ_CHUNK):
        pass


def _stream_records(
    item: InputFile, stream: io.BufferedReader, limits: Limits
) -> Iterator[RawRecord | RecordFailure]:
    head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]
    if item.format == "jsonl":
        if looks_binary(head):
            raise InputError("binary-content", "file holds binary data, not JSON lines",
                             status="skipped")
        yield from _jsonl_stream(item, stream, limits.max_jsonl_line_bytes)
        return
    if looks_binary(head):
        raise InputError("binary-content", "file holds binary data, not text", status="skipped")
    data = _read_up_to(stream, limits.max_document_bytes + 1, item.size + 1)
    if len(data) > limits.max_document_bytes:
        raise InputError(
            "document-too-large",
            f"document exceeds the per-document limit of {limits.max_document_bytes} bytes",
            status="skipped",
        )
    if not data:
        raise InputError("empty-file", "file holds no content", status="skipped")
    kind: DocumentKind = "html" if item.format == "html" else "text"
    yield RawRecord(source_path=item.path, index=0, kind=kind, data=data)


def _read_up_to(stream: io.BufferedReader, limit: int, expected: int) -> bytes:
    """`stream.read(limit)`, without first reserving `limit` bytes (`read(n)` allocates
    n bytes before reading): `expected` bytes are asked for first, then twice as many
    as read so far until the stream ends or `limit` is reached."""
    pieces: list[bytes] = []
    total = 0
    want = min(limit, max(expected, 1))
    while want:
        piece = stream.read(want)
        pieces.append(piece)
        total += len(piece)
        if len(piece) < want:
            break
        want = min(limit - total, total)
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)


def read_bytes(item: InputFile, limits: Limits) -> bytes:
    """The file's whole content, decompressed when gzipped, within `limits`."""
    if item.size > limits.max_file_bytes:
        raise InputError(
            "file-too-large",
            f"{item.size} bytes exceeds the limit of {limits.max_file_bytes}",
            status="skipped",
        )
    raw = _CheckedFile(item, limits)
    try:
        stream = _content_stream(raw, item.compressed, limits)
        data = stream.read()
        raw.finish()
    finally:
        raw.close()
    return data


def gunzip_bounded(data: bytes, max_bytes: int) -> bytes:
    """Decompress gzip `data`, refusing more than `max_bytes` of output (gzip bombs)."""
    inflated = gzip.GzipFile(fileobj=io.BytesIO(data), mode="rb")
    return io.BufferedReader(_BoundedStream(inflated, max_bytes), _READ_CHUNK).read()


def looks_binary(data: bytes) -> bool:
    """True when the bytes are evidently not text in any charset we decode.

    NUL bytes are the main signal; UTF-16/32 (with or without BOM) has NULs too, so those
    are recognised by their regular pattern before deciding. Without NULs, a high share
    of C0 control bytes other than whitespace and ESC also means binary.
    """
    sample = data[:SNIFF_BYTES]
    if not sample:
        return False
    if b"\x00" not in sample:
        controls = len(sample) - len(sample.translate(None, _BINARY_CONTROLS))
        return controls > 0.1 * len(sample)
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) / 2
    if max(even_nuls, odd_nuls) > 0.4 * half and min(even_nuls, odd_nuls) < 0.05 * half:
        return False  # UTF-16 without BOM: one byte of each pair is NUL
    return sample.count(0) > 0.01 * len(sample) or sample.count(0) > 8


_BINARY_CONTROLS = bytes([*range(1, 9), 0x0E, *range(0x10, 0x1B), *range(0x1C, 0x20)])


def read_records(item: InputFile, data: bytes) -> Iterator[RawRecord | RecordFailure]:
    """Records of content already in memory: one for text and HTML, one per JSONL line."""
    limits = Limits()
    yield from _stream_records(item, io.BufferedReader(io.BytesIO(data)), limits)


def _jsonl_stream(
    item: InputFile, stream: io.BufferedReader, max_line_bytes: int
) -> Iterator[RawRecord | RecordFailure]:
    line_no = 0
    while True:
        line = _read_line(stream, max_line_bytes)
        if line is None:
            return
        line_no += 1
        index = line_no - 1
        if isinstance(line, int):
            yield RecordFailure(
                item.path, index, line_no, "line-too-long",
                f"line of {line} bytes exceeds the limit of {max_line_bytes}; not read",
            )
            continue
        if line_no == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if not line.strip():
            continue
        try:
            yield _jsonl_record(item.path, index, line)
        except _BadLine as exc:
            yield RecordFailure(item.path, index, line_no, exc.reason, str(exc))


def _read_line(stream: io.BufferedReader, max_bytes: int) -> bytes | int | None:
    """The next line (with its newline); None at the end of the stream.

    A line longer than `max_bytes` is skipped and only its length returned: at most
    `max_bytes` plus one chunk of it is ever in memory.
    """
    pieces: list[bytes] = []
    length = 0
    too_long = False
    while True:
        piece = stream.readline(_READ_CHUNK)
        if not piece:
            break
        length += len(piece)
        if not too_long:
            if length > max_bytes:
                too_long = True
                pieces.clear()
            else:
                pieces.append(piece)
        if piece.endswith(b"\n"):
            break
    if too_long:
        return length
    return b"".join(pieces) if length else None


class _BadLine(Exception):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
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


