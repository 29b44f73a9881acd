"""Kill a real run with SIGKILL at ten different points, rerun: the output is the same.

The scenario is an incremental run (inputs added, changed, deleted and emptied since a
first run), so deleted outputs, replaced outputs and template-line counts are all in
play. A child process runs the corpus with `TEXTWASH_FAILPOINT` set and must die by
SIGKILL at that point; the rerun must then leave exactly the output files and state of
an uninterrupted run, with no staged or temporary file left. Most kills use the library
runner (`tests/library_run.py`, no Prefect import per kill: ~10 s each on a busy
machine); two more go through the Prefect flow itself.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.library_run import REPO, run_corpus, snapshot
from textwash.failpoints import ENV_VAR

pytestmark = pytest.mark.slow

MAX_FILES = 3
TEMPLATE = ["Home | News | Sport | Contact", "Subscribe to our newsletter for daily updates"]


def _article(n: int) -> str:
    body = (f"Article {n} reports that the river level rose by {n} centimetres overnight, "
            "and the council asked residents near the bridge to move their cars.")
    return "\n\n".join([TEMPLATE[0], f"River report number {n}", body, TEMPLATE[1]]) + "\n"


def build_first_inputs(root: Path) -> None:
    (root / "site").mkdir(parents=True)
    for n in range(6):
        (root / "site" / f"a{n}.txt").write_text(_article(n), encoding="utf-8")
    (root / "page.html").write_text(
        "<html><head><title>Market day</title></head><body><nav>Home</nav><article>"
        "<p>The market opens at eight with thirty stalls of fruit, cheese and bread, "
        "and the square is closed to traffic until the afternoon.</p></article></body></html>",
        encoding="utf-8",
    )
    lines = [json.dumps({"id": i, "url": f"https://news.example/{i}", "text": _article(10 + i)})
             for i in range(4)]
    (root / "dump.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with gzip.open(root / "old.txt.gz", "wt", encoding="utf-8") as handle:
        handle.write(_article(20))
    (root / "gone.txt").write_text(_article(30), encoding="utf-8")


def change_inputs(root: Path) -> None:
    """What happened between the first run and the run that gets killed."""
    (root / "gone.txt").unlink()
    (root / "site" / "a1.txt").write_text("", encoding="utf-8")  # now skipped unread
    (root / "site" / "a2.txt").write_text(_article(2) + "\nA correction was added.\n",
                                          encoding="utf-8")
    for n in range(6, 12):
        (root / "site" / f"a{n}.txt").write_text(_article(n), encoding="utf-8")
    (root / "bad.txt.gz").write_bytes(gzip.compress(_article(40).encode())[:40])


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("crash")
    inputs, first = base / "raw", base / "first"
    build_first_inputs(inputs)
    run_corpus(inputs, first, max_files=MAX_FILES)
    change_inputs(inputs)
    reference = base / "reference"
    shutil.copytree(first, reference)
    staged_writes = run_corpus(inputs, reference, max_files=MAX_FILES)["staged_writes"]
    return {"inputs": inputs, "first": first, "reference": snapshot(reference),
            "staged_writes": staged_writes}


def _points(staged_writes: int) -> list[str]:
    return [
        "run-opened",                          # before anything is planned
        "gone-outputs-removed",                # deleted inputs' outputs gone, state not yet
        "fingerprint-recorded:2",              # template counts half updated
        "output-staged:1",                     # during the first batch
        "before-rename:2",                     # a staged file written, not yet renamed
        "output-committed:1",                  # an output renamed into place, state not yet
        "batch-committed:1",                   # between batches
        "output-staged:5",                     # during a later batch
        f"before-rename:{staged_writes + 1}",  # while writing the run manifest
        "batch-committed:3",                   # after the last batch, before the report
    ]


POINT_NAMES = [p.split(":")[0] + (f"-{p.split(':')[1]}" if ":" in p else "")
               for p in _points(0)]


def _killed(args: list[str], point: str, extra_env: dict[str, str] | None = None) -> None:
    env = {**os.environ, ENV_VAR: point, "PYTHONPATH": str(REPO), **(extra_env or {})}
    proc = subprocess.run(args, env=env, capture_output=True, timeout=300, cwd=REPO)
    assert proc.returncode == -signal.SIGKILL, (
        f"the run was not killed at {point}: exit {proc.returncode}\n"
        f"{proc.stderr.decode(errors='replace')[-2000:]}"
    )


@pytest.mark.parametrize("index", range(10), ids=POINT_NAMES)
def test_rerun_after_sigkill_gives_exactly_the_uninterrupted_output(
    scenario: dict, index: int, tmp_path: Path
):
    point = _points(scenario["staged_writes"])[index]
    output = tmp_path / "clean"
    shutil.copytree(scenario["first"], output)
    _killed([sys.executable, str(REPO / "tests" / "library_run.py"), str(scenario["inputs"]),
             str(output), str(MAX_FILES)], point)
    run_corpus(scenario["inputs"], output, max_files=MAX_FILES)
    assert snapshot(output) == scenario["reference"]


FLOW_CHILD = (
    "import sys; from flows.clean_corpus import clean_corpus; "
    "clean_corpus(input_dir=sys.argv[1], output_dir=sys.argv[2], batch_size=int(sys.argv[3]))"
)


@pytest.mark.parametrize("point", ["output-committed:2", "batch-committed:1"])
def test_rerun_after_sigkill_of_the_prefect_flow_gives_the_uninterrupted_output(
    prefect_server, scenario: dict, point: str, tmp_path: Path
):
    from prefect.settings import PREFECT_API_URL

    from flows.clean_corpus import clean_corpus

    output = tmp_path / "clean"
    shutil.copytree(scenario["first"], output)
    _killed([sys.executable, "-c", FLOW_CHILD, str(scenario["inputs"]), str(output),
             str(MAX_FILES)], point, {"PREFECT_API_URL": PREFECT_API_URL.value()})
    clean_corpus(input_dir=str(scenario["inputs"]), output_dir=str(output),
                 batch_size=MAX_FILES)
    assert snapshot(output) == scenario["reference"]
