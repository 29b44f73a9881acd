"""The life of one corpus run, as plain functions the Prefect flow calls in order.

plan (what is new, changed, unchanged, gone) → batches → template fingerprints →
clean a batch into a staging folder → commit a batch (atomic renames + state) →
finish (manifest, stats, report). Outputs are staged and renamed into place, and the
state database is updated only after the rename, so a run killed at any point leaves
no partial file and the next run redoes exactly what was not committed.
This module knows nothing about Prefect.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import fcntl
import hashlib
import itertools
import os
import secrets
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from textwash.config import Config
from textwash.decoded_cache import (
    DecodedCacheReader,
    DecodedCacheWriter,
    batch_cache_path,
    cache_dir_for,
)
from textwash.failpoints import failpoint
from textwash.inputs import InputFile
from textwash.pipeline import CleanContext, FileOutcome, clean_files, template_fingerprints
from textwash.provenance import cleaning_settings_digest
from textwash.state import InputState, StateDB
from textwash.stats import RunStats

RUNS_DIR = "_runs"
STAGING_DIR = "_staging"
LOCK_FILE = ".textwash.lock"
OUTPUT_SUFFIX = ".jsonl"
# Template fingerprints of this many inputs are written in one state transaction.
TEMPLATE_INPUTS_PER_TRANSACTION = 64


class RunLockedError(RuntimeError):
    """Another run is active on the same output folder."""


@contextmanager
def run_lock(output_dir: Path, *, wait: bool = False) -> Iterator[None]:
    """Hold the output folder's lock for the duration of a run (fails fast by default)."""
    output_dir.mkdir(parents=True, exist_ok=True)
    handle = open(output_dir / LOCK_FILE, "a+")  # noqa: SIM115 - held for the block
    try:
        flags = fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB
        try:
            fcntl.flock(handle, flags)
        except BlockingIOError as exc:
            raise RunLockedError(
                f"another textwash run is active on {output_dir}; "
                "this run exits without touching it (try again when that run has finished)"
            ) from exc
        yield
    finally:
        handle.close()


def new_run_id(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(2)}"


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(slots=True)
class ManifestEntry:
    """How one input ended in this run."""

    path: str
    status: str  # cleaned | skipped | failed
    reason: str | None = None
    error: str | None = None
    documents: int = 0
    failed_records: list[dict[str, Any]] = field(default_factory=list)
    output: str | None = None
    size: int = 0
    sha256: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "status": self.status,
            "reason": self.reason,
            "error": self.error,
            "documents": self.documents,
            "failed_records": self.failed_records,
            "output": self.output,
            "size": self.size,
            "sha256": self.sha256,
        }


@dataclass(slots=True)
class WorkPlan:
    to_clean: list[InputFile]
    unchanged: list[InputFile]
    not_read: list[InputFile]
    gone: list[str]
    # Unchanged inputs cleaned again because the cleaning settings changed since.
    outdated: int = 0


def plan_work(
    inputs: list[InputFile], known: dict[str, InputState], *, full: bool, settings: str
) -> WorkPlan:
    """Split discovered inputs into what to clean, what is unchanged, what is never read.

    An input is unchanged when its size and modification time match the last run that
    committed it and that run cleaned with the same `settings`
    (`textwash.provenance.cleaning_settings_digest`); `--full` cleans everything again.
    """
    plan = WorkPlan([], [], [], [])
    present = set()
    for item in inputs:
        present.add(item.path)
        if item.skip_reason:
            plan.not_read.append(item)
            continue
        previous = known.get(item.path)
        same_file = (
            previous is not None
            and previous.size == item.size
            and previous.mtime_ns == item.mtime_ns
        )
        if same_file and not full and previous.settings == settings:
            plan.unchanged.append(item)
        else:
            plan.to_clean.append(item)
            if same_file and not full:
                plan.outdated += 1
    plan.gone = sorted(path for path in known if path not in present)
    return plan


