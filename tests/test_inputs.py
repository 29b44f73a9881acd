from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from textwash.config import Limits
from textwash.inputs import (
    InputError,
    RawRecord,
    RecordFailure,
    classify,
    discover,
    gunzip_bounded,
    iter_records,
    looks_binary,
    output_name_for,
    read_bytes,
    read_records,
)


def test_classify_knows_every_supported_kind_and_gzip():
    assert classify("a.txt") == ("text", False)
    assert classify("a.MD") == ("text", False)
    assert classify("a.htm.gz") == ("html", True)
    assert classify("a.ndjson") == ("jsonl", False)
    assert classify("a.pdf") == (None, False)


def test_discover_sorts_recursively_and_explains_skips(tmp_path: Path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("hello")
    (tmp_path / "a.txt").write_text("hello")
    (tmp_path / "c.pdf").write_text("%PDF")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / ".hidden.txt").write_text("x")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("secret")
    os.symlink(outside, tmp_path / "link.txt")
    found = {f.path: f.skip_reason for f in discover(tmp_path)}
    assert list(found) == sorted(found)
    assert found == {
        ".hidden.txt": "hidden-file",
        "a.txt": None,
        "b/z.txt": None,
        "c.pdf": "unsupported-type",
        "empty.txt": "empty-file",
        "link.txt": "symlink-outside-input",
    }


def test_output_names_never_escape_and_never_collide():
    assert output_name_for("a/b.txt") == "a/b.txt"
    odd = output_name_for("a\nb.txt")
    assert "\n" not in odd and odd != output_name_for("a_b.txt")
    assert ".." not in output_name_for("../x").split("/")


def test_gzip_bomb_is_refused_with_a_reason():
    bomb = gzip.compress(b"\0" * 5_000_000)
    with pytest.raises(InputError) as info:
        gunzip_bounded(bomb, 1_000_000)
    assert info.value.reason == "decompressed-too-large"


def test_truncated_and_corrupt_gzip_fail_with_distinct_reasons():
    data = gzip.compress(b"hello world " * 1000)
    with pytest.raises(InputError) as truncated:
        gunzip_bounded(data[: len(data) // 2], 10**6)
    assert truncated.value.reason == "truncated-gzip"
    with pytest.raises(InputError) as corrupt:
        gunzip_bounded(b"\x1f\x8b\x08\x00garbage-garbage", 10**6)
    assert corrupt.value.reason == "corrupt-gzip"


def test_binary_content_is_detected_but_utf16_is_not_binary():
    assert looks_binary(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01")
    assert not looks_binary("plain text".encode("utf-16-le"))
    assert not looks_binary("plain text".encode("utf-16"))


def test_text_is_binary_only_when_over_a_tenth_of_it_is_control_bytes():
    text = b"a" * 900
    assert not looks_binary(text + b"\x01" * 99)
    assert looks_binary(text + b"\x01\x02\x1f" * 34)
    # Whitespace controls and ESC (terminal colours) are text.
    assert not looks_binary(text + b"\t\n\r\x0b\x0c\x1b" * 100)


def test_discover_gives_nested_files_their_path_from_the_root(tmp_path: Path):
    (tmp_path / "x" / "y").mkdir(parents=True)
    (tmp_path / "x" / "y" / "deep.txt").write_text("deep")
    os.symlink(tmp_path / "x" / "y" / "deep.txt", tmp_path / "x" / "alias.txt")
    found = {f.path: f for f in discover(tmp_path / "x" / ".." / "x")}
    assert sorted(found) == ["alias.txt", "y/deep.txt"]
    assert found["y/deep.txt"].abs_path == tmp_path / "x" / "y" / "deep.txt"
    assert found["alias.txt"].abs_path == found["y/deep.txt"].abs_path
    assert found["alias.txt"].size == 4 and found["alias.txt"].skip_reason is None


def test_documents_are_read_whole_up_to_the_limit_whatever_their_listed_size(
    tmp_path: Path,
):
    text = "".join(f"line {n} of a long and repetitive document\n" for n in range(20_000))
    (tmp_path / "plain.txt").write_text(text)
    (tmp_path / "packed.txt.gz").write_bytes(gzip.compress(text.encode()))  # ~20x smaller
    limits = Limits(max_document_bytes=len(text))
    for item in discover(tmp_path):
        [record] = list(iter_records(item, limits))
        assert record.data == text.encode()
    for item in discover(tmp_path):
        with pytest.raises(InputError) as info:
            list(iter_records(item, Limits(max_document_bytes=len(text) - 1)))
        assert info.value.reason == "document-too-large"


def _jsonl_item(tmp_path: Path, lines: list[str]):
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    [item] = discover(tmp_path)
    return item


def test_jsonl_bad_line_fails_only_that_record_with_its_line_number(tmp_path: Path):
    item = _jsonl_item(tmp_path, [
        json.dumps({"text": "first"}),
        "{broken",
        json.dumps({"html": "<p>third</p>", "id": 7, "url": "https://x.example/3", "extra": 1}),
        json.dumps([1, 2]),
        json.dumps({"title": "no text"}),
    ])
    out = list(read_records(item, read_bytes(item, Limits())))
    records = [r for r in out if isinstance(r, RawRecord)]
    failures = [r for r in out if isinstance(r, RecordFailure)]
    assert [r.index for r in records] == [0, 2]
    assert records[1].kind == "html" and records[1].input_id == "7"
    assert records[1].metadata == {"extra": 1}
    assert [(f.line, f.reason) for f in failures] == [
        (2, "invalid-json"), (4, "not-an-object"), (5, "no-text-field"),
    ]


def test_jsonl_line_in_a_legacy_charset_is_redecoded_not_lost(tmp_path: Path):
    path = tmp_path / "d.jsonl"
    path.write_bytes('{"text": "Caf\u00e9 cr\u00e8me au lait"}\n'.encode("cp1252"))
    [item] = discover(tmp_path)
    [record] = list(read_records(item, read_bytes(item, Limits())))
    assert isinstance(record, RawRecord)
    assert record.data == "Caf\u00e9 cr\u00e8me au lait"
    assert record.redecoded_from is not None
