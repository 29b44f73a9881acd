"""Throughput of whole runs on a synthetic corpus of 10,000 seeds-like documents.

Measured side by side in one sitting, each run in a fresh process on the same corpus
(`scripts/make_synthetic_corpus.py`, built once under .bench/ and reused), in
TEXTWASH_BENCH_ROUNDS interleaved rounds (default 2; the rows take each mode's fastest
round, since on a shared virtual machine one 40-second run can be 15% slower than the next):
  1. the library alone (the flow's steps, no Prefect), with cheap stage timers on;
  2. the `clean_corpus` flow with 1 worker, against an already started Prefect server;
  3. the flow with 2 worker processes.
Wall times are what a user waits; CPU times (stages, phases, per CPU-second rows) stay
meaningful when other jobs share the machine.
Prefect's overhead is measured inside the 1-worker flow run itself: every textwash call
the flow makes to do work (flow thread and task bodies) records its wall interval and its
thread's CPU; wall time outside the union of those intervals, and process CPU outside
them, is orchestration. (Comparing the flow's wall with the library run's is also shown,
but two 40-second runs differ by ±10–15% here: that figure is noise-bound.)
Rows: documents/s and MB/s per core end to end, CPU time per stage over both passes of
the run (read, decode, repair, HTML, boilerplate, language, normalize, write, template
keys, run state), Prefect's share of the flow's wall and CPU time (same run), the
2-worker speed-up (with the load average: the machine is shared), and peak RSS (the run
process and its worker processes). TEXTWASH_BENCH_DOCS sets the corpus size for a quick
look; the targets hold for the default 10,000. Beside them, one library run on the
1,497 real pages of wcxb-dev-text (from ../shared, copied under .bench/; skipped when
absent): real pages are ten times longer than the seeds and full of new words.
Usage: python -m bench.run throughput
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any

from bench.common import REPO, Row, load_average, missing_row, shared_path

DOCS = int(os.environ.get("TEXTWASH_BENCH_DOCS", "10000"))
WORK = REPO / ".bench" / "throughput"
CORPUS = REPO / ".bench" / "synthetic" / f"raw-{DOCS}"
REAL_PAGES = REPO / ".bench" / "real-pages"
# Rounds of (library, flow 1 worker, flow 2 workers), interleaved; rows take each mode's
# fastest round. TEXTWASH_BENCH_ROUNDS=1 for a quick look.
ROUNDS = int(os.environ.get("TEXTWASH_BENCH_ROUNDS", "2"))
CHILD_TIMEOUT_SECONDS = 3 * 3600

# Functions timed as stages, in both passes of the library run: (module, attribute, dotted
# for a method) patched with a timing wrapper. Missing ones (a renamed function) show as
# "not found". A generator (reading) is timed while it produces each item.
STAGES: dict[str, list[tuple[str, str]]] = {
    "read": [("textwash.pipeline", "iter_records")],
    "decode": [("textwash.decode", "decode_bytes")],
    "repair": [("textwash.repair", "repair_text")],
    "html": [("textwash.pipeline", "extract_html")],
    "boilerplate": [("textwash.pipeline", "strip_boilerplate_many")],
    "language": [("textwash.pipeline", "identify")],
    "language: detector load (once per process)": [("textwash.language", "detector")],
    "normalize": [("textwash.pipeline", "normalize_whitespace")],
    "write": [("textwash.pipeline", "to_record"), ("textwash.pipeline", "dumps"),
              ("textwash.runner", "write_atomic"), ("textwash.runner", "flush_to_disk")],
    "template keys": [("textwash.pipeline", "_fingerprint")],
    "run state (SQLite)": [("textwash.state", "StateDB.replace_many_template_fingerprints"),
                           ("textwash.state", "StateDB.template_keys"),
                           ("textwash.state", "StateDB.record_inputs")],
}

# Library functions the clean_corpus flow calls to do its work, in the flow thread and in
# the task bodies, patched where the flow module looks them up: with 1 worker, the flow's
# wall time outside all of them (and its CPU outside them) is Prefect's. (module, dotted).
FLOW_LIBRARY_CALLS: list[tuple[str, str]] = [
    ("flows.clean_corpus", name) for name in (
        "open_run", "discover", "cleaning_settings_digest", "plan_work", "settle_plan",
        "plan_parallel_batches", "fingerprint_batch", "record_template_fingerprints",
        "take_template_changes", "clean_batch_in_process", "commit_batch",
        "clear_stale_staging", "write_run_report")
] + [("textwash.state", "StateDB.close")]
# Flow steps that are Prefect's, timed only to say where the flow's other time goes.
FLOW_PREFECT_STEPS: list[tuple[str, str]] = [("flows.clean_corpus", "_publish_artifacts")]


def rows() -> list[Row]:
    sys.path.insert(0, str(REPO))
    from flows.local_server import local_prefect_server
    from scripts.make_synthetic_corpus import build_corpus

    corpus = build_corpus(CORPUS, docs=DOCS)
    old_outputs = _set_aside_old_outputs()
    inputs = f"{corpus.documents:,} synthetic docs, {corpus.files:,} files, " \
             f"{corpus.bytes / 1e6:.1f} MB"
    started = time.perf_counter()
    runs: dict[str, list[dict[str, Any]]] = {"library": [], "flow_1": [], "flow_2": []}
    with local_prefect_server(WORK / "prefect-home") as api_url:
        healthy_seconds = time.perf_counter() - started
        _first_api_answer(api_url)
        server_seconds = time.perf_counter() - started
        for round_number in range(1, ROUNDS + 1):
            runs["library"].append(_measure("library", corpus.root, api_url, round_number))
            _save(runs)
            runs["flow_1"].append(_measure("flow", corpus.root, api_url, round_number))
            _save(runs)
            load_before = load_average()
            two = _measure("flow", corpus.root, api_url, round_number, workers=2)
            runs["flow_2"].append({**two, "load": f"{load_before} → {load_average()}"})
            _save(runs)
    outputs = [_outputs(WORK / run["output"]) for mode_runs in runs.values()
               for run in mode_runs]
    identical = all(output == outputs[0] for output in outputs)
    real = _real_pages_corpus()
    real_rows = ([missing_row("end-to-end on real pages, library", "bench/wcxb-dev-text")]
                 if real is None else
                 _real_page_rows(real, _measure("library", real[0], api_url, 1,
                                                name="out-real-pages")))
    shutil.rmtree(old_outputs, ignore_errors=True)
    return _rows(inputs, corpus.bytes, runs, (healthy_seconds, server_seconds),
                 identical) + real_rows


def _real_pages_corpus() -> tuple[Path, int, int] | None:
    """The wcxb-dev-text pages copied into a folder under .bench/ (an input folder's
    symlinks to files outside it are refused), or None without ../shared."""
    source = shared_path("bench", "wcxb-dev-text")
    if source is None:
        return None
    pages = sorted(source.glob("*.txt"))
    REAL_PAGES.mkdir(parents=True, exist_ok=True)
    for page in pages:
        target = REAL_PAGES / page.name
        if not target.exists() or target.stat().st_size != page.stat().st_size:
            shutil.copyfile(page, target)
    return REAL_PAGES, len(pages), sum(page.stat().st_size for page in pages)


def _real_page_rows(real: tuple[Path, int, int], run: dict[str, Any]) -> list[Row]:
    """Real pages are ten times the seeds' size and full of new words: the synthetic
    corpus's figure is not what a crawl of real pages gets."""
    _, pages, size = real
    docs = run["documents"]
    stages = sorted(((seconds, name) for name, seconds in run["stages"].items() if seconds),
                    reverse=True)
    return [Row("end-to-end on real pages, library, per CPU-second",
                f"{docs / run['cpu']:,.1f} docs/s", "",
                f"wcxb-dev-text: {pages:,} pages, {size / 1e6:.1f} MB",
                f"{size / run['cpu'] / 1e6:.2f} MB/s; {run['cpu']:.1f} CPU-s, one round; "
                "CPU per page: " + ", ".join(f"{name} {seconds * 1000 / docs:.2f} ms"
                                              for seconds, name in stages[:6]))]