def plan_batches(items: list[InputFile], max_files: int, max_bytes: int) -> list[list[InputFile]]:
    """Consecutive groups of inputs, each up to `max_files` files or `max_bytes` bytes."""
    batches: list[list[InputFile]] = []
    current: list[InputFile] = []
    size = 0
    for item in items:
        if current and (len(current) >= max_files or size + item.size > max_bytes):
            batches.append(current)
            current, size = [], 0
        current.append(item)
        size += item.size
    if current:
        batches.append(current)
    return batches


def fingerprint_batch(
    items: list[InputFile], config: Config, staging_dir: Path | None = None
) -> list[tuple[str, list[tuple[str, str, list[str]]]]]:
    """Template fingerprints of each input of a batch: [(path, [(site, doc, keys)])].

    With the run's `staging_dir`, the decoded texts are kept for `clean_batch` of the
    same batch (`textwash.decoded_cache`), so each document is decoded once per run.
    """
    if staging_dir is None:
        return [(item.path, list(template_fingerprints(item, config))) for item in items]
    writer = DecodedCacheWriter(
        batch_cache_path(cache_dir_for(staging_dir), [item.path for item in items])
    )
    try:
        prints = [(item.path, list(template_fingerprints(item, config, writer)))
                  for item in items]
    except BaseException:
        writer.discard()
        raise
    writer.close()
    return prints


@dataclass(slots=True)
class BatchResult:
    entries: list[ManifestEntry]
    stats: RunStats
    staged: dict[str, str]  # input path -> staged file path
    settings: str  # cleaning_settings_digest of the config the batch was cleaned with


def clean_batch(items: list[InputFile], ctx: CleanContext, staging_dir: Path) -> BatchResult:
    """Clean a batch of inputs, writing each input's records to a staged file.

    Decoded texts the fingerprint pass kept for this batch are used, then removed.
    The staged files reach the disk together, with one flush for the whole batch.
    """
    entries: list[ManifestEntry] = []
    stats = RunStats()
    staged: dict[str, str] = {}
    paths = [item.path for item in items]
    # One flat folder per batch, files named by position: no folder per output folder.
    batch_folder = os.path.join(staging_dir, _batch_folder_name(paths))
    os.makedirs(batch_folder, exist_ok=True)
    cache_path = batch_cache_path(cache_dir_for(staging_dir), paths)
    decoded = DecodedCacheReader(cache_path, paths)
    try:
        for position, outcome in enumerate(clean_files(items, ctx, decoded=decoded)):
            item = outcome.item
            entry = _entry_for(outcome)
            if outcome.lines:
                target = os.path.join(batch_folder, f"{position}{OUTPUT_SUFFIX}")
                write_atomic(target, outcome.lines, durable=False, make_folder=False)
                failpoint("output-staged")
                staged[item.path] = target
                entry.output = item.output_name + OUTPUT_SUFFIX
            entries.append(entry)
            stats.add_input(entry.status, entry.reason)
            for failure in outcome.failures:
                stats.add_record_failure(failure.reason)
            for doc in outcome.documents:
                stats.add_document(doc)
    finally:
        decoded.close()
        cache_path.unlink(missing_ok=True)
    flush_to_disk(staging_dir, list(staged.values()))
    return BatchResult(entries, stats, staged, cleaning_settings_digest(ctx.config))


def _batch_folder_name(paths: list[str]) -> str:
    """A staging folder name of its own for each batch (batches may run side by side)."""
    return hashlib.blake2b("\x00".join(paths).encode("utf-8", "surrogatepass"),
                           digest_size=16).hexdigest()


def _entry_for(outcome: FileOutcome) -> ManifestEntry:
    return ManifestEntry(
        path=outcome.item.path,
        status=outcome.status,
        reason=outcome.reason,
        error=outcome.error,
        documents=len(outcome.lines),
        failed_records=[
            {"line": f.line, "index": f.index, "reason": f.reason, "error": f.error}
            for f in outcome.failures
        ],
        size=outcome.item.size,
        sha256=outcome.sha256,
    )


