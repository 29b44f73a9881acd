"""Decoded and repaired texts kept on disk between a run's two passes over a batch.

Template detection needs every text document's lines before any document is cleaned, so
a run reads its inputs twice: the fingerprint pass decodes and repairs each text
document, and the cleaning pass needs the same result. The fingerprint pass writes each
result here (one file per batch, under the run's staging area) and the cleaning pass
reads it back instead of decoding again: one decode per document, with memory bounded
by one entry (both passes stream, in the same order).

An entry is used only if it was made from exactly the same record bytes (a digest is
kept) and is read in order; anything else (no file, a different batch cut, an input
that changed between the passes, an entry that could not be serialized) falls back to
decoding again, so results never depend on the cache. Files are not fsynced: they are
scratch data of one run, removed with its staging area.
This module neither decodes nor decides anything about documents.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import orjson

from textwash.repair import DecodedAndRepaired

CACHE_SUFFIX = ".decoded"
_FIELDS = tuple(f.name for f in dataclasses.fields(DecodedAndRepaired))


def cache_dir_for(staging_dir: Path) -> Path:
    """The run's cache folder: beside its staging folder, never among staged outputs."""
    return staging_dir.with_name(staging_dir.name + CACHE_SUFFIX)


def batch_cache_path(cache_dir: Path, paths: Sequence[str]) -> Path:
    """One file per batch, named by the batch's input paths (both passes cut the same way)."""
    digest = hashlib.blake2b("\x00".join(paths).encode("utf-8", "surrogatepass"),
                             digest_size=16).hexdigest()
    return cache_dir / (digest + CACHE_SUFFIX)


def data_digest(data: bytes | str) -> str:
    """A digest of a record's raw data, to recognise the same record in both passes."""
    raw = data if isinstance(data, bytes) else b"s" + data.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


class DecodedCacheWriter:
    """Appends (input path, record index, data digest, result) entries; `close` publishes."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        self._handle: IO[bytes] | None = open(self._temporary, "wb")  # noqa: SIM115

    def add(self, source_path: str, index: int, data: bytes | str,
            result: DecodedAndRepaired) -> None:
        if self._handle is None:
            return
        entry = {"path": source_path, "index": index, "digest": data_digest(data),
                 "result": {name: getattr(result, name) for name in _FIELDS}}
        try:
            line = orjson.dumps(entry, option=orjson.OPT_APPEND_NEWLINE)
        except TypeError:  # text orjson refuses (lone surrogates): decoded again later
            return
        self._handle.write(line)

    def close(self) -> None:
        """Make the entries readable under the batch's name (a rename: never half a file)."""
        if self._handle is None:
            return
        self._handle.close()
        self._handle = None
        os.replace(self._temporary, self.path)

    def discard(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        self._temporary.unlink(missing_ok=True)


class DecodedCacheReader:
    """Looks entries up in the order they were written, one entry in memory at a time.

    `order` gives each input path's position in the batch; requests must come in batch
    order and, within an input, in record order (as both passes read them).
    """

    def __init__(self, path: Path, order: Sequence[str]) -> None:
        self._position = {p: k for k, p in enumerate(order)}
        try:
            self._handle: IO[bytes] | None = open(path, "rb")  # noqa: SIM115
        except OSError:
            self._handle = None
        self._entries = self._read() if self._handle is not None else iter(())
        self._current: dict[str, Any] | None = next(self._entries, None)

    def _read(self) -> Iterator[dict[str, Any]]:
        assert self._handle is not None
        for line in self._handle:
            try:
                entry = orjson.loads(line)
            except orjson.JSONDecodeError:  # a cut-off last line: the rest is decoded again
                return
            yield entry

    def _key(self, entry: dict[str, Any]) -> tuple[int, int]:
        return self._position.get(entry["path"], -1), entry["index"]

    def get(self, source_path: str, index: int, data: bytes | str) -> DecodedAndRepaired | None:
        """The cached result for this record, or None (the caller decodes it)."""
        wanted = (self._position.get(source_path, -1), index)
        while self._current is not None and self._key(self._current) < wanted:
            self._current = next(self._entries, None)
        entry = self._current
        if entry is None or self._key(entry) != wanted or entry["path"] != source_path:
            return None
        self._current = next(self._entries, None)
        if entry["digest"] != data_digest(data):
            return None
        values = entry["result"]
        if set(values) != set(_FIELDS):
            return None
        values["repairs"] = Counter(values["repairs"])
        return DecodedAndRepaired(**values)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
