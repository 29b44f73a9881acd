"""Run every benchmark module and print one table (`make bench`).

Usage: python -m bench.run [NAME ...]   (NAME: e.g. pipeline, decode; default: all)
Figures that are compared are measured side by side in the same run; each row says
what it was measured on, and the machine's load average is printed with every row.
"""

from __future__ import annotations

import importlib
import sys
import time
import traceback
from pathlib import Path

from bench.common import Row, load_average

BENCH_DIR = Path(__file__).resolve().parent


def module_names(selected: list[str]) -> list[str]:
    names = sorted(p.stem.removeprefix("bench_") for p in BENCH_DIR.glob("bench_*.py"))
    if selected:
        unknown = set(selected) - set(names)
        if unknown:
            raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))}; "
                             f"known: {', '.join(names)}")
        names = [n for n in names if n in selected]
    return names


def main(argv: list[str] | None = None) -> int:
    selected = sys.argv[1:] if argv is None else argv
    table: list[tuple[str, Row, str]] = []
    failed = False
    for name in module_names(selected):
        module = importlib.import_module(f"bench.bench_{name}")
        started = time.perf_counter()
        try:
            rows = module.rows()
        except Exception:  # noqa: BLE001 - report and go on with the other benchmarks
            traceback.print_exc()
            rows = [Row(f"{name}: error", "failed", note="see traceback above")]
            failed = True
        print(f"[bench] {name}: {time.perf_counter() - started:.1f}s", file=sys.stderr)
        load = load_average()
        table.extend((name, row, load) for row in rows)
    print_table(table)
    return 1 if failed else 0


def print_table(table: list[tuple[str, Row, str]]) -> None:
    header = ("bench", "measure", "value", "target", "inputs", "load 1m/5m", "note")
    body = [(n, r.measure, r.value, r.target, r.inputs, load, r.note) for n, r, load in table]
    widths = [max(len(str(c)) for c in col) for col in zip(header, *body, strict=False)]
    def fmt(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"
    print(fmt(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for cells in body:
        print(fmt(cells))


if __name__ == "__main__":
    sys.exit(main())