def write_atomic(
    target: Path | str, lines: Iterable[bytes], *, durable: bool = True, make_folder: bool = True
) -> None:
    """Write `lines` to `target` through a temporary file and a rename.

    `durable` flushes the file to disk before the rename; without it the caller flushes
    (`flush_to_disk`, once for many files). `make_folder=False` is for a caller that
    knows the folder exists (one made per batch, not one check per file).
    """
    path = os.fspath(target)
    folder, name = os.path.split(path)
    if make_folder and folder:
        os.makedirs(folder, exist_ok=True)
    data = b"".join(lines)
    temporary = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
    try:
        descriptor = os.open(temporary, _CREATE_FLAGS, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view):]
            if durable:
                os.fsync(descriptor)
        finally:
            os.close(descriptor)
        failpoint("before-rename")
        os.replace(temporary, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


# What open(path, "wb") asks of the OS, without Python's buffered file object around it.
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


def _make_folder_once(folder: str, made: set[str]) -> None:
    if folder not in made:
        os.makedirs(folder, exist_ok=True)
        made.add(folder)


def _load_syncfs() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None, use_errno=True).syncfs  # Linux (glibc, musl)
    except (OSError, AttributeError):
        return None


_syncfs = _load_syncfs()


def flush_to_disk(directory: Path, files: Sequence[str | Path]) -> None:
    """Make `files` (all under `directory`) durable with one call where the OS has one.

    Linux's syncfs flushes the file system holding `directory` once for a whole batch,
    instead of one fsync (one journal commit) per file; elsewhere each file is fsynced.
    """
    if not files:
        return
    if _syncfs is not None:
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            if _syncfs(descriptor) == 0:
                return
        finally:
            os.close(descriptor)
    for path in files:
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def commit_batch(
    result: BatchResult,
    items: list[InputFile],
    output_dir: Path,
    state: StateDB,
    run_id: str,
) -> None:
    """Move a batch's staged outputs into place, then record the inputs as done.

    An input that no longer yields records loses its old output, so the output folder
    always mirrors the current inputs.
    """
    by_path = {item.path: item for item in items}
    output = str(output_dir)
    folders = {output}
    states = []
    for entry in result.entries:
        item = by_path[entry.path]
        final = os.path.join(output, item.output_name + OUTPUT_SUFFIX)
        staged = result.staged.get(entry.path)
        if staged:
            _make_folder_once(os.path.dirname(final), folders)
            os.replace(staged, final)
            failpoint("output-committed")
        elif os.path.exists(final):
            os.unlink(final)
        states.append(
            InputState(
                path=entry.path, size=item.size, mtime_ns=item.mtime_ns, sha256=entry.sha256,
                status=entry.status, reason=entry.reason, output=entry.output,
                documents=entry.documents, run_id=run_id, settings=result.settings,
            )
        )
    state.record_inputs(states)
    failpoint("batch-committed")


def remove_gone_outputs(gone: list[str], known: dict[str, InputState], output_dir: Path) -> None:
    for path in gone:
        previous = known[path]
        if previous.output:
            (output_dir / previous.output).unlink(missing_ok=True)


def clear_stale_staging(output_dir: Path) -> None:
    """Staging folders of killed runs hold nothing committed: remove them, and the
    temporary files a run killed while writing its manifest or report left behind."""
    staging_root = output_dir / STAGING_DIR
    if staging_root.exists():
        shutil.rmtree(staging_root, ignore_errors=True)
    for temporary in (output_dir / RUNS_DIR).glob("*/.*.tmp"):
        temporary.unlink(missing_ok=True)


def unchanged_entry(item: InputFile, previous: InputState) -> ManifestEntry:
    return ManifestEntry(
        path=item.path, status="skipped", reason="unchanged", documents=previous.documents,
        output=previous.output, size=item.size, sha256=previous.sha256,
    )


def not_read_entry(item: InputFile) -> ManifestEntry:
    return ManifestEntry(path=item.path, status="skipped", reason=item.skip_reason, size=item.size)


def write_manifest(run_dir: Path, entries: list[ManifestEntry]) -> Path:
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / "manifest.jsonl"
    ordered = sorted(entries, key=lambda e: e.path)
    write_atomic(path, (orjson.dumps(e.to_dict(), option=orjson.OPT_SORT_KEYS
                                     | orjson.OPT_APPEND_NEWLINE) for e in ordered))
    return path


