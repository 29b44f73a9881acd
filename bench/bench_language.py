"""Language detection: accuracy per granularity, stability, robustness, calibration, speed.

Accuracy is measured on the test split of the hand-written sample set
(`bench/language_samples.py`), which no threshold or calibration was fitted on; langdetect
(seeded, as the pipeline used it before) is measured on the same samples for reference.
Speed is identify() on the seed documents, in-process, per CPU second of this process (the
machine is shared, so wall-clock figures swing with other people's jobs; both are shown).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable

from bench import language_samples as samples
from bench.common import REPO, SEEDS, Row, missing_row, rate, shared_path
from textwash.config import Config
from textwash.language import identify

HOSTILE_INPUTS = (
    "", " ", "\n\n", "12345 678", "https://example.com/a?b=c", "mail@example.com",
    "😀😀😀", "\x00\x01\x02", "ÀÉÎ", "!!!???", "a", "&nbsp;" * 50, "\ud800", "x" * 100_000,
    "İ" * 10, "ﬁ", "\u200b" * 20, "<script>alert(1)</script>",
)


def _sets() -> dict[str, list[samples.Sample]]:
    test = samples.sentences("test")
    return {
        "sentences": test,
        "two-word phrases": samples.phrases(test),
        "documents": samples.documents(test),
        "mixed documents (exact language set)": samples.mixed_documents(test),
    }


def _right(sample: samples.Sample, language: str, mix: list[tuple[str, float]]) -> bool:
    if len(sample.languages) > 1:
        return language == sample.language and sorted(c for c, _ in mix) == sorted(
            sample.languages
        )
    return language == sample.language


def _labels_in_fresh_process(texts: list[str]) -> list[str]:
    script = (
        "import json, sys\n"
        "from textwash.language import identify\n"
        "texts = json.load(sys.stdin)\n"
        "print(json.dumps([identify(t).language for t in texts]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], input=json.dumps(texts), capture_output=True,
        text=True, cwd=REPO, check=True,
    )
    return json.loads(done.stdout)


def _langdetect_accuracy(data: list[samples.Sample]) -> float:
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    right = 0
    for sample in data:
        try:
            label = detect(sample.text)
        except LangDetectException:
            label = "und"
        right += {"zh-cn": "zh", "zh-tw": "zh"}.get(label, label) == sample.language
    return right / len(data)


def _web_pages_rows() -> list[Row]:
    """Real flattened pages: agreement with langdetect on whole pages, spurious mixes."""
    folder = shared_path("bench", "wcxb-dev-text")
    if folder is None:
        return [missing_row("language: web pages agreeing with langdetect", "wcxb-dev-text")]
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    pages = [p.read_text("utf-8", errors="replace") for p in sorted(folder.glob("*.txt"))[::5]]
    pages = [page for page in pages if len(page) >= 200]
    agree = multilingual = 0
    for page in pages:
        try:
            reference = detect(page[:5000])
        except LangDetectException:
            reference = "und"
        result = identify(page, 10_000)
        agree += result.language == {"zh-cn": "zh", "zh-tw": "zh"}.get(reference, reference)
        multilingual += len(result.languages) > 1
    inputs = f"{len(pages)} wcxb-dev pages (every 5th), raw flattened text"
    return [
        Row("language: web pages agreeing with langdetect", f"{agree / len(pages):.1%}",
            "high", inputs, "whole-page label; langdetect is accurate on long text"),
        Row("language: web pages reported multilingual", f"{multilingual / len(pages):.1%}",
            "low", inputs, "before boilerplate removal: menus and product lists included"),
    ]


def _calibration_error(data: list[samples.Sample]) -> tuple[float, int]:
    """Expected calibration error: |confidence − accuracy| per confidence value, weighted."""
    groups: dict[float, list[bool]] = {}
    for sample in data:
        result = identify(sample.text)
        if result.language != "und":
            groups.setdefault(result.confidence, []).append(result.language == sample.language)
    total = sum(len(group) for group in groups.values())
    error = sum(
        len(group) * abs(confidence - sum(group) / len(group))
        for confidence, group in groups.items()
    )
    return error / total, total


def rows() -> list[Row]:
    out = []
    targets = {
        "sentences": "≥ 98.5%",
        "two-word phrases": "≥ 85%",
        "documents": "≥ 99.5%",
        "mixed documents (exact language set)": "≥ 95%",
    }
    everything: list[samples.Sample] = []
    for name, data in _sets().items():
        everything.extend(data)
        right = sum(_right(s, (r := identify(s.text)).language, r.languages) for s in data)
        languages = len({s.language for s in data})
        note = ""
        if name in ("sentences", "two-word phrases"):
            note = f"langdetect seeded: {_langdetect_accuracy(data):.1%}"
        out.append(
            Row(f"language: {name}", f"{right / len(data):.1%}", targets[name],
                f"{len(data)} test samples, {languages} languages", note)
        )

    documents_only = _sets()["documents"]
    single = sum(len(identify(s.text).languages) == 1 for s in documents_only)
    out.append(Row("language: one-language documents with a one-language mix",
                   f"{single / len(documents_only):.1%}", "high",
                   f"{len(documents_only)} test documents", "no spurious second language"))
    out.extend(_web_pages_rows())

    texts = [s.text for s in everything] + list(HOSTILE_INPUTS[:-4])
    first = [identify(t).language for t in texts]
    second = _labels_in_fresh_process(texts)
    changes = sum(a != b for a, b in zip(first, second, strict=True))
    out.append(Row("language: label changes across two runs", str(changes), "0",
                   f"{len(texts)} texts, second run in a fresh process"))

    exceptions = 0
    for text in [*texts, *HOSTILE_INPUTS, None, b"bytes", 42]:
        try:
            identify(text)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - counting is the point
            exceptions += 1
    out.append(Row("language: exceptions", str(exceptions), "0",
                   f"{len(texts) + len(HOSTILE_INPUTS) + 3} inputs incl. empty/URL/emoji/None"))

    test = samples.sentences("test")
    calibration_set = test + samples.phrases(test) + samples.single_words(test)
    error, counted = _calibration_error(calibration_set)
    out.append(Row("language: confidence calibration error", f"{error:.3f}", "small",
                   f"{counted} test sentences/phrases/words", "expected |confidence − accuracy|"))

    documents = [path.read_text("utf-8", errors="replace") for path in sorted(SEEDS.glob("*.txt"))]
    max_chars = Config().language_max_chars

    def identify_all() -> int:
        for text in documents:
            identify(text, max_chars)
        return len(documents)

    identify_all()
    wall_per_s, done = rate(identify_all, min_seconds=2.0)
    cpu_per_s = _cpu_rate(identify_all, min_seconds=2.0)
    mean_chars = sum(map(len, documents)) / max(1, len(documents))
    out.append(Row("language: seeds-sized documents, one core", f"{cpu_per_s:,.0f} docs/s",
                   "≥ 300 docs/s", f"{len(documents)} seeds × {done // max(1, len(documents))}",
                   f"per CPU second; wall clock {wall_per_s:,.0f}/s at this load; "
                   f"mean {mean_chars:,.0f} chars, max_chars {max_chars}"))
    out.append(Row("language: detector load per process", f"{_load_cpu_seconds():.2f} CPU-s",
                   "small", "profiles + frequent-word lexicon, in a fresh process",
                   "paid once by every worker process"))
    return out


def _load_cpu_seconds() -> float:
    """CPU seconds a fresh process spends building the detector (imports excluded)."""
    script = (
        "import time\n"
        "from textwash.language import detector\n"
        "start = time.process_time()\n"
        "detector()\n"
        "print(time.process_time() - start)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=REPO, check=True)
    return float(done.stdout)


def _cpu_rate(work: Callable[[], int], *, min_seconds: float) -> float:
    """Units per CPU second of this process: one core's throughput on a shared machine."""
    done = 0
    start = time.process_time()
    while (elapsed := time.process_time() - start) < min_seconds:
        done += work()
    return done / elapsed
