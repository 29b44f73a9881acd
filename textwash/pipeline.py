"""Clean one raw record into a `Document`, stage by stage, and one input file into records.

The stage order is the product's data flow for a single document:
decode → repair → (HTML: extract main content) → boilerplate → whitespace → language.
Everything here is plain Python, usable without Prefect (`textwash clean`, tests,
benchmarks); the flow in `flows/clean_corpus.py` only batches and schedules it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from textwash.boilerplate import line_key, strip_boilerplate, word_count
from textwash.config import DEFAULT_CONFIG, Config
from textwash.document import Document
from textwash.html import extract_html
from textwash.inputs import (
    InputError,
    InputFile,
    RawRecord,
    RecordFailure,
    read_bytes,
    read_records,
    sniff_kind,
)
from textwash.language import identify
from textwash.normalize import normalize_whitespace
from textwash.records import document_id, dumps, to_record
from textwash.repair import decode_and_repair_detailed

TEMPLATE_CANDIDATE_MAX_WORDS = 40


class DocumentError(Exception):
    """One document cannot be cleaned; `reason` is a stable code for the manifest."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class CleanContext:
    """What cleaning needs beyond the document: config and cross-document template lines."""

    config: Config = DEFAULT_CONFIG
    template_keys: Mapping[str, Collection[str]] = field(default_factory=dict)


def site_of(url: str | None, source_path: str) -> str:
    """The source a document belongs to: the URL's host, else its input folder."""
    if url:
        host = urlsplit(url).hostname
        if host:
            return host.removeprefix("www.")
    folder, _, _ = source_path.rpartition("/")
    return f"folder:{folder}"


def clean_raw_record(raw: RawRecord, ctx: CleanContext = CleanContext()) -> Document:
    """Run every stage on one record; raises `DocumentError` for documents over a limit."""
    limits = ctx.config.limits
    if len(raw.data) > limits.max_document_bytes:
        raise DocumentError(
            "document-too-large",
            f"{len(raw.data)} bytes exceeds the per-document limit of {limits.max_document_bytes}",
        )
    doc = Document(
        id=document_id(raw.source_path, raw.index),
        source_path=raw.source_path,
        index=raw.index,
        kind=raw.kind,
        url=raw.url,
        title=raw.title,
        metadata=dict(raw.metadata),
    )
    if raw.input_id is not None:
        doc.metadata["input_id"] = raw.input_id
    _decode_and_repair(doc, raw, ctx.config)
    if doc.kind == "html":
        _extract_html(doc, limits.max_html_bytes)
    doc.lines_in = sum(1 for line in doc.text.split("\n") if line.strip())
    site = site_of(doc.url, doc.source_path)
    result = strip_boilerplate(
        doc.text, title=doc.title, template_keys=ctx.template_keys.get(site, frozenset())
    )
    doc.title = result.title
    doc.removed.extend(result.removed)
    doc.lines_in = max(doc.lines_in, result.lines_in)
    doc.text = normalize_whitespace(result.text)
    language = identify(doc.text, ctx.config.language_max_chars)
    doc.language = language.language
    doc.language_confidence = language.confidence
    doc.languages = language.languages
    return doc


def _decode_and_repair(doc: Document, raw: RawRecord, config: Config) -> None:
    repaired = decode_and_repair_detailed(
        raw.data, policy=config.unicode, html=raw.kind == "html"
    )
    doc.encoding_detected = raw.redecoded_from or repaired.encoding
    if raw.redecoded_from:
        doc.count_repair("jsonl-line-redecoded")
    doc.chars_in = len(repaired.text)
    doc.text = repaired.text
    doc.repairs.update(repaired.repairs)
    doc.encoding_damaged = repaired.damaged


def _extract_html(doc: Document, max_html_bytes: int) -> None:
    if len(doc.text) > max_html_bytes:
        raise DocumentError(
            "html-too-large", f"{len(doc.text)} characters of markup exceeds {max_html_bytes}"
        )
    extraction = extract_html(doc.text)
    doc.text = extraction.text
    doc.title = doc.title or extraction.title
    doc.url = doc.url or extraction.url
    for key, value in extraction.metadata.items():
        doc.metadata.setdefault(key, value)
    doc.removed.extend(extraction.removed)
    if extraction.fallback_reason:
        doc.signals["html_fallback"] = extraction.fallback_reason


def clean_document(raw: bytes | str, *, filename: str = "") -> dict[str, Any]:
    """The schema-v1 record of a single-document input (kind guessed from name and content)."""
    record = RawRecord(
        source_path=filename or "<memory>", index=0, kind=sniff_kind(raw, filename), data=raw
    )
    return to_record(clean_raw_record(record))


@dataclass(slots=True)
class FileOutcome:
    """What cleaning one input file produced: records (as JSONL lines) and failures."""

    item: InputFile
    status: str  # cleaned | skipped | failed
    reason: str | None = None
    error: str | None = None
    lines: list[bytes] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    failures: list[RecordFailure] = field(default_factory=list)
    sha256: str | None = None


def clean_file(item: InputFile, ctx: CleanContext, *, keep_documents: bool = True) -> FileOutcome:
    """Clean every record of one input file; never raises for bad input."""
    if item.skip_reason:
        return FileOutcome(item, "skipped", reason=item.skip_reason)
    outcome = FileOutcome(item, "cleaned")
    try:
        data = read_bytes(item, ctx.config.limits)
        outcome.sha256 = hashlib.sha256(data).hexdigest()
        for raw in read_records(item, data):
            if isinstance(raw, RecordFailure):
                outcome.failures.append(raw)
                continue
            try:
                doc = clean_raw_record(raw, ctx)
            except DocumentError as exc:
                outcome.failures.append(
                    RecordFailure(item.path, raw.index, raw.index + 1, exc.reason, str(exc))
                )
                continue
            outcome.lines.append(dumps(to_record(doc)))
            if keep_documents:
                outcome.documents.append(doc)
    except InputError as exc:
        return FileOutcome(
            item, exc.status, reason=exc.reason, error=str(exc), sha256=outcome.sha256
        )
    except Exception as exc:  # noqa: BLE001 - a bug on one file must not stop the run
        return FileOutcome(
            item, "failed", reason="internal-error", error=f"{type(exc).__name__}: {exc}",
            sha256=outcome.sha256,
        )
    if not outcome.lines and outcome.failures:
        outcome.status = "failed"
        outcome.reason = "no-valid-records"
        outcome.error = f"all {len(outcome.failures)} records failed"
    elif not outcome.lines:
        outcome.status = "skipped"
        outcome.reason = "no-records"
    return outcome


def template_fingerprints(
    item: InputFile, config: Config = DEFAULT_CONFIG
) -> Iterator[tuple[str, str, list[str]]]:
    """(site, document hash, line keys) for each text document of a file.

    Template detection counts, per site, how many distinct documents contain a line.
    Only text documents take part: HTML pages get structural pruning instead.
    """
    if item.skip_reason:
        return
    try:
        data = read_bytes(item, config.limits)
        for raw in read_records(item, data):
            if isinstance(raw, RecordFailure) or raw.kind != "text":
                continue
            if len(raw.data) > config.limits.max_document_bytes:
                continue
            text = decode_and_repair_detailed(raw.data, policy=config.unicode, html=False).text
            doc_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
            keys = sorted(
                {
                    line_key(line)
                    for line in text.split("\n")
                    if line.strip() and word_count(line) <= TEMPLATE_CANDIDATE_MAX_WORDS
                }
            )
            yield site_of(raw.url, item.path), doc_hash, keys
    except InputError:
        return