def write_json(path: Path, data: Any) -> None:
    write_atomic(path, [orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
                                     | orjson.OPT_APPEND_NEWLINE)])


@dataclass(slots=True)
class RunContext:
    """Where one run reads and writes, and what the state database knew at its start."""

    run_id: str
    input_dir: Path
    output_dir: Path
    run_dir: Path
    staging_dir: Path
    state: StateDB
    known: dict[str, InputState]
    started_at: str


def open_run(input_dir: Path, output_dir: Path) -> RunContext:
    """Start a run: clear what killed runs left, register the run, load input state."""
    output_dir.mkdir(parents=True, exist_ok=True)
    clear_stale_staging(output_dir)
    state = StateDB(output_dir)
    state.mark_interrupted_runs()
    run_id = new_run_id()
    started_at = utc_now()
    state.start_run(run_id, started_at)
    failpoint("run-opened")
    return RunContext(
        run_id=run_id,
        input_dir=input_dir,
        output_dir=output_dir,
        run_dir=output_dir / RUNS_DIR / run_id,
        staging_dir=output_dir / STAGING_DIR / run_id,
        state=state,
        known=state.inputs(),
        started_at=started_at,
    )


def record_template_fingerprints(
    run: RunContext,
    fingerprints: Iterable[tuple[str, list[tuple[str, str, list[str]]]]],
    gone: list[str],
    min_documents: int,
) -> dict[str, frozenset[str]]:
    """Store this run's fingerprints, forget deleted inputs', return the template keys.

    Inputs are written `TEMPLATE_INPUTS_PER_TRANSACTION` at a time, each group in one
    transaction (collected first: no write lock is held while workers fingerprint).
    """
    run.state.forget_template_inputs(gone)
    pending = iter(fingerprints)
    while group := list(itertools.islice(pending, TEMPLATE_INPUTS_PER_TRANSACTION)):
        run.state.replace_many_template_fingerprints(
            group, after_each=lambda: failpoint("fingerprint-recorded")
        )
    return run.state.template_keys(min_documents)


def take_template_changes(
    run: RunContext, plan: WorkPlan, template_keys: dict[str, frozenset[str]],
    entries: list[ManifestEntry],
) -> list[InputFile]:
    """Take out of `plan.unchanged` (and their "unchanged" manifest entries out of
    `entries`) the inputs holding a line whose template status changed since they were
    cleaned (other documents of their site made it a template line, or stopped doing
    so), and return them: they are cleaned again in this run, so an incremental run's
    output equals a full run's.
    """
    changed = run.state.begin_template_keys(run.run_id, template_keys)
    if not changed or not plan.unchanged:
        return []
    affected = run.state.inputs_with_template_lines(sorted(changed))
    again = [item for item in plan.unchanged if item.path in affected]
    plan.unchanged = [item for item in plan.unchanged if item.path not in affected]
    entries[:] = [entry for entry in entries if entry.path not in affected]
    return again


def settle_plan(run: RunContext, plan: WorkPlan) -> list[ManifestEntry]:
    """Manifest entries for inputs not cleaned this run; outputs of deleted inputs and
    of inputs now skipped unread go.

    Template fingerprints of every input that will not be fingerprinted or kept this
    run (deleted, or now skipped unread) are dropped first, computed from the
    fingerprint table itself, so a run killed half-way through leaves nothing stale.
    """
    live = {item.path for item in plan.to_clean} | {item.path for item in plan.unchanged}
    fingerprinted = {row[0] for row in run.state.conn.execute(
        "SELECT DISTINCT path FROM template_docs")}
    run.state.forget_template_inputs(sorted(fingerprinted - live))
    # An input now skipped unread (emptied, renamed to a hidden name, ...) keeps no output.
    dropped = plan.gone + [item.path for item in plan.not_read if item.path in run.known]
    remove_gone_outputs(dropped, run.known, run.output_dir)
    failpoint("gone-outputs-removed")
    run.state.forget_inputs(dropped)
    entries = [unchanged_entry(item, run.known[item.path]) for item in plan.unchanged]
    entries += [not_read_entry(item) for item in plan.not_read]
    return entries
