"""Turn a finished `Document` into a schema-v1 record and serialize it.

Every key of the schema is always present (null, not missing), keys are sorted, the
text is UTF-8 and each record is one `\\n`-terminated line, so the files load with one
schema in pyarrow or pandas. The schema itself is `schema/document-v1.schema.json`.
This module does not clean anything and does not write files.
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any

import orjson

from textwash.document import Document

SCHEMA_VERSION = 1


@cache
def pipeline_version() -> str:
    from textwash import __version__

    return __version__


def document_id(source_path: str, index: int) -> str:
    """A stable id from the source path and record index (16 hex characters)."""
    return hashlib.sha256(f"{source_path}\x00{index}".encode()).hexdigest()[:16]


def content_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def to_record(doc: Document) -> dict[str, Any]:
    """The schema-v1 dict of a finished document."""
    text, removed = doc.text, doc.removed
    return {
        "id": doc.id,
        "source": {"path": doc.source_path, "index": doc.index, "url": doc.url},
        "title": doc.title,
        "text": text,
        "language": doc.language,
        "language_confidence": doc.language_confidence,
        "languages": [{"language": code, "share": share} for code, share in doc.languages],
        "removed": [{"text": r.text, "reason": r.reason} for r in removed],
        "repairs": [{"kind": kind, "count": count} for kind, count in sorted(doc.repairs.items())]
        if doc.repairs else [],
        "encoding": {"detected": doc.encoding_detected, "damaged": doc.encoding_damaged},
        "html_fallback": doc.signals.get("html_fallback"),
        "stats": {
            "chars_in": doc.chars_in,
            "chars_out": len(text),
            "lines_in": doc.lines_in,
            "lines_removed": len(removed),
        },
        "content_sha256": content_sha256(text),
        "pipeline": {"version": pipeline_version(), "schema": SCHEMA_VERSION},
        "metadata": doc.metadata,
    }


def dumps(record: dict[str, Any]) -> bytes:
    """One JSONL line: sorted keys, UTF-8, newline-terminated."""
    return orjson.dumps(record, option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)
