"""Every kind of bad input, generated here, run through the flow: nothing crashes or vanishes.

The corpus holds one input per failure mode of issue #9 (binary data under a text name,
broken and explosive gzip, empty files, bad JSONL lines, a 200 MB line, pathological
HTML, files that vanish or change, symlinks out of the folder, odd names) next to
good inputs. The flow must finish, list every input in the manifest with the expected
status and reason, show the same in the report, and write outputs only inside the
output folder. Unreadable permissions need a non-root reader: as root, that case runs
in a child process that drops its privileges.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest

import textwash.pipeline
import textwash.runner
from textwash.config import Config, Limits
from textwash.inputs import (
    InputError,
    RawRecord,
    ReadReceipt,
    discover,
    iter_records,
    output_name_for,
)
from textwash.pipeline import CleanContext, clean_file, clean_raw_record

REPO = Path(__file__).resolve().parent.parent
GOOD_TEXT = ("Volunteers planted two hundred oak saplings along the river path on Saturday, "
             "and the parks team will water them through the dry summer months.\n")
TEST_LIMITS = Limits(max_decompressed_bytes=1024 * 1024, document_timeout_s=3.0)

# path -> (status, reason) every input must end with.
EXPECTED: dict[str, tuple[str, str | None]] = {}
# HTML inputs cleaned as plain text -> the record's `html_fallback`.
HTML_FALLBACKS = {"deep.html": "html-too-deeply-nested", "links.html": "html-too-many-elements",
                  "recurses.html": "html-too-deeply-nested"}


def _put(root: Path, name: str | bytes, data: bytes, expected: tuple[str, str | None]) -> None:
    path = os.path.join(os.fsencode(root), os.fsencode(name))
    with open(path, "wb") as handle:
        handle.write(data)
    shown = name if isinstance(name, str) else name.decode("utf-8", "backslashreplace")
    EXPECTED[shown] = expected


def build_bad_corpus(root: Path) -> None:
    root.mkdir(parents=True)
    EXPECTED.clear()
    _put(root, "good.txt", GOOD_TEXT.encode(), ("cleaned", None))
    # Binary data with a text extension, with and without NUL bytes.
    _put(root, "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
         ("skipped", "binary-content"))
    _put(root, "blob.html", bytes(b % 26 + 1 for b in range(4096)), ("skipped", "binary-content"))
    _put(root, "records.jsonl", bytes(range(256)) * 16, ("skipped", "binary-content"))
    # Gzip: truncated, corrupt, a bomb (text and JSONL), empty content, a good one.
    packed = gzip.compress(GOOD_TEXT.encode() * 50)
    _put(root, "truncated.txt.gz", packed[: len(packed) // 2], ("failed", "truncated-gzip"))
    _put(root, "corrupt.html.gz", b"\x1f\x8b\x08\x00" + b"not deflate data" * 20,
         ("failed", "corrupt-gzip"))
    _put(root, "bomb.txt.gz", gzip.compress(b"a" * (20 * 1024 * 1024), 9),
         ("skipped", "decompressed-too-large"))
    _put(root, "bomb.jsonl.gz",
         gzip.compress(b'{"text": "again and again"}\n' * 500_000, 9),
         ("skipped", "decompressed-too-large"))
    _put(root, "nothing.txt.gz", gzip.compress(b""), ("skipped", "empty-file"))
    _put(root, "fine.md.gz", gzip.compress(GOOD_TEXT.encode()), ("cleaned", None))
    # Zero-byte files.
    _put(root, "empty.txt", b"", ("skipped", "empty-file"))
    _put(root, "empty.jsonl.gz", b"", ("skipped", "empty-file"))
    # JSONL: invalid UTF-8 (a legacy charset line, and undecodable JSON), lines that are
    # not objects or hold no text; some good lines keep the file cleaned.
    _put(root, "mixed.jsonl", b"\n".join([
        json.dumps({"text": GOOD_TEXT}).encode(),
        '{"text": "Caf\u00e9 cr\u00e8me, cr\u00eapes et gal\u00e8tes du march\u00e9"}'
        .encode("cp1252"),
        b'{"text": "\xff\xfe broken \x80\x81 bytes", ',
        b"[1, 2, 3]",
        b'"just a string"',
        b"null",
        b'{"title": "no text here"}',
        b'{"text": ""}',
        b'{"text": 42}',
    ]) + b"\n", ("cleaned", None))
    _put(root, "no-text.jsonl", b'{"title": "a"}\n[1]\n{"text": "   "}\n',
         ("failed", "no-valid-records"))
    # A 200 MB single line between two good ones: streamed past, never held.
    path = root / "huge-line.jsonl"
    with open(path, "wb") as handle:
        handle.write(json.dumps({"text": GOOD_TEXT}).encode() + b"\n")
        handle.write(b'{"text": "')
        chunk = b"x" * (1024 * 1024)
        for _ in range(200):
            handle.write(chunk)
        handle.write(b'"}\n')
        handle.write(json.dumps({"text": GOOD_TEXT + " Second."}).encode() + b"\n")
    EXPECTED["huge-line.jsonl"] = ("cleaned", None)
    # A single text document over the size limit: refused after reading just past it.
    _put(root, "huge.txt", b"word " * (4 * 1024 * 1024), ("skipped", "document-too-large"))
    # Pathological HTML: beyond the bounds of parsing, cleaned as plain text (HTML_FALLBACKS).
    deep = "<html><body>" + "<div>" * 100_000 + GOOD_TEXT + "</div>" * 100_000 + "</body></html>"
    _put(root, "deep.html", deep.encode(), ("cleaned", None))
    # (150,000 links: over the element bound, yet cleaned well within the 3 s test limit.)
    links = "<html><body>" + "<a href=#>x</a>" * 150_000 + "</body></html>"
    _put(root, "links.html", links.encode(), ("cleaned", None))
    # Cleaning these is sabotaged (see `sabotage`): a stage that hangs, an HTML parse that
    # recurses too deep (plain text instead), a stage with a bug.
    page = f"<html><body><p>{GOOD_TEXT}</p></body></html>".encode()
    _put(root, "hangs.html", page, ("failed", "document-timeout"))
    _put(root, "recurses.html", page, ("cleaned", None))
    _put(root, "recurses.txt", GOOD_TEXT.encode(), ("failed", "too-deeply-nested"))
    _put(root, "breaks.html", page, ("failed", "internal-error"))
    # Files that vanish or change after they were listed (see `sabotage`).
    _put(root, "vanishes.txt", GOOD_TEXT.encode(), ("failed", "vanished"))
    _put(root, "changes.txt", GOOD_TEXT.encode(), ("failed", "changed-while-reading"))
    # Symlinks: out of the folder (file and folder), broken, inside (followed).
    outside = root.parent / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(GOOD_TEXT)
    os.symlink(outside / "secret.txt", root / "link-out.txt")
    EXPECTED["link-out.txt"] = ("skipped", "symlink-outside-input")
    os.symlink(root / "missing.txt", root / "dangling.txt")
    EXPECTED["dangling.txt"] = ("skipped", "broken-symlink")
    os.symlink(outside, root / "linked-folder")
    EXPECTED["linked-folder"] = ("skipped", "symlink-directory-not-followed")
    os.symlink(root / "good.txt", root / "link-in.txt")
    EXPECTED["link-in.txt"] = ("cleaned", None)
    os.mkfifo(root / "pipe.txt")
    EXPECTED["pipe.txt"] = ("skipped", "not-a-regular-file")
    # Odd names: spaces, a newline, undecodable bytes, a backslash, a very long name,
    # and folders that would collide with the runner's own.
    _put(root, "name with spaces.txt", GOOD_TEXT.encode(), ("cleaned", None))
    _put(root, "line\nbreak.txt", GOOD_TEXT.encode(), ("cleaned", None))
    _put(root, b"caf\xe9-latin1.txt", GOOD_TEXT.encode(), ("cleaned", None))
    _put(root, "back\\slash.txt", GOOD_TEXT.encode(), ("cleaned", None))
    EXPECTED["back\\\\slash.txt"] = EXPECTED.pop("back\\slash.txt")
    _put(root, "x" * 240 + ".txt", GOOD_TEXT.encode(), ("cleaned", None))
    for folder in ("_staging", "_runs", "..."):
        (root / folder).mkdir()
        _put(root, f"{folder}/inside.txt", GOOD_TEXT.encode(), ("cleaned", None))
    (root / "dir.txt.jsonl").mkdir()
    _put(root, "dir.txt.jsonl/a.txt", GOOD_TEXT.encode(), ("cleaned", None))
    _put(root, "dir.txt", GOOD_TEXT.encode(), ("cleaned", None))


@pytest.fixture
def sabotage(monkeypatch: pytest.MonkeyPatch):
    """Make named inputs misbehave at the moment the flow cleans them."""
    real_clean_files = textwash.runner.clean_files
    real_extract = textwash.pipeline.extract_html

    def sabotaged(items):
        for item in items:  # taken one by one, as the cleaning reaches each file
            if item.path == "vanishes.txt":
                item.abs_path.unlink()
            if item.path == "changes.txt":
                with open(item.abs_path, "a") as handle:
                    handle.write("An added line.\n")
            yield item

    def clean_files(items, ctx, **kwargs):
        return real_clean_files(sabotaged(items), ctx, **kwargs)

    def extract_html(markup: str):
        if "hangs" in CURRENT.get("path", ""):
            while True:
                pass
        if "recurses" in CURRENT.get("path", ""):
            raise RecursionError("maximum recursion depth exceeded")
        if "breaks" in CURRENT.get("path", ""):
            raise ValueError("the HTML stage has a bug")
        return real_extract(markup)

    real_normalize = textwash.pipeline.normalize_whitespace

    def normalize_whitespace(text: str) -> str:
        if CURRENT.get("path", "") == "recurses.txt":
            raise RecursionError("maximum recursion depth exceeded")
        return real_normalize(text)

    real_prepare, real_finish = textwash.pipeline._prepare, textwash.pipeline._finish

    def prepare(raw, ctx, *rest):
        CURRENT["path"] = raw.source_path
        return real_prepare(raw, ctx, *rest)

    def finish(doc, result, ctx):
        CURRENT["path"] = doc.source_path
        return real_finish(doc, result, ctx)

    monkeypatch.setattr(textwash.runner, "clean_files", clean_files)
    monkeypatch.setattr(textwash.pipeline, "extract_html", extract_html)
    monkeypatch.setattr(textwash.pipeline, "normalize_whitespace", normalize_whitespace)
    monkeypatch.setattr(textwash.pipeline, "_prepare", prepare)
    monkeypatch.setattr(textwash.pipeline, "_finish", finish)


CURRENT: dict[str, str] = {}


def _limits_config() -> dict:
    return {"limits": {"max_decompressed_bytes": TEST_LIMITS.max_decompressed_bytes,
                       "document_timeout_s": TEST_LIMITS.document_timeout_s}}


@pytest.mark.slow
def test_flow_accounts_for_every_bad_input_and_completes(
    prefect_server, sabotage, tmp_path: Path
):
    from flows.clean_corpus import clean_corpus

    raw, output = tmp_path / "raw", tmp_path / "clean"
    build_bad_corpus(raw)
    result = clean_corpus(input_dir=str(raw), output_dir=str(output), batch_size=7,
                          config=_limits_config())

    run_dir = output / "_runs" / result["run_id"]
    lines = (run_dir / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    manifest = {entry["path"]: entry for entry in map(json.loads, lines)}
    long_name = "x" * 240 + ".txt"
    assert len(manifest) == len(EXPECTED)
    assert {p: (e["status"], e["reason"]) for p, e in manifest.items()} == EXPECTED
    for path, entry in manifest.items():
        if entry["status"] == "failed":
            assert entry["error"], f"{path} failed without an explanation"

    mixed = manifest["mixed.jsonl"]
    assert mixed["documents"] == 2
    assert [(f["line"], f["reason"]) for f in mixed["failed_records"]] == [
        (3, "invalid-json"), (4, "not-an-object"), (5, "not-an-object"),
        (6, "not-an-object"), (7, "no-text-field"), (8, "no-text-field"),
        (9, "no-text-field"),
    ]
    for name, reason in HTML_FALLBACKS.items():
        [line] = (output / manifest[name]["output"]).read_text(encoding="utf-8").splitlines()
        assert json.loads(line)["html_fallback"] == reason, name
    huge = manifest["huge-line.jsonl"]
    assert huge["documents"] == 2
    assert [(f["line"], f["reason"]) for f in huge["failed_records"]] == [(2, "line-too-long")]

    report = (run_dir / "report.md").read_text(encoding="utf-8").splitlines()
    for reason, count in Counter(HTML_FALLBACKS.values()).items():
        assert f"| {reason} | {count} |" in report
    problems = Counter(v for v in EXPECTED.values() if v[0] != "cleaned")
    for (status, reason), count in problems.items():
        rows = [line for line in report if f"| {status} | {reason} |" in line]
        assert len(rows) == count, f"{status}/{reason}: {count} inputs, {len(rows)} report rows"

    outputs = [p for p in output.rglob("*.jsonl") if "_runs" not in p.relative_to(output).parts]
    root = output.resolve()
    assert all(p.resolve().is_relative_to(root) for p in outputs)
    assert sorted(str(p.relative_to(output)) for p in outputs) == sorted(
        e["output"] for e in manifest.values() if e["output"]
    )
    assert all(len(part.encode()) < 255 for p in outputs for part in p.parts)
    assert (output / manifest[long_name]["output"]).exists()
    assert (raw / "_staging" / "inside.txt").exists()
    assert result["documents"] == sum(e["documents"] for e in manifest.values())


def test_output_names_stay_inside_the_output_folder_whatever_the_input_name():
    names = ["../../etc/passwd", "/abs/path.txt", "a/../../b.txt", "./x.txt", "a//b.txt",
             "..", ".", "\x00nul.txt", "a\\..\\b.txt", "_runs/x.txt", "_staging/y.txt",
             "_report/z.txt", "x" * 300 + ".txt", "/".join(["deep" * 50] * 40) + "/f.txt"]
    for name in names:
        safe = output_name_for(name)
        parts = safe.split("/")
        assert not safe.startswith("/") and ".." not in parts and "." not in parts, name
        assert "" not in parts and parts[0] not in ("_runs", "_staging", "_report"), name
        assert all(len(part.encode()) <= 200 + 9 for part in parts), name
        assert len(safe.encode()) <= 1100, name
    assert len({output_name_for(name) for name in names}) == len(names)


def test_display_paths_of_different_names_never_coincide(tmp_path: Path):
    _put(tmp_path, b"caf\xe9.txt", b"a", ("cleaned", None))
    _put(tmp_path, "caf\\xe9.txt", b"b", ("cleaned", None))
    found = discover(tmp_path)
    assert len({item.path for item in found}) == 2
    assert len({item.output_name for item in found}) == 2


def _jsonl_item(tmp_path: Path, lines: int):
    path = tmp_path / "d.jsonl"
    path.write_bytes(b"".join(json.dumps({"text": f"record {n}"}).encode() + b"\n"
                              for n in range(lines)))
    [item] = discover(tmp_path)
    return item


def test_a_file_changed_in_the_middle_of_reading_is_refused(tmp_path: Path):
    item = _jsonl_item(tmp_path, 3)
    records = iter_records(item, Limits())
    next(records)
    with open(item.abs_path, "ab") as handle:
        handle.write(b'{"text": "appended while being read"}\n')
    with pytest.raises(InputError) as info:
        list(records)
    assert info.value.reason == "changed-while-reading"


def test_the_receipt_holds_the_hash_of_the_bytes_as_stored(tmp_path: Path):
    import hashlib

    item = _jsonl_item(tmp_path, 2)
    receipt = ReadReceipt()
    assert len(list(iter_records(item, Limits(), receipt))) == 2
    assert receipt.sha256 == hashlib.sha256(item.abs_path.read_bytes()).hexdigest()


def test_a_file_swapped_for_a_symlink_after_listing_is_not_followed(tmp_path: Path):
    root = tmp_path / "raw"
    root.mkdir()
    (root / "a.txt").write_text(GOOD_TEXT)
    (tmp_path / "secret.txt").write_text(GOOD_TEXT)
    [item] = discover(root)
    (root / "a.txt").unlink()
    os.symlink(tmp_path / "secret.txt", root / "a.txt")
    outcome = clean_file(item, CleanContext())
    assert (outcome.status, outcome.reason) == ("failed", "symlink-not-followed")


def test_a_record_over_the_time_limit_fails_alone_with_a_reason():
    config = Config(limits=Limits(document_timeout_s=0.5))
    record = RawRecord("slow.txt", 0, "text", GOOD_TEXT)
    assert clean_raw_record(record).chars_in  # loads what loads lazily, under no tight limit
    real = textwash.pipeline.normalize_whitespace
    try:
        textwash.pipeline.normalize_whitespace = _spin_forever
        with pytest.raises(textwash.pipeline.DocumentError) as info:
            clean_raw_record(record, CleanContext(config))
    finally:
        textwash.pipeline.normalize_whitespace = real
    assert info.value.reason == "document-timeout"
    assert clean_raw_record(record).chars_in  # the thread is fine afterwards


def _spin_forever(text: str) -> str:
    while True:
        pass


def _outcomes(root: Path) -> dict[str, list]:
    return {item.path: [outcome.status, outcome.reason]
            for item in discover(root) for outcome in [clean_file(item, CleanContext())]}


def _outcomes_as_nobody(root: Path) -> dict[str, list]:
    """`_outcomes` in a forked child that gave up root (root reads any file)."""
    _outcomes(root / "closed" / "..")  # load every lazily loaded module while still root
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            os.close(reader)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            os.write(writer, json.dumps(_outcomes(root)).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return json.loads(data)


def test_unreadable_files_and_folders_are_reported_not_fatal():
    # A folder every user can reach: the check may run as `nobody`.
    base = Path(tempfile.mkdtemp(prefix="textwash-permissions-"))
    root = base / "raw"
    try:
        (root / "closed").mkdir(parents=True)
        (root / "closed" / "hidden-away.txt").write_text(GOOD_TEXT)
        (root / "locked.txt").write_text(GOOD_TEXT)
        (root / "open.txt").write_text(GOOD_TEXT)
        for path, mode in ((base, 0o755), (root, 0o755), (root / "open.txt", 0o644),
                           (root / "locked.txt", 0), (root / "closed", 0)):
            os.chmod(path, mode)
        found = _outcomes_as_nobody(root) if os.geteuid() == 0 else _outcomes(root)
        assert found == {
            "closed": ["skipped", "unreadable-directory"],
            "locked.txt": ["failed", "permission-denied"],
            "open.txt": ["cleaned", None],
        }
    finally:
        os.chmod(root / "closed", 0o755)
        shutil.rmtree(base)


def test_a_refused_file_never_closes_a_descriptor_reused_elsewhere(tmp_path: Path):
    import gc

    item = _jsonl_item(tmp_path, 1)
    item.abs_path.write_bytes(b'{"text": "rewritten after listing, longer than before"}\n')
    with pytest.raises(InputError) as refused:  # keeps the refused reader alive
        list(iter_records(item, Limits()))
    other = os.open(tmp_path / "d.jsonl", os.O_RDONLY)  # likely the refused one's number
    try:
        del refused
        gc.collect()
        os.fstat(other)
    finally:
        os.close(other)


def test_an_output_folder_inside_the_input_folder_is_never_read_as_input(tmp_path: Path):
    from tests.library_run import run_corpus

    raw = tmp_path / "data"
    raw.mkdir()
    (raw / "story.txt").write_text(GOOD_TEXT)
    run_corpus(raw, raw / "clean")
    second = run_corpus(raw, raw / "clean")["report"]
    lines = (Path(second["run_dir"]) / "manifest.jsonl").read_text().splitlines()
    entries = {e["path"]: (e["status"], e["reason"]) for e in map(json.loads, lines)}
    assert entries == {"clean": ("skipped", "output-folder-not-read"),
                       "story.txt": ("skipped", "unchanged")}
