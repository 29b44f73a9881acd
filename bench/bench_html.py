"""HTML main-content extraction on WCXB-dev: word-F1 by page type, speed, against trafilatura.

Scores what the pipeline produces for an HTML page (`extract_html`, then the text-level
boilerplate stage as `textwash.pipeline.strip_document_boilerplate` runs it for HTML)
and, on the same pages in the same run, trafilatura's `extract` when it is installed
(the `bench` extra; never a runtime dependency). Metric (the benchmark's): bag of
lower-cased `\\w+` tokens against `ground_truth.main_content`, F1 per page (1 when both
are empty), mean over pages; the two pages without a `main_content` field are skipped.
Speed is CPU time of one process on the decoded markup, both extractors timed page by
page, interleaved. `TEXTWASH_BENCH_HTML_PAGES=N` limits the run to a stratified sample of
N pages (default: all). Synthetic pathological pages (deep nesting, half a million links,
megabytes of markup) go through the whole pipeline: how they come out, and how long it took.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.common import Row, missing_row, shared_path
from textwash.decode import decode_bytes
from textwash.html import extract_html
from textwash.pipeline import strip_document_boilerplate

_WORD = re.compile(r"\w+")
MAX_PAGE_SECONDS = 2.0
MARGIN = 0.02


@dataclass(frozen=True, slots=True)
class Page:
    file_id: str
    page_type: str
    markup: str
    gold: Counter[str]


@dataclass(slots=True)
class Tally:
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0
    pages: int = 0

    def add(self, scores: tuple[float, float, float]) -> None:
        self.precision += scores[0]
        self.recall += scores[1]
        self.f1 += scores[2]
        self.pages += 1

    def mean(self) -> tuple[float, float, float]:
        n = max(self.pages, 1)
        return self.precision / n, self.recall / n, self.f1 / n


def words(text: str) -> Counter[str]:
    return Counter(_WORD.findall(text.lower()))


def word_scores(predicted: str, gold: Counter[str]) -> tuple[float, float, float]:
    """Precision, recall and F1 of the bag of words of `predicted` against `gold`."""
    got = words(predicted)
    if not got or not gold:
        return (1.0, 1.0, 1.0) if not got and not gold else (0.0, 0.0, 0.0)
    overlap = sum((got & gold).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision = overlap / sum(got.values())
    recall = overlap / sum(gold.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def load_pages(root: Path, limit: int | None) -> list[Page]:
    entries: list[tuple[str, str, dict]] = []
    for truth_path in sorted((root / "ground-truth").glob("*.json")):
        truth = json.loads(truth_path.read_text("utf-8"))
        main = truth.get("ground_truth", {}).get("main_content")
        if main is None:  # no ground truth; an empty one means "no main content"
            continue
        entries.append((truth_path.stem, truth["_internal"]["page_type"]["primary"], main))
    if limit is not None and limit < len(entries):
        entries = _stratified(entries, limit)
    pages = []
    for file_id, page_type, main in entries:
        raw = gzip.decompress((root / "html" / f"{file_id}.html.gz").read_bytes())
        pages.append(Page(file_id, page_type, decode_bytes(raw, html=True).text, words(main)))
    return pages


def _stratified(entries: list, limit: int) -> list:
    by_type: dict[str, list] = defaultdict(list)
    for entry in entries:
        by_type[entry[1]].append(entry)
    share = limit / len(entries)
    rng = random.Random(0)
    picked = []
    for group in by_type.values():
        picked += rng.sample(group, max(1, round(len(group) * share)))
    return sorted(picked)


def textwash_pipeline(markup: str) -> str:
    extraction = extract_html(markup, record_removed=False)
    return strip_document_boilerplate(extraction.text, kind="html", title=extraction.title).text


def textwash_extract_only(markup: str) -> str:
    return extract_html(markup, record_removed=False).text


def _trafilatura() -> Callable[[str], str] | None:
    try:
        import trafilatura
    except ImportError:
        return None

    def extract(markup: str) -> str:
        return trafilatura.extract(markup) or ""

    return extract


_FILLER = ("The committee met on Tuesday to discuss the new budget, which had been delayed "
           "twice, and agreed that the proposal needed more detail before a vote. ")
PATHOLOGICAL_PAGES: dict[str, Callable[[], str]] = {
    "100,000 nested <div>": lambda: (
        "<html><body>" + "<div>" * 100_000 + _FILLER + "</div>" * 100_000 + "</body></html>"
    ),
    "500,000 links": lambda: "<html><body>" + "<a href=#>x</a>" * 500_000 + "</body></html>",
    "12 MB of paragraphs": lambda: "<html><body>" + f"<p>{_FILLER}</p>" * 80_000 + "</body></html>",
}


def pathological_rows() -> list[Row]:
    """Pages beyond the bounds of parsing, through the whole pipeline: cleaned as plain
    text with the bound they exceeded (`html_fallback`), in bounded time."""
    from textwash.inputs import RawRecord
    from textwash.pipeline import clean_raw_record

    clean_raw_record(RawRecord("warm-up.html", 0, "html", f"<p>{_FILLER}</p>"))
    out = []
    for name, build in PATHOLOGICAL_PAGES.items():
        markup = build()
        started = time.process_time()
        try:
            doc = clean_raw_record(RawRecord("page.html", 0, "html", markup.encode()))
            outcome = f"plain text ({doc.signals.get('html_fallback')})"
        except Exception as exc:  # noqa: BLE001 - a failure is a measured outcome here
            outcome = f"failed ({getattr(exc, 'reason', type(exc).__name__)})"
        took = time.process_time() - started
        out.append(Row(f"html pathological page: {name}", f"{outcome}, {took:.1f} s",
                       "plain text with a reason", f"{len(markup) / 1e6:.1f} MB of markup",
                       "whole pipeline, CPU time"))
    return out


def rows() -> list[Row]:
    root = shared_path("bench", "wcxb-dev")
    if root is None:
        return [missing_row("html word-F1", "bench/wcxb-dev"), *pathological_rows()]
    limit_text = os.environ.get("TEXTWASH_BENCH_HTML_PAGES")
    pages = load_pages(root, int(limit_text) if limit_text else None)
    trafilatura = _trafilatura()
    ours: dict[str, Tally] = defaultdict(Tally)
    ours_extract: dict[str, Tally] = defaultdict(Tally)
    theirs: dict[str, Tally] = defaultdict(Tally)
    seconds = {"ours": 0.0, "trafilatura": 0.0}
    slowest = (0.0, "")
    crashes: list[str] = []
    for page in pages:
        started = time.process_time()
        try:
            extracted = extract_html(page.markup, record_removed=False)
            text = strip_document_boilerplate(
                extracted.text, kind="html", title=extracted.title
            ).text
        except Exception:  # noqa: BLE001 - a crash is a measured outcome here
            crashes.append(page.file_id)
            extracted, text = None, ""
        took = time.process_time() - started
        seconds["ours"] += took
        slowest = max(slowest, (took, page.file_id))
        for key in ("all", page.page_type):
            ours[key].add(word_scores(text, page.gold))
            ours_extract[key].add(word_scores(extracted.text if extracted else "", page.gold))
        if trafilatura is not None:
            started = time.process_time()
            theirs_text = trafilatura(page.markup)
            seconds["trafilatura"] += time.process_time() - started
            for key in ("all", page.page_type):
                theirs[key].add(word_scores(theirs_text, page.gold))
    return _rows(pages, ours, ours_extract, theirs if trafilatura else None, seconds,
                 slowest, crashes) + pathological_rows()


def _rows(
    pages: list[Page],
    ours: dict[str, Tally],
    ours_extract: dict[str, Tally],
    theirs: dict[str, Tally] | None,
    seconds: dict[str, float],
    slowest: tuple[float, str],
    crashes: list[str],
) -> list[Row]:
    inputs = f"wcxb-dev, {len(pages)} pages"
    out: list[Row] = []
    types = ["all"] + sorted(k for k in ours if k != "all")
    for key in types:
        precision, recall, f1 = ours[key].mean()
        n = ours[key].pages
        if theirs is not None:
            their_f1 = theirs[key].mean()[2]
            bound = their_f1 + MARGIN if key == "all" else their_f1 - MARGIN
            target = f"≥ {bound:.3f} (trafilatura {'+' if key == 'all' else '−'} {MARGIN})"
            met = "met" if f1 >= bound else "NOT met"
            note = f"{met}; Δ vs trafilatura {f1 - their_f1:+.3f}"
        else:
            target, note = "", "trafilatura not installed: no comparison"
        out.append(Row(f"html word-F1 {key} (P / R)",
                       f"{f1:.3f} ({precision:.3f} / {recall:.3f})", target,
                       f"{inputs}: {n} {key}", note))
    if theirs is not None:
        for key in types:
            precision, recall, f1 = theirs[key].mean()
            out.append(Row(f"trafilatura word-F1 {key} (P / R)",
                           f"{f1:.3f} ({precision:.3f} / {recall:.3f})", "",
                           f"{inputs}: {theirs[key].pages} {key}", "same run, same pages"))
    else:
        out.append(Row("trafilatura word-F1", "skipped", inputs=inputs,
                       note="trafilatura not installed (pip install -e '.[bench]')"))
    for key in types:
        precision, recall, f1 = ours_extract[key].mean()
        note = "before the text-level boilerplate stage"
        if theirs is not None:
            note += f"; Δ vs trafilatura {f1 - theirs[key].mean()[2]:+.3f}"
        out.append(Row(f"extract_html alone word-F1 {key} (P / R)",
                       f"{f1:.3f} ({precision:.3f} / {recall:.3f})", "",
                       f"{inputs}: {ours_extract[key].pages} {key}", note))
    our_rate = len(pages) / max(seconds["ours"], 1e-9)
    if theirs is not None:
        their_rate = len(pages) / max(seconds["trafilatura"], 1e-9)
        ratio = our_rate / their_rate
        out.append(Row("html pages/s, one core (extract + boilerplate)",
                       f"{our_rate:.1f} vs trafilatura {their_rate:.1f} (×{ratio:.2f})",
                       "≥ trafilatura", inputs,
                       ("met" if ratio >= 1 else "NOT met") + "; CPU time, interleaved"))
    else:
        out.append(Row("html pages/s, one core (extract + boilerplate)", f"{our_rate:.1f}", "",
                       inputs, "trafilatura not installed: no comparison"))
    out.append(Row("html slowest page", f"{slowest[0]:.2f} s ({slowest[1]})",
                   f"≤ {MAX_PAGE_SECONDS:.0f} s", inputs, "CPU time, extract + boilerplate"))
    out.append(Row("html pages that crashed", str(len(crashes)), "0", inputs,
                   ", ".join(crashes[:10])))
    return out
