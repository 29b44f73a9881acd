"""Shared fixtures: the seed corpus, a small mixed corpus, and one Prefect test server."""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SCHEMA_PATH = REPO / "schema" / "document-v1.schema.json"

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

SAMPLE_HTML = """<!doctype html><html><head><meta charset="utf-8">
<title>Harbour festival returns | Coastal Times</title>
<meta property="og:title" content="Harbour festival returns">
<link rel="canonical" href="https://coastal.example/news/festival"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Harbour festival returns</h1>
<p>The harbour festival returns this weekend after a two-year pause, organisers said on
Monday, with boat races, music and food stalls along the whole of the old quay.</p>
<h2>Road closures</h2>
<p>Several streets near the quay will be closed to traffic from Friday evening until
Sunday night, and visitors are asked to use the park-and-ride service from the station.</p>
</article><footer>© 2026 Coastal Times. All rights reserved.</footer></body></html>
"""


@pytest.fixture
def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


@pytest.fixture
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


@pytest.fixture
def mixed_corpus(tmp_path: Path) -> Path:
    """Seeds plus one input of every supported kind, one gzip, one bad JSONL line."""
    root = tmp_path / "raw"
    (root / "seeds").mkdir(parents=True)
    for path in sorted(SEEDS.glob("*.txt")):
        shutil.copy(path, root / "seeds" / path.name)
    (root / "page.html").write_text(SAMPLE_HTML, encoding="utf-8")
    (root / "notes.md").write_text(
        "# Field notes\n\nThe survey team counted forty-two nesting pairs on the north cliff, "
        "up from thirty last spring, and expects the colony to keep growing.\n",
        encoding="utf-8",
    )
    lines = [
        json.dumps({"id": "a1", "url": "https://example.org/a", "title": "First",
                    "text": "A first record with enough words to be a real paragraph of text "
                            "about the weather in the valley this week.", "lang_hint": "en"}),
        "{not json",
        json.dumps({"id": "a3", "content": "<html><body><p>Markup content in a JSON record "
                    "that should be parsed as HTML and kept as text.</p></body></html>"}),
        "",
        json.dumps(["not", "an", "object"]),
    ]
    (root / "dump.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with gzip.open(root / "archive.txt.gz", "wt", encoding="utf-8") as handle:
        handle.write("Compressed article\n\nThis article arrived gzip-compressed and must be "
                     "cleaned exactly like a plain text file would be cleaned.\n")
    (root / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return root


@pytest.fixture(scope="session")
def prefect_server():
    """One temporary Prefect server for every flow test in the session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield
