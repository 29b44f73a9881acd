"""The same inputs give byte-identical output whatever the file order, batching or workers.

Two copies of one corpus are written in opposite orders (so the folders list them
differently), then cleaned with one file per batch, a few, or all in one, serially, on
threads and on processes. Every output file must match byte for byte, and so must the
template-line state the runs built. (The Prefect flow's own batching is compared with
these runs in `tests/test_crash.py`.)
"""

from __future__ import annotations

import json
import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.library_run import output_files, run_corpus, state_view

NAV = "Home | Weather | Rivers | About us"
FOOTER = "All rights reserved. Share this story with your friends."


def _files() -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for n in range(9):
        text = (f"{NAV}\n\nFlood watch {n}\n\nThe gauge at station {n} read {n + 2} metres "
                f"on Tuesday, and farmers moved {n * 10} sheep to higher ground.\n\n{FOOTER}\n")
        files[f"site/{n:02d}.txt"] = text.encode()
    files["a/page.html"] = (
        b"<html><head><title>Bridge reopens | Valley Post</title></head><body><nav>Home</nav>"
        b"<article><h1>Bridge reopens</h1><p>The old stone bridge reopened to walkers after "
        b"six months of repairs, the council said.</p></article><footer>Valley Post</footer>"
        b"</body></html>"
    )
    records = [{"id": n, "url": f"https://post.example/{n % 3}/{n}",
                "text": f"{NAV}\nRecord {n} says the ferry runs every {n + 1} hours.\n{FOOTER}"}
               for n in range(12)]
    files["b/dump.jsonl"] = b"".join(json.dumps(r).encode() + b"\n" for r in records)
    files["b/broken.jsonl"] = b'{"text": "fine line one about boats"}\n{oops\n'
    files["z/empty.txt"] = b""
    files["z/\u00e9t\u00e9 notes.md"] = "# \u00c9t\u00e9\n\nLa rivi\u00e8re est basse.\n".encode()
    return files


def _write(root: Path, files: dict[str, bytes], order: list[str]) -> Path:
    for name in order:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[name])
    return root


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    files = _files()
    base = tmp_path_factory.mktemp("determinism")
    forward = _write(base / "forward", files, sorted(files))
    backward = _write(base / "backward", files, sorted(files, reverse=True))
    return forward, backward


def _clean(inputs: Path, output: Path, max_files: int, executor: Executor | None = None):
    run_corpus(inputs, output, max_files=max_files, executor=executor)
    state = state_view(output)
    return output_files(output), state["template_docs"], state["template_lines"]


def test_output_bytes_do_not_depend_on_order_batches_or_workers(
    corpora: tuple[Path, Path], tmp_path: Path
):
    forward, backward = corpora
    reference = _clean(forward, tmp_path / "one-batch", 100)
    assert len(reference[0]) == 13
    assert reference[2], "no template-line state: the cross-file stage is not exercised"
    variants = {
        "reversed files, one per batch": _clean(backward, tmp_path / "r1", 1),
        "three per batch": _clean(forward, tmp_path / "f3", 3),
        "reversed, two per batch, four threads":
            _clean(backward, tmp_path / "t4", 2, ThreadPoolExecutor(4)),
    }
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(2, mp_context=spawn) as processes:
        variants["two per batch, two processes"] = _clean(forward, tmp_path / "p2", 2, processes)
    for name, result in variants.items():
        assert result == reference, name
