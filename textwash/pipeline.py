"""Clean raw records into `Document`s, stage by stage, and input files into records.

The stage order is the product's data flow for a single document:
decode → repair → (HTML: extract main content) → boilerplate → whitespace → language.
`clean_files` runs the text boilerplate stage for groups of documents of consecutive
files in one call (its line classifier's numpy work costs per call about what it costs
per line), every other stage per document; each file ends exactly as it would alone.
Everything here is plain Python, usable without Prefect (`textwash clean`, tests,
benchmarks); the flow in `flows/clean_corpus.py` only batches and schedules it.
Per-document work is bounded: size caps before the expensive stages, a structural check
before HTML parsing (markup beyond it is cleaned as plain text, with the reason in
`signals["html_fallback"]`), and time limits (`textwash.deadline`): one around a
document's stages before the boilerplate stage, one around its stages after it, and one
around a group's boilerplate stage, which on overrunning or failing is redone document by
document. Exceeding a hard bound fails that document with a reason code, never the
file or the run.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from collections import Counter, deque
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from textwash.boilerplate import (
    BoilerplateResult,
    PageToStrip,
    line_key,
    strip_boilerplate_many,
    word_count,
)
from textwash.config import DEFAULT_CONFIG, Config, Limits
from textwash.deadline import DeadlineExceeded, time_limit
from textwash.decoded_cache import DecodedCacheReader, DecodedCacheWriter
from textwash.document import Document, DocumentKind
from textwash.html import extract_html, plain_text_fallback
from textwash.inputs import (
    InputError,
    InputFile,
    RawRecord,
    ReadReceipt,
    RecordFailure,
    iter_records,
    sniff_kind,
)
from textwash.language import identify
from textwash.normalize import normalize_whitespace
from textwash.records import document_id, dumps, to_record
from textwash.repair import DecodedAndRepaired, decode_and_repair_detailed

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


def strip_document_boilerplate(
    text: str,
    *,
    kind: DocumentKind,
    title: str | None,
    template_keys: Collection[str] = frozenset(),
) -> BoilerplateResult:
    """The text-level boilerplate stage as the pipeline runs it for a document of `kind`.

    HTML pages had their structure judged by the extractor, so only the rules, templates
    and title logic run on what it returns; the line classifier (trained on whole
    flattened pages) judges plain text.
    """
    return strip_boilerplate_many([_page_to_strip(text, kind, title, template_keys)])[0]


def _page_to_strip(text: str, kind: DocumentKind, title: str | None,
                   template_keys: Collection[str]) -> PageToStrip:
    return PageToStrip(text, title, template_keys, use_model=kind != "html")


def clean_raw_record(
    raw: RawRecord, ctx: CleanContext = CleanContext(), decoded: DecodedAndRepaired | None = None
) -> Document:
    """Run every stage on one record; raises `DocumentError` for documents over a limit.

    `decoded` is this record's decode-and-repair result when an earlier pass made it
    (the fingerprint pass's cache); the decode stage then only copies it.
    Limits: `max_document_bytes` before anything, `document_timeout_s` for each group of
    stages (`document-timeout`), and Python's recursion limit (`too-deeply-nested`).
    HTML over its size or shape bounds is not a failure: it becomes plain text.
    """
    doc = _prepare(raw, ctx, decoded)
    [result] = _strip_pages([_page_of(doc, ctx)], ctx)
    if isinstance(result, Exception):
        raise result
    return _finish(doc, result, ctx)


@contextmanager
def _bounded(limits: Limits, what: str) -> Iterator[None]:
    """The time limit of a group of stages, and the document errors that limits become."""
    try:
        with time_limit(limits.document_timeout_s, what):
            yield
    except DeadlineExceeded as exc:
        raise DocumentError("document-timeout", str(exc)) from None
    except RecursionError as exc:
        raise DocumentError(
            "too-deeply-nested", f"structure too deep to process: {exc}") from None


def _prepare(
    raw: RawRecord, ctx: CleanContext, decoded: DecodedAndRepaired | None = None
) -> Document:
    """The stages before the text boilerplate stage: decode, repair, HTML extraction."""
    limits = ctx.config.limits
    if len(raw.data) > limits.max_document_bytes:
        raise DocumentError(
            "document-too-large",
            f"{len(raw.data)} bytes exceeds the per-document limit of {limits.max_document_bytes}",
        )
    if limits.document_timeout_s:
        warm_up()
    with _bounded(limits, "cleaning the document"):
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
        _decode_and_repair(doc, raw, ctx.config, decoded)
        if doc.kind == "html":
            _extract_html(doc, limits)
        doc.lines_in = sum(1 for line in doc.text.split("\n") if line.strip())
        return doc


def _page_of(doc: Document, ctx: CleanContext) -> PageToStrip:
    site = site_of(doc.url, doc.source_path)
    return _page_to_strip(doc.text, doc.kind, doc.title,
                          ctx.template_keys.get(site, frozenset()))


def _strip_pages(pages: list[PageToStrip], ctx: CleanContext
                 ) -> list[BoilerplateResult | Exception]:
    """The text boilerplate stage for a group of documents in one call, under one time
    limit; a group that fails or overruns is redone document by document, so only the
    document at fault fails (with `DocumentError`, or the exception of a bug)."""
    limits = ctx.config.limits
    if len(pages) > 1:
        try:
            with _bounded(limits, f"the boilerplate stage of {len(pages)} documents"):
                return list(strip_boilerplate_many(pages))
        except Exception:  # noqa: BLE001, S110 - each document again, alone
            pass
    results: list[BoilerplateResult | Exception] = []
    for page in pages:
        try:
            with _bounded(limits, "cleaning the document"):
                results.append(strip_boilerplate_many([page])[0])
        except Exception as exc:  # noqa: BLE001 - the caller tells bugs from limits
            results.append(exc)
    return results


def _finish(doc: Document, result: BoilerplateResult, ctx: CleanContext) -> Document:
    """The stages after the text boilerplate stage: whitespace, language."""
    with _bounded(ctx.config.limits, "cleaning the document"):
        doc.title = result.title
        doc.removed.extend(result.removed)
        doc.lines_in = max(doc.lines_in, result.lines_in)
        doc.text = normalize_whitespace(result.text)
        language = identify(doc.text, ctx.config.language_max_chars)
        doc.language = language.language
        doc.language_confidence = language.confidence
        doc.languages = language.languages
        return doc


def _decode_and_repair(
    doc: Document, raw: RawRecord, config: Config, decoded: DecodedAndRepaired | None
) -> None:
    repaired = decoded or decode_and_repair_detailed(
        raw.data, policy=config.unicode, html=raw.kind == "html"
    )
    doc.encoding_detected = raw.redecoded_from or repaired.encoding
    if raw.redecoded_from:
        doc.count_repair("jsonl-line-redecoded")
    doc.chars_in = len(repaired.text)
    doc.text = repaired.text
    doc.repairs.update(repaired.repairs)
    doc.encoding_damaged = repaired.damaged
    if repaired.method:
        doc.signals["encoding_method"] = repaired.method  # bom/utf-8/declared/detected


def _extract_html(doc: Document, limits: Limits) -> None:
    """Main content of the page; markup beyond the bounds of parsing becomes plain text.

    The fallback strips tags in one linear pass (no tree), so its cost is bounded by
    `max_document_bytes` like any text document's.
    """
    reason = markup_bound_exceeded(doc.text, limits)
    if reason is None:
        try:
            extraction = extract_html(doc.text)
        except RecursionError:
            extraction = plain_text_fallback(doc.text, "html-too-deeply-nested")
    else:
        extraction = plain_text_fallback(doc.text, reason)
    doc.text = extraction.text
    doc.title = doc.title or extraction.title
    doc.url = doc.url or extraction.url
    for key, value in extraction.metadata.items():
        doc.metadata.setdefault(key, value)
    doc.removed.extend(extraction.removed)
    if extraction.fallback_reason:
        doc.signals["html_fallback"] = extraction.fallback_reason


_TAG_OPEN = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)")
_FLAT_ELEMENTS = frozenset(
    tomllib.loads(
        resources.files("textwash.data").joinpath("markup_shape.toml").read_text("utf-8")
    )["flat_elements"]
)


def markup_shape(markup: str) -> tuple[int, int]:
    """(elements, estimated maximum nesting depth) of markup, by one linear scan.

    The depth is an estimate from start and end tags (no tree is built), generous for
    sloppy real pages and exact for the pathological ones the limits are for.
    """
    depth = deepest = elements = 0
    for match in _TAG_OPEN.finditer(markup):
        name = match.group(2).lower()
        if match.group(1):
            if depth and name not in _FLAT_ELEMENTS:
                depth -= 1
            continue
        elements += 1
        if name not in _FLAT_ELEMENTS:
            depth += 1
            deepest = max(deepest, depth)
    return elements, deepest


def markup_bound_exceeded(markup: str, limits: Limits) -> str | None:
    """Why `markup` is too big in characters, elements or depth to parse safely, if it is.

    Ordinary pages (a few thousand tags) cost one `str.count`; only markup with more
    than `html_shape_check_tags` tag-like openings is scanned.
    """
    if len(markup) > limits.max_html_bytes:
        return "html-too-large"
    openings = markup.count("<")
    if openings <= limits.html_shape_check_tags:
        return None
    if openings > 4 * limits.max_html_elements:
        return "html-too-many-elements"
    elements, depth = markup_shape(markup)
    if depth > limits.max_html_depth:
        return "html-too-deeply-nested"
    if elements > limits.max_html_elements:
        return "html-too-many-elements"
    return None


_WARM_UP_PARAGRAPH = (
    "The harbour festival returns this weekend after a two-year pause, organisers said on "
    "Monday, with boat races, music and food stalls along the whole of the old quay. "
    "Several streets near the quay will be closed to traffic from Friday evening."
)
_WARM_UP_SAMPLES = (
    RawRecord("<warm-up>", 0, "text", f"Harbour festival returns\n\n{_WARM_UP_PARAGRAPH}\n"),
    RawRecord("<warm-up>", 1, "html", "<html><head><title>Harbour festival returns</title>"
              f"</head><body><article><p>{_WARM_UP_PARAGRAPH}</p></article></body></html>"),
)
_warmed_up_in: int | None = None
_NO_TIME_LIMIT = CleanContext(Config(limits=Limits(document_timeout_s=0)))


def warm_up() -> None:
    """Run each stage once per process without a time limit.

    Libraries load lazily (langdetect's profiles, parser registries); an interrupt
    landing in the middle of such a load would leave it half done for every later
    document, so the first load never happens under a deadline.
    """
    global _warmed_up_in
    if _warmed_up_in == os.getpid():
        return
    _warmed_up_in = os.getpid()
    try:
        for sample in _WARM_UP_SAMPLES:
            clean_raw_record(sample, _NO_TIME_LIMIT)
        identify(_WARM_UP_PARAGRAPH)  # whatever the stages left of the samples
    except Exception:  # noqa: BLE001, S110 - a broken stage fails the real documents
        pass


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


#: The text boilerplate stage runs for up to this many documents in one call (its line
#: classifier's numpy work costs per call about as much as per line for pages of a few
#: lines), and for at most this many characters of text together.
STRIP_GROUP_DOCUMENTS = 64
STRIP_GROUP_CHARS = 1_000_000


def clean_file(
    item: InputFile,
    ctx: CleanContext,
    *,
    keep_documents: bool = True,
    decoded: DecodedCacheReader | None = None,
) -> FileOutcome:
    """Clean every record of one input file; never raises for bad input (`clean_files`)."""
    [outcome] = clean_files([item], ctx, keep_documents=keep_documents, decoded=decoded)
    return outcome


def clean_files(
    items: Iterable[InputFile],
    ctx: CleanContext,
    *,
    keep_documents: bool = True,
    decoded: DecodedCacheReader | None = None,
) -> Iterator[FileOutcome]:
    """Clean every record of each input file, in order; one outcome per file, in order.

    `decoded` holds the fingerprint pass's decode results for the files' text records.
    A whole-file problem (unreadable, corrupt gzip, changed while read, ...) ends the
    file as skipped or failed with its reason; a record that cannot be cleaned, for
    whatever cause, becomes a record failure and the file's other records still count.
    Records of consecutive files share the text boilerplate stage in groups
    (`STRIP_GROUP_DOCUMENTS`); a file's outcome comes once its last group is done.
    Items are read lazily, one file at a time.
    """
    group: list[_Slot] = []
    group_chars = 0
    waiting: deque[_FileSlots] = deque()
    for item in items:
        file = _FileSlots(FileOutcome(item, "cleaned"))
        waiting.append(file)
        if item.skip_reason:
            file.outcome = FileOutcome(item, "skipped", reason=item.skip_reason)
            file.final = True
        else:
            for slot in _read_and_prepare(file, ctx, decoded):
                group.append(slot)
                group_chars += len(slot.page.text)
                if len(group) >= STRIP_GROUP_DOCUMENTS or group_chars >= STRIP_GROUP_CHARS:
                    _finish_group(group, ctx)
                    group, group_chars = [], 0
        while waiting and waiting[0].done():
            yield waiting.popleft().settle(keep_documents)
    _finish_group(group, ctx)
    while waiting:
        yield waiting.popleft().settle(keep_documents)


@dataclass(slots=True)
class _Slot:
    """One record on its way: prepared, waiting for its group, then a document or a failure."""

    path: str
    raw: RawRecord
    doc: Document | None = None
    page: PageToStrip | None = None
    failure: RecordFailure | None = None


@dataclass(slots=True)
class _FileSlots:
    outcome: FileOutcome
    slots: list[_Slot | RecordFailure] = field(default_factory=list)
    final: bool = False  # read to its end, or ended by an error of the whole file

    def done(self) -> bool:
        """Read to its end and none of its records waiting for its group (`page` set)."""
        return self.final and not any(
            isinstance(slot, _Slot) and slot.page is not None for slot in self.slots)

    def settle(self, keep_documents: bool) -> FileOutcome:
        outcome = self.outcome
        if outcome.status != "cleaned":
            return outcome
        for slot in self.slots:
            if isinstance(slot, RecordFailure):
                outcome.failures.append(slot)
            elif slot.failure is not None:
                outcome.failures.append(slot.failure)
            else:
                outcome.lines.append(dumps(to_record(slot.doc)))
                if keep_documents:
                    outcome.documents.append(slot.doc)
        _settle_status(outcome)
        return outcome


def _read_and_prepare(file: _FileSlots, ctx: CleanContext, decoded: DecodedCacheReader | None
                      ) -> Iterator[_Slot]:
    """Read the file's records, run the stages before the boilerplate stage on each and
    yield those that reached it; the file's slots keep every record in order."""
    item = file.outcome.item
    receipt = ReadReceipt()
    try:
        for raw in iter_records(item, ctx.config.limits, receipt):
            if isinstance(raw, RecordFailure):
                file.slots.append(raw)
                continue
            cached = (decoded.get(item.path, raw.index, raw.data)
                      if decoded is not None and raw.kind == "text" else None)
            slot = _Slot(item.path, raw)
            file.slots.append(slot)
            try:
                slot.doc = _prepare(raw, ctx, cached)
                slot.page = _page_of(slot.doc, ctx)
            except Exception as exc:  # noqa: BLE001 - a bug on one record must not stop the file
                slot.failure = _record_failure(slot, exc)
                continue
            yield slot
    except InputError as exc:
        file.outcome = FileOutcome(item, exc.status, reason=exc.reason, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - a bug on one file must not stop the run
        file.outcome = FileOutcome(
            item, "failed", reason="internal-error", error=f"{type(exc).__name__}: {exc}"
        )
    else:
        file.outcome.sha256 = receipt.sha256
    file.final = True


def _finish_group(group: list[_Slot], ctx: CleanContext) -> None:
    """The boilerplate stage for the group's documents together, then the later stages
    one document at a time."""
    if not group:
        return
    results = _strip_pages([slot.page for slot in group], ctx)
    for slot, result in zip(group, results, strict=True):
        slot.page = None  # no longer waiting
        try:
            if isinstance(result, Exception):
                raise result
            slot.doc = _finish(slot.doc, result, ctx)
        except Exception as exc:  # noqa: BLE001 - a bug on one record must not stop the file
            slot.failure = _record_failure(slot, exc)


def _record_failure(slot: _Slot, exc: Exception) -> RecordFailure:
    index = slot.raw.index
    if isinstance(exc, DocumentError):
        return RecordFailure(slot.path, index, index + 1, exc.reason, str(exc))
    return RecordFailure(slot.path, index, index + 1, "internal-error",
                         f"{type(exc).__name__}: {exc}")


def _settle_status(outcome: FileOutcome) -> None:
    if not outcome.lines and outcome.failures:
        outcome.status = "failed"
        if outcome.item.format != "jsonl" and len(outcome.failures) == 1:
            # A one-document file fails for its document's reason.
            outcome.reason, outcome.error = outcome.failures[0].reason, outcome.failures[0].error
        else:
            reasons = Counter(f.reason for f in outcome.failures)
            outcome.reason = "no-valid-records"
            outcome.error = f"all {len(outcome.failures)} records failed: " + ", ".join(
                f"{reason} ×{count}" for reason, count in sorted(reasons.items())
            )
    elif not outcome.lines:
        outcome.status = "skipped"
        outcome.reason = "no-records"


def template_fingerprints(
    item: InputFile,
    config: Config = DEFAULT_CONFIG,
    decoded: DecodedCacheWriter | None = None,
) -> Iterator[tuple[str, str, list[str]]]:
    """(site, document hash, line keys) for each text document of a file.

    Template detection counts, per site, how many distinct documents contain a line.
    Only text documents take part: HTML pages get structural pruning instead.
    A file that cannot be read to its end contributes nothing (its cleaning fails too),
    nor does a document over the size or time limit. Each text document's decode result
    goes to `decoded`, for the cleaning pass to reuse.
    """
    if item.skip_reason:
        return
    found: list[tuple[str, str, list[str]]] = []
    limits = config.limits
    if limits.document_timeout_s:
        warm_up()
    try:
        for raw in iter_records(item, limits):
            if isinstance(raw, RecordFailure) or raw.kind != "text":
                continue
            if len(raw.data) > limits.max_document_bytes:
                continue
            try:
                with time_limit(limits.document_timeout_s, "fingerprinting the document"):
                    repaired = decode_and_repair_detailed(
                        raw.data, policy=config.unicode, html=False
                    )
                    found.append(_fingerprint(repaired.text, raw, item.path))
            except DeadlineExceeded:
                continue
            if decoded is not None:
                decoded.add(item.path, raw.index, raw.data, repaired)
    except InputError:
        return
    except Exception:  # noqa: BLE001 - cleaning the same file reports the error
        return
    yield from found


# More than TEMPLATE_CANDIDATE_MAX_WORDS runs of word characters (possessive: a run is
# never split): such a line has more words than that by `word_count` too, whatever its CJK.
_OVER_CANDIDATE_WORDS = re.compile(rf"(?:\W*+\w++){{{TEMPLATE_CANDIDATE_MAX_WORDS + 1}}}")
# The first of the characters `word_count` counts as half a word each (kana, CJK, Hangul).
_FIRST_HALF_WORD = "\u3040"


def is_template_candidate(line: str) -> bool:
    """A non-blank line of at most TEMPLATE_CANDIDATE_MAX_WORDS words (`word_count`).

    `word_count` never exceeds a line's length in characters, so short lines are not
    counted, long prose is refused as soon as its words run over the limit, and only
    lines with CJK characters (half a word each) are counted in full.
    """
    if not line or line.isspace():
        return False
    if len(line) <= TEMPLATE_CANDIDATE_MAX_WORDS:
        return True
    if _OVER_CANDIDATE_WORDS.match(line):
        return False
    if max(line) < _FIRST_HALF_WORD:  # no CJK: its words are its runs of word characters
        return True
    return word_count(line) <= TEMPLATE_CANDIDATE_MAX_WORDS


def _fingerprint(text: str, raw: RawRecord, path: str) -> tuple[str, str, list[str]]:
    doc_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
    # Repeated lines (blank ones, template lines) are judged and hashed once.
    keys = sorted(
        {line_key(line) for line in set(text.split("\n")) if is_template_candidate(line)}
    )
    return site_of(raw.url, path), doc_hash, keys
