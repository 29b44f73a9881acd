"""Build a small corpus of seeds plus bad and edge inputs, and run it without Prefect.

`run_library()` is `textwash.local_run.run_in_process` (the flow's steps in order), so
report tests see the same manifest, outputs and stats as a flow run, in a fraction of
the time. Not a test module: shared by tests/test_report*.py.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

from textwash.config import Config
from textwash.local_run import run_in_process

REPO = Path(__file__).resolve().parent.parent
SEED_003 = "seeds/003_8c1e1d54294b7559.txt"

ENGLISH = ("The committee met on Tuesday to discuss the new budget for the regional library "
           "network, which has grown steadily over the past decade despite repeated cuts.")
GERMAN = ("Der Ausschuss traf sich am Dienstag, um über den neuen Haushalt für das regionale "
          "Bibliotheksnetz zu beraten, das trotz wiederholter Kürzungen stetig gewachsen ist.")
GERMAN_MORE = ("Die Stadt plant außerdem neue Leseräume und längere Öffnungszeiten am "
               "Wochenende, damit Familien und Schüler die Bibliotheken besser nutzen können.")


def build_edge_corpus(root: Path) -> Path:
    """The seeds under seeds/ plus one input for each outcome the report must account for."""
    (root / "seeds").mkdir(parents=True)
    for path in sorted((REPO / "seeds").glob("*.txt")):
        shutil.copy(path, root / "seeds" / path.name)
    edge = root / "edge"
    edge.mkdir()
    lines = [
        json.dumps({"id": "ok", "text": ENGLISH + "\n\n" + ENGLISH}),
        "{broken json",
        json.dumps({"id": "mixed",
                    "text": "\n\n".join([ENGLISH, GERMAN, GERMAN_MORE, ENGLISH])}),
        json.dumps({"id": "numbers", "text": "12 345 678 — 90 11 12 — 13 14"}),
        json.dumps({"id": "chrome", "text": "Share\nClose\nText Size\nJoin us on social!"}),
        json.dumps({"id": "short", "text": "A short note about the weather today."}),
        json.dumps({"id": "no-text", "title": "nothing here"}),
    ]
    (edge / "records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (edge / "damaged.txt").write_text(
        "Seoul ??? ????? report\n\n" + ENGLISH + " The mayor said the ???? was \ufffd\ufffd "
        "beyond repair.\n", encoding="utf-8")
    (edge / "heavy.txt").write_text(
        "\n".join(["Skip to main content", "Menu", "Share on Facebook", "Share on Twitter",
                   "Read more", "Subscribe", "Sign in", "Advertisement",
                   "© 2026 Example Media. All rights reserved.",
                   "Copyright 2026 Example Media Group, all rights reserved worldwide.",
                   "Photo: Example Media archive, licensed for editorial use only",
                   "Photo credit: Example Media staff photographer, all rights reserved",
                   "© Example Media Group 2026. All rights reserved. Reproduction prohibited.",
                   "Share this article", "Follow us", "Back to top", "Sign up",
                   "The council approved the new cycle lane after a long debate on Monday."])
        + "\n", encoding="utf-8")
    (edge / "broken.txt.gz").write_bytes(b"\x1f\x8b\x08\x00 this is not a gzip stream")
    (edge / "empty.txt").write_bytes(b"")
    (edge / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (edge / "all-bad.jsonl").write_text("{nope\n[1, 2]\n", encoding="utf-8")
    with gzip.open(edge / "archive.md.gz", "wt", encoding="utf-8") as handle:
        handle.write("# Archive\n\n" + ENGLISH + "\n")
    return root


def run_library(input_dir: Path, output_dir: Path, *, batch_size: int = 3,
                full: bool = False) -> dict[str, Any]:
    """One run over `input_dir`, as the flow does it, without Prefect."""
    settings = Config()
    params = {"input_dir": str(input_dir), "output_dir": str(output_dir), "full": full,
              "batch_size": batch_size, "config": settings.to_dict()}
    return run_in_process(input_dir, output_dir, max_files=batch_size, config=settings,
                          full=full, params=params).report