def _first_api_answer(api_url: str) -> None:
    """Ask the new server for its version: its first API answer takes ~1.2 s (the server
    starts lazily, its health check does not), which is server start, not a flow run."""
    with urllib.request.urlopen(f"{api_url}/admin/version", timeout=120) as response:
        response.read()


def _best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The round with the shortest wall time: on a shared machine the others were slowed."""
    return min(runs, key=lambda run: run["wall"])


def _rows(inputs: str, size: int, runs: dict[str, list[dict[str, Any]]],
          server_seconds: tuple[float, float], identical: bool) -> list[Row]:
    library, one, two = _best(runs["library"]), _best(runs["flow_1"]), _best(runs["flow_2"])
    load_during = two["load"]
    rounds = f"best of {len(runs['library'])} interleaved rounds by wall time"
    cpu_rounds = ", ".join(f"{run['documents'] / run['cpu']:,.0f}" for run in runs["library"])
    docs = library["documents"]
    overhead = (one["wall"] - library["wall"]) / one["wall"]
    cpu_overhead = (one["cpu"] - library["cpu"]) / one["cpu"]
    speedup = one["wall"] / two["wall"]
    rss_mb = max(run["rss_mb"] for mode_runs in runs.values() for run in mode_runs)
    out = [
        Row("end-to-end, library, one core", f"{docs / library['wall']:,.1f} docs/s",
            "≥ 300 docs/s", inputs,
            f"{size / library['wall'] / 1e6:.2f} MB/s; {library['wall']:.1f} s wall; no Prefect"),
        Row("end-to-end, library, per CPU-second", f"{docs / library['cpu']:,.1f} docs/s",
            "≥ 300 docs/s", inputs,
            f"{size / library['cpu'] / 1e6:.2f} MB/s; {library['cpu']:.1f} CPU-s "
            f"(what one idle core would do); {rounds}; each round: {cpu_rounds} docs/CPU-s"),
        Row("end-to-end, flow, 1 worker", f"{docs / one['wall']:,.1f} docs/s", "",
            inputs, f"{size / one['wall'] / 1e6:.2f} MB/s; {one['wall']:.1f} s wall, "
                    f"{one['cpu']:.1f} CPU-s"),
        *_overhead_rows(inputs, runs["flow_1"], one),
        Row("Prefect overhead, cross-run comparison (noise-bound)", f"{overhead:.1%}", "",
            inputs, f"wall of the fastest flow 1 worker round {one['wall']:.1f} s vs the "
                    f"fastest library round {library['wall']:.1f} s, two processes run one "
                    f"after the other (±10–15% run to run on this shared VM); CPU "
                    f"{one['cpu']:.1f} vs {library['cpu']:.1f} CPU-s: {cpu_overhead:.1%}; "
                    f"{library['batches']} batches × 2 passes"),
        Row("end-to-end, flow, 2 workers", f"{docs / two['wall'] / 2:,.1f} docs/s per core",
            "", inputs, f"{size / two['wall'] / 2e6:.2f} MB/s per core; {two['wall']:.1f} s "
                        f"wall, {two['cpu']:.1f} CPU-s"),
        Row("speed-up, 2 workers vs 1", f"{speedup:.2f}×", "≥ 1.7× (idle 2 cores)", inputs,
            f"load 1m/5m during: {load_during}; {os.cpu_count()} cores; {rounds}"),
        Row("2 workers: CPU over 1 worker", f"{two['cpu'] - one['cpu']:+.1f} CPU-s", "", inputs,
            f"{(two['cpu'] - one['cpu']) / one['cpu']:+.1%}: worker start-up (imports, models) "
            "and task hand-over; what caps the speed-up on an idle machine"),
        Row("outputs identical (library, 1 and 2 workers)", "yes" if identical else "NO",
            "yes", inputs),
        Row("peak RSS (run process and its workers)", f"{rss_mb:,.0f} MB", "≤ 1 GB", inputs,
            f"library {library['rss_mb']:.0f}, flow 1 worker {one['rss_mb']:.0f}, "
            f"2 workers {two['rss_mb']:.0f} MB"),
        Row("Prefect server start (once, not in the walls)", f"{server_seconds[1]:.1f} s", "",
            "prefect server start", f"healthy after {server_seconds[0]:.1f} s, then "
            f"{server_seconds[1] - server_seconds[0]:.1f} s for its first API answer (the "
            "server's lazy start, otherwise paid by the first flow run measured)"),
    ]
    phases = library["phases"]
    for name, seconds in library["stages"].items():
        value = "not found" if seconds is None else f"{seconds * 1000 / docs:.2f} ms/doc"
        share = "" if seconds is None else f"{seconds / library['cpu']:.1%} of the run's CPU"
        out.append(Row(f"stage: {name}", value, "", inputs, share))
    timed = sum(s for s in library["stages"].values() if s)
    out.append(Row("stage: other", f"{max(library['cpu'] - timed, 0) * 1000 / docs:.2f} ms/doc",
                   "", inputs, "run CPU in no timed stage: document records, decode cache, "
                   "stats, plan, commit, report"))
    for name in ("fingerprint", "clean", "commit", "report"):
        if name in phases:
            out.append(Row(f"phase: {name}", f"{phases[name]:.1f} CPU-s", "", inputs,
                           f"{phases[name] / library['cpu']:.1%} of the run's CPU"))
    return out


def _overhead_rows(inputs: str, flow_runs: list[dict[str, Any]], best: dict[str, Any]
                   ) -> list[Row]:
    """Prefect's share of the 1-worker flow run, measured inside that same run."""
    def wall_share(run: dict[str, Any]) -> float:
        return outside_share(run["same_run"]["flow_wall"], run["same_run"]["library_busy"])

    def cpu_share(run: dict[str, Any]) -> float:
        return outside_share(run["same_run"]["flow_cpu"], run["same_run"]["library_cpu"])

    measured = best["same_run"]
    rounds = "; each round: " + ", ".join(
        f"{wall_share(run):.1%} of {run['same_run']['flow_wall']:.1f} s wall, "
        f"{cpu_share(run):.1%} of {run['same_run']['flow_cpu']:.1f} CPU-s" for run in flow_runs)
    gaps = measured["gaps"]
    outside = measured["flow_wall"] - measured["library_busy"]
    largest = ", ".join(f"{where} {seconds:.2f} s" for where, seconds in list(gaps.items())[:4])
    steps = measured["prefect_steps"]
    named = {"_publish_artifacts": "artifacts",
             "heartbeat thread stop": "waiting at flow end for Prefect's heartbeat thread, "
                                      "which sleeps in 1-second steps"}
    steps_note = "".join(f"; {named[step]} {steps[step]:.2f} s" for step in named
                         if step in steps)
    return [
        Row("Prefect overhead, share of flow wall time", f"{wall_share(best):.1%}", "≤ 5%",
            inputs, f"same run, flow 1 worker: {measured['flow_wall']:.1f} s from calling "
                    f"clean_corpus to its return, {measured['library_busy']:.1f} s inside "
                    f"textwash calls (union of {measured['calls']} calls' intervals in the "
                    "flow and task threads); the rest is Prefect's flow and task engines, "
                    "API calls, logging, artifacts; the server start (once, before the "
                    f"runs) not counted; fastest round by wall{rounds}"),
        Row("Prefect overhead, share of flow CPU time", f"{cpu_share(best):.1%}", "≤ 5%",
            inputs, f"same run: {measured['flow_cpu']:.1f} CPU-s of the flow process during "
                    f"the run, {measured['library_cpu']:.1f} of them in textwash calls (each "
                    "calling thread's CPU); the rest is Prefect's engines, API client, "
                    "logging, artifacts and background threads; the server's CPU (another "
                    "process) not counted"),
        Row("Prefect overhead: wall time outside textwash, where", f"{outside:.2f} s", "",
            inputs, f"largest gaps (call before → call after): {largest}{steps_note}"),
    ]


