"""Decoding and repair (issue #3): exact-match rate per case family, negatives changed,
and throughput of `decode_and_repair` beside ftfy.fix_text's, measured in the same run.

Cases are the generated ones committed under tests/fixtures/encoding/ (seed 20261122)
plus a second set made in memory with another seed (same sentences, other mixes and
damage), so a figure that holds only for the committed cases shows up. Throughput is
measured on one core on the English seeds (clean text), on the generator's sentences in
every script (clean non-ASCII text) and on multilingual sentences mis-decoded as cp1252
(mojibake-heavy text); ftfy runs on the same text as `str`, timed in alternation with
ours so both see the same load on this shared machine.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from types import ModuleType

import ftfy

from bench.common import REPO, SEEDS, Row, missing_row, shared_path
from textwash.repair import decode_and_repair, decode_and_repair_detailed

CASES = REPO / "tests/fixtures/encoding/cases.jsonl"
OTHER_SEED = 7
ENGLISH_SEEDS = ("000", "001", "002", "004")
MOJIBAKE_LANGUAGES = ("en", "fr", "de", "es", "pt", "it", "sv", "pl", "cs", "ru", "el", "ko")


def _generator() -> ModuleType:
    path = REPO / "scripts/generate_encoding_cases.py"
    spec = importlib.util.spec_from_file_location("generate_encoding_cases", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _score(cases: Iterable[dict]) -> dict[str, list[tuple[bool, bool]]]:
    by_family: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    for case in cases:
        result = decode_and_repair_detailed(
            base64.b64decode(case["raw_b64"]), filename=case["filename"]
        )
        flag_right = case["damaged"] is None or result.damaged == case["damaged"]
        by_family[case["family"]].append((result.text == case["expected"], flag_right))
    return by_family


def side_by_side(ours: Callable[[], int], theirs: Callable[[], int],
                 min_seconds: float = 4.0) -> tuple[float, float]:
    """Units per second of two workloads timed in alternation, so that both see the
    same machine load (this machine is shared; sequential timings drift apart)."""
    spent = [0.0, 0.0]
    done = [0, 0]
    while sum(spent) < min_seconds:
        for index, work in enumerate((ours, theirs)):
            start = time.perf_counter()
            done[index] += work()
            spent[index] += time.perf_counter() - start
    return done[0] / spent[0], done[1] / spent[1]


def _pct(hits: int, total: int) -> str:
    return f"{hits}/{total} = {100 * hits / total:.1f}%" if total else "n/a"


def quality_rows(generator: ModuleType) -> list[Row]:
    committed = [json.loads(line) for line in CASES.read_text("utf-8").splitlines()]
    other = generator.generate(OTHER_SEED)
    scored = _score(committed)
    scored_other = _score(other)
    rows = []
    for family in sorted(scored):
        exact = sum(e for e, _ in scored[family])
        other_exact = sum(e for e, _ in scored_other.get(family, []))
        rows.append(Row(
            f"exact match: {family}", _pct(exact, len(scored[family])), "",
            "generated cases", f"seed {OTHER_SEED}: "
            + _pct(other_exact, len(scored_other.get(family, []))),
        ))
    for label, results in (("committed", scored), (f"seed {OTHER_SEED}", scored_other)):
        flat = [e for cases in results.values() for e, _ in cases]
        rows.append(Row(f"exact match overall ({label})", _pct(sum(flat), len(flat)),
                        "≥ 98.5%", f"{len(results)} families"))
        negatives = [(e, f) for fam, cases in results.items() if fam.startswith("negative")
                     for e, f in cases]
        changed = sum(not e for e, _ in negatives)
        flagged = sum(not f for _, f in negatives)
        rows.append(Row(f"negatives changed ({label})", _pct(changed, len(negatives)), "0",
                        "correct text, every script", f"wrongly flagged damaged: {flagged}"))
        lossy = [f for fam, cases in results.items() if fam.startswith("lossy")
                 for _, f in cases]
        rows.append(Row(f"lossy cases flagged damaged ({label})",
                        _pct(sum(lossy), len(lossy)), "100%", "'?' runs and U+FFFD"))
    return rows


def comparison_rows() -> list[Row]:
    """Why this design: the detectors alone on the undeclared legacy cases, and ftfy's
    default config on the negatives, measured on the committed cases."""
    import chardet

    cases = [json.loads(line) for line in CASES.read_text("utf-8").splitlines()]
    legacy = [(base64.b64decode(c["raw_b64"]), c["expected"]) for c in cases
              if c["family"].startswith("legacy")]

    def decodes_right(raw: bytes, codec: str | None, expected: str) -> bool:
        try:
            return codec is not None and raw.decode(codec) == expected
        except (LookupError, UnicodeDecodeError):
            return False

    started = time.perf_counter()
    ours = sum(decode_and_repair(raw) == expected for raw, expected in legacy)
    ours_seconds = time.perf_counter() - started
    started = time.perf_counter()
    by_chardet = sum(decodes_right(raw, chardet.detect(raw)["encoding"], expected)
                     for raw, expected in legacy)
    chardet_seconds = time.perf_counter() - started
    rows = [
        Row("undeclared legacy decoded exactly: ours", _pct(ours, len(legacy)), "",
            "legacy-* cases", f"chardet.detect alone: {_pct(by_chardet, len(legacy))}; "
            f"time {ours_seconds:.1f} s vs chardet {chardet_seconds:.1f} s"),
    ]
    try:
        import charset_normalizer
    except ImportError:
        rows.append(Row("undeclared legacy: charset-normalizer", "skipped",
                        note="charset-normalizer not installed"))
    else:
        by_normalizer = 0
        for raw, expected in legacy:
            best = charset_normalizer.from_bytes(raw).best()
            by_normalizer += best is not None and str(best) == expected
        rows.append(Row("undeclared legacy decoded exactly: charset-normalizer best()",
                        _pct(by_normalizer, len(legacy)), "", "legacy-* cases"))
    negatives = [c["expected"] for c in cases if c["family"].startswith("negative")]
    changed = sum(ftfy.fix_text(text) != text for text in negatives)
    rows.append(Row("negatives changed by ftfy.fix_text defaults", _pct(changed, len(negatives)),
                    "", "negative-* cases", "why ftfy runs under an explicit config"))
    return rows


def speed_rows(generator: ModuleType) -> list[Row]:
    english = "\n".join(
        next(SEEDS.glob(f"{name}_*.txt")).read_text("utf-8") for name in ENGLISH_SEEDS
    )
    clean = (english + "\n") * 20
    sentences = [s for lang in MOJIBAKE_LANGUAGES for s in generator.SENTENCES[lang]]
    mojibake = "\n".join(generator.mojibake(s, "cp1252") for s in sentences)
    mojibake = (mojibake + "\n") * 10
    multilingual = "\n".join(
        " ".join(generator.SENTENCES[lang]) for lang in generator.SENTENCES
    )
    multilingual = (multilingual + "\n") * 10
    rows = []
    for label, text, target in (("clean English", clean, "≥ 10 MB/s"),
                                ("clean multilingual", multilingual, ""),
                                ("mojibake-heavy", mojibake, "≥ 1 MB/s")):
        raw = text.encode("utf-8")
        decode_and_repair(raw)  # warm-up: caches, vocabularies

        def ours(raw: bytes = raw) -> int:
            decode_and_repair(raw)
            return len(raw)

        def theirs(text: str = text, size: int = len(raw)) -> int:
            ftfy.fix_text(text)
            return size

        ours_rate, ftfy_rate = side_by_side(ours, theirs)
        rows.append(Row(
            f"decode_and_repair MB/s, {label}, one core", f"{ours_rate / 1e6:.1f} MB/s", target,
            f"{len(raw) / 1e6:.2f} MB UTF-8",
            f"ftfy.fix_text same run: {ftfy_rate / 1e6:.2f} MB/s "
            f"(ours {ours_rate / ftfy_rate:.1f}×)",
        ))
    return rows


REAL_PAGES = 300


def real_page_rows() -> list[Row]:
    """On real scraped pages (wcxb-dev text dumps): throughput beside ftfy, and what
    was repaired. Real pages hold real mojibake, so the repair counts are not errors;
    they are for a reviewer to sample."""
    folder = shared_path("bench", "wcxb-dev-text")
    if folder is None:
        return [missing_row("decode: real pages", "bench/wcxb-dev-text")]
    files = sorted(folder.glob("*.txt"))[:REAL_PAGES]
    raws = [path.read_bytes() for path in files]
    texts = [raw.decode("utf-8", errors="replace") for raw in raws]
    size = sum(len(raw) for raw in raws)
    kinds: dict[str, int] = defaultdict(int)
    for raw, path in zip(raws, files, strict=True):
        for kind in decode_and_repair_detailed(raw, filename=path.name).repairs:
            kinds[kind] += 1

    def ours() -> int:
        for raw, path in zip(raws, files, strict=True):
            decode_and_repair(raw, filename=path.name)
        return size

    def theirs() -> int:
        for text in texts:
            ftfy.fix_text(text)
        return size

    ours_rate, ftfy_rate = side_by_side(ours, theirs)
    shown = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1]))
    return [
        Row("decode_and_repair MB/s, real pages, one core", f"{ours_rate / 1e6:.1f} MB/s", "",
            f"wcxb-dev-text, {len(files)} files, {size / 1e6:.1f} MB",
            f"ftfy.fix_text same run: {ftfy_rate / 1e6:.2f} MB/s "
            f"(ours {ours_rate / ftfy_rate:.1f}×)"),
        Row("real pages with a repair, by kind", shown or "none", "",
            f"wcxb-dev-text, {len(files)} files", "documents, not errors: sample them"),
    ]


def rows() -> list[Row]:
    generator = _generator()
    return (quality_rows(generator) + comparison_rows() + speed_rows(generator)
            + real_page_rows())
