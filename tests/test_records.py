from __future__ import annotations

import json

import jsonschema

import textwash
from tests.conftest import SAMPLE_HTML
from textwash.records import document_id, dumps


def test_every_seed_record_validates_against_schema_v1(seed_paths, schema):
    for path in seed_paths:
        jsonschema.validate(textwash.clean_document(path.read_bytes(), filename=path.name), schema)


def test_html_record_takes_title_and_url_from_the_page_and_validates(schema):
    record = textwash.clean_document(SAMPLE_HTML.encode(), filename="page.html")
    jsonschema.validate(record, schema)
    assert record["title"] == "Harbour festival returns"
    assert record["source"]["url"] == "https://coastal.example/news/festival"
    assert "Road closures" in record["text"].split("\n")
    assert not record["text"].startswith("Harbour festival returns")
    assert "All rights reserved" not in record["text"]


def test_serialized_record_is_one_sorted_utf8_line():
    record = textwash.clean_document("Überschrift\n\nEin kurzer Absatz.".encode(), filename="x.txt")
    line = dumps(record)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert "Ü".encode() in line or b"Ein" in line
    assert list(json.loads(line)) == sorted(json.loads(line))


def test_every_key_is_present_even_when_empty(schema):
    record = textwash.clean_document(b"", filename="empty.txt")
    assert set(record) == set(schema["properties"])
    assert record["title"] is None and record["language"] == "und"
    jsonschema.validate(record, schema)


def test_records_written_by_0_1_0_without_html_fallback_still_validate(schema):
    record = textwash.clean_document(b"Ein Satz.", filename="old.txt")
    del record["html_fallback"]
    jsonschema.validate(record, schema)
    assert set(schema["required"]) == set(schema["properties"]) - {"html_fallback"}


def test_document_ids_are_stable_and_differ_by_path_and_index():
    assert document_id("a.txt", 0) == document_id("a.txt", 0)
    assert document_id("a.txt", 0) != document_id("a.txt", 1)
    assert document_id("a.txt", 0) != document_id("b.txt", 0)