def _save(results: dict[str, Any]) -> None:
    """Each measurement as soon as it is taken: a long sitting cut short keeps them."""
    (WORK / "results.json").write_text(json.dumps(results, indent=2))


def _set_aside_old_outputs() -> Path:
    """Move the last bench's output folders out of the way, to be deleted once this
    bench has measured: on ext4 without a journal (this machine's root), creating a file
    costs up to ~0.8 ms of CPU more while many inodes were freed in the last minute, so
    deleting 9,000 old outputs just before a run would bill that to the run's writes.
    """
    trash = WORK / f"old-outputs-{os.getpid()}"
    trash.mkdir(parents=True, exist_ok=True)
    for old in [*WORK.glob("out-*"), *WORK.glob("old-outputs-*")]:
        if old != trash:  # outputs, and the leftovers of an interrupted bench
            old.rename(trash / old.name)
    return trash


def _measure(mode: str, corpus: Path, api_url: str, round_number: int, *, workers: int = 1,
             name: str | None = None) -> dict[str, Any]:
    # A folder of its own per run: deleting one just before a run would slow its writes.
    if name is None:
        name = f"out-{mode}" if mode == "library" else f"out-{mode}-{workers}"
        name = f"{name}-round{round_number}"
    output = WORK / name
    env = {**os.environ, "PREFECT_API_URL": api_url, "PREFECT_HOME": str(WORK / "prefect-home"),
           "PREFECT_LOGGING_LEVEL": "WARNING", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    done = subprocess.run(
        [sys.executable, "-m", "bench.bench_throughput", mode, str(corpus), str(output),
         str(workers)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=CHILD_TIMEOUT_SECONDS,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{mode} run failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "output": output.name}


def _outputs(output: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(output)): path.read_bytes()
        for path in sorted(output.rglob("*.jsonl"))
        if not any(part.startswith("_") for part in path.relative_to(output).parts)
    }


class StageTimers:
    """CPU time spent inside chosen library functions, while `active`.

    A timed function called inside another one counts for its own stage only (the
    detector's load inside the first language call, say): stages never overlap.
    """

    def __init__(self) -> None:
        self.seconds: Counter[str] = Counter()
        self.found: set[str] = set()
        self.active = False
        self._inner: list[float] = []  # per open timed call: CPU of timed calls inside it

    def install(self) -> None:
        for stage, targets in STAGES.items():
            for module_name, dotted in targets:
                owner: Any = importlib.import_module(module_name)
                *path, attribute = dotted.split(".")
                for name in path:
                    owner = getattr(owner, name, None)
                original = getattr(owner, attribute, None)
                if original is None:
                    continue
                timed = (self._timed_generator if inspect.isgeneratorfunction(original)
                         else self._timed)
                setattr(owner, attribute, timed(stage, original))
                self.found.add(stage)

    @contextmanager
    def _timing(self, stage: str) -> Iterator[None]:
        if not self.active:
            yield
            return
        started = time.process_time()
        self._inner.append(0.0)
        try:
            yield
        finally:
            elapsed = time.process_time() - started
            self.seconds[stage] += elapsed - self._inner.pop()
            if self._inner:
                self._inner[-1] += elapsed

    def _timed_generator(self, stage: str, function: Callable[..., Iterator[Any]]
                         ) -> Callable[..., Iterator[Any]]:
        def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            items = function(*args, **kwargs)
            while True:
                with self._timing(stage):
                    item = next(items, _END)
                if item is _END:
                    return
                yield item

        return timed

    def _timed(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self._timing(stage):
                return function(*args, **kwargs)

        return timed

    def report(self) -> dict[str, float | None]:
        return {stage: (self.seconds[stage] if stage in self.found else None)
                for stage in STAGES}


_END = object()


@dataclass(frozen=True, slots=True)
class Call:
    """One outermost call of a recorded function: its wall interval and the CPU time
    its calling thread spent inside it."""

    name: str
    start: float
    end: float
    cpu: float


class CallRecorder:
    """Wall intervals and thread CPU of chosen functions, from any thread.

    Only a thread's outermost recorded call is kept: one called inside another (the
    staging clean-up inside `open_run`, say) is already in its caller's interval and CPU.
    The clocks are arguments so that tests can drive them.
    """

    def __init__(self, wall_clock: Callable[[], float] = time.perf_counter,
                 cpu_clock: Callable[[], float] = time.thread_time) -> None:
        self.calls: list[Call] = []
        self.found: set[str] = set()
        self._wall_clock = wall_clock
        self._cpu_clock = cpu_clock
        self._lock = threading.Lock()
        self._depth = threading.local()

    def install(self, targets: list[tuple[str, str]]) -> None:
        for module_name, dotted in targets:
            owner: Any = importlib.import_module(module_name)
            *path, attribute = dotted.split(".")
            for name in path:
                owner = getattr(owner, name)
            original = getattr(owner, attribute)
            if inspect.isgeneratorfunction(original):
                raise TypeError(f"{dotted} is a generator: its interval would end at once")
            setattr(owner, attribute, self.recorded(dotted, original))
            self.found.add(dotted)

    def recorded(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(function)
        def recorded(*args: Any, **kwargs: Any) -> Any:
            depth = getattr(self._depth, "value", 0)
            self._depth.value = depth + 1
            if depth:
                try:
                    return function(*args, **kwargs)
                finally:
                    self._depth.value = depth
            start, cpu_start = self._wall_clock(), self._cpu_clock()
            try:
                return function(*args, **kwargs)
            finally:
                cpu = self._cpu_clock() - cpu_start
                end = self._wall_clock()
                self._depth.value = 0
                with self._lock:
                    self.calls.append(Call(name, start, end, cpu))

        return recorded


def _seconds_by_name(calls: list[Call]) -> dict[str, float]:
    seconds: Counter[str] = Counter()
    for call in calls:
        seconds[call.name] += call.end - call.start
    return dict(seconds)


def union_length(intervals: list[tuple[float, float]]) -> float:
    """Length of the union of [start, end] intervals (overlaps counted once)."""
    total = 0.0
    covered_to = -float("inf")
    for start, end in sorted(intervals):
        if end <= covered_to:
            continue
        total += end - max(start, covered_to)
        covered_to = end
    return total


def uncovered_by_boundary(calls: list[Call], start: float, end: float) -> dict[str, float]:
    """The time in [start, end] outside every call, by the calls on either side of each gap.

    A gap is named "<call ending it before> → <call starting after>", with "flow start"
    and "flow end" at the edges: where the time outside the library goes.
    """
    gaps: Counter[str] = Counter()
    covered_to, before = start, "flow start"
    for call in sorted(calls, key=lambda call: call.start):
        if min(call.start, end) > covered_to:
            gaps[f"{before} → {call.name}"] += min(call.start, end) - covered_to
        if call.end > covered_to:
            covered_to, before = call.end, call.name
    if end > covered_to:
        gaps[f"{before} → flow end"] += end - covered_to
    return dict(gaps)


def outside_share(total: float, inside: float) -> float:
    """The share of `total` (a wall or CPU time) not spent `inside` the library."""
    return (total - inside) / total if total > 0 else 0.0


@contextmanager
def _phase(phases: dict[str, float], name: str) -> Iterator[None]:
    started = time.process_time()
    yield
    phases[name] = phases.get(name, 0.0) + time.process_time() - started


def run_library(input_dir: Path, output_dir: Path, timers: StageTimers | None = None
                ) -> dict[str, Any]:
    """The flow's steps in order, in this process, without Prefect (same batches)."""
    from flows.execution import plan_parallel_batches
    from textwash import __version__
    from textwash.config import Config
    from textwash.inputs import discover
    from textwash.pipeline import CleanContext
    from textwash.provenance import cleaning_settings_digest
    from textwash.report import write_run_report
    from textwash.runner import (
        clean_batch,
        commit_batch,
        fingerprint_batch,
        open_run,
        plan_work,
        record_template_fingerprints,
        run_lock,
        settle_plan,
        take_template_changes,
    )
    from textwash.stats import RunStats

    settings = Config()
    phases: dict[str, float] = {}
    params = {"input_dir": str(input_dir), "output_dir": str(output_dir), "full": True,
              "batch_size": None, "workers": 1, "dask_address": None,
              "version": __version__, "config": settings.to_dict()}
    if timers:
        timers.active = True
    with run_lock(output_dir):
        with _phase(phases, "plan"):
            run = open_run(input_dir, output_dir)
            plan = plan_work(discover(run.input_dir), run.known, full=True,
                             settings=cleaning_settings_digest(settings))
            entries = settle_plan(run, plan)
            batches = plan_parallel_batches(plan.to_clean, 1, max_files=None,
                                            max_bytes=settings.batch_max_bytes)
        with _phase(phases, "fingerprint"):
            template_keys = record_template_fingerprints(
                run, (item for batch in batches
                      for item in fingerprint_batch(batch, settings, run.staging_dir)),
                plan.gone, settings.template_min_documents,
            )
            again = take_template_changes(run, plan, template_keys, entries)
            batches += plan_parallel_batches(again, 1, max_files=None,
                                             max_bytes=settings.batch_max_bytes)
        ctx = CleanContext(settings, template_keys)
        stats = RunStats()
        for entry in entries:
            stats.add_input(entry.status, entry.reason)
        for batch in batches:
            with _phase(phases, "clean"):
                result = clean_batch(batch, ctx, run.staging_dir)
            with _phase(phases, "commit"):
                commit_batch(result, batch, run.output_dir, run.state, run.run_id)
                entries.extend(result.entries)
                stats.merge(result.stats)
        with _phase(phases, "report"):
            write_run_report(run, entries, stats, params)
            run.state.close()
    if timers:
        timers.active = False
    return {"documents": stats.documents, "phases": phases, "batches": len(batches)}


def _child(mode: str, corpus: Path, output: Path, workers: int) -> dict[str, Any]:
    shutil.rmtree(output, ignore_errors=True)
    # Imports are not part of a run (the library run does without Prefect's).
    importlib.import_module("flows.execution" if mode == "library" else "flows.clean_corpus")
    importlib.import_module("textwash.report")
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    if mode == "library":
        timers = StageTimers()
        timers.install()
        started = time.perf_counter()
        result = run_library(corpus, output, timers)
        wall = time.perf_counter() - started
        result["stages"] = timers.report()
    else:
        from flows.clean_corpus import clean_corpus

        # With 1 worker every library call runs in this process: time them. (With 2 the
        # batches run in worker processes, which can't be handed a patched function.)
        library, prefect_steps = CallRecorder(), CallRecorder()
        if workers == 1:
            library.install(FLOW_LIBRARY_CALLS)
            prefect_steps.install(FLOW_PREFECT_STEPS)
            _record_heartbeat_stop(prefect_steps)
        flow_cpu_before = _process_cpu()
        started = time.perf_counter()
        summary = clean_corpus(input_dir=str(corpus), output_dir=str(output), full=True,
                               workers=workers)
        ended = time.perf_counter()
        flow_cpu = _process_cpu() - flow_cpu_before
        wall = ended - started
        result = {"documents": summary["documents"]}
        if workers == 1:
            result["same_run"] = _same_run_overhead(library, prefect_steps, started, ended,
                                                    flow_cpu)
    own, children = (resource.getrusage(resource.RUSAGE_SELF),
                     resource.getrusage(resource.RUSAGE_CHILDREN))
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    return {**result, "wall": wall, "cpu": cpu - cpu_before,
            "rss_mb": max(own.ru_maxrss, children.ru_maxrss) / 1024, "mode": mode,
            "workers": workers}


def _record_heartbeat_stop(recorder: CallRecorder) -> None:
    """Time the flow run's wait, as it ends, for Prefect's heartbeat thread to stop (that
    thread sleeps in 1-second steps). A Prefect internal: skipped if it is not there."""
    from prefect import flow_engine

    original = getattr(flow_engine, "_send_heartbeats", None)
    if original is None:
        return

    @contextmanager
    def heartbeats(*args: Any, **kwargs: Any) -> Iterator[None]:
        context = original(*args, **kwargs)
        context.__enter__()
        try:
            yield
        except BaseException as error:
            if not context.__exit__(type(error), error, error.__traceback__):
                raise
        else:
            recorder.recorded("heartbeat thread stop", context.__exit__)(None, None, None)

    flow_engine._send_heartbeats = heartbeats


def _process_cpu() -> float:
    """CPU seconds of this process, all its threads (Prefect's background ones included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _same_run_overhead(library: CallRecorder, prefect_steps: CallRecorder, start: float,
                       end: float, flow_cpu: float) -> dict[str, Any]:
    """Library-busy wall and CPU of one flow run, and where its other wall time went."""
    missing = {dotted for _, dotted in FLOW_LIBRARY_CALLS} - library.found
    if missing:
        raise RuntimeError(f"flow library calls not found: {sorted(missing)}")
    intervals = [(call.start, call.end) for call in library.calls]
    gaps = uncovered_by_boundary(library.calls, start, end)
    return {
        "flow_wall": end - start,
        "library_busy": union_length(intervals),
        "library_cpu": sum(call.cpu for call in library.calls),
        "flow_cpu": flow_cpu,
        "calls": len(library.calls),
        "prefect_steps": _seconds_by_name(prefect_steps.calls),
        "gaps": dict(sorted(gaps.items(), key=lambda gap: -gap[1])),
    }


if __name__ == "__main__":
    mode_arg, corpus_arg, output_arg, workers_arg = sys.argv[1:5]
    measured = _child(mode_arg, Path(corpus_arg), Path(output_arg), int(workers_arg))
    print(json.dumps(measured))
