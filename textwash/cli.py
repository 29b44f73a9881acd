"""The `textwash` command line: run the flow, clean files in-process, show a report.

`textwash run` runs the Prefect flow (on a local temporary server unless
PREFECT_API_URL is set), in this process, in `--workers N` processes or on a Dask
cluster (`--dask-address`); `textwash serve --cron EXPR` serves the flow on a schedule;
`textwash clean FILE...` cleans without Prefect and writes JSONL records to stdout;
`textwash report [RUN]` prints a run's summary and the path of its HTML report.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textwash.pipeline import CleanContext

QUIET_PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}


def _quiet_prefect() -> None:
    for key, value in QUIET_PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="textwash", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run the clean_corpus flow")
    _add_flow_arguments(run)

    serve = commands.add_parser(
        "serve", help="serve the clean_corpus flow on a schedule (needs a Prefect server)")
    schedule = serve.add_mutually_exclusive_group(required=True)
    schedule.add_argument("--cron", metavar="EXPR", help='cron schedule, e.g. "0 * * * *"')
    schedule.add_argument("--interval", type=float, metavar="SECONDS",
                          help="run every SECONDS instead of on a cron schedule")
    serve.add_argument("--name", default=None, help="deployment name "
                       "(default: textwash-clean-corpus)")
    _add_flow_arguments(serve)

    clean = commands.add_parser("clean", help="clean files in-process; JSONL to stdout")
    clean.add_argument("files", nargs="+", type=Path)

    report = commands.add_parser("report", help="print a run's summary and report path")
    report.add_argument("run", nargs="?", help="run id (default: the latest run)")
    report.add_argument("--output", default="data/clean", help="output folder")
    return parser


def _add_flow_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", default="data/raw", help="input folder (default: data/raw)")
    parser.add_argument("--output", default="data/clean",
                        help="output folder (default: data/clean)")
    parser.add_argument("--full", action="store_true",
                        help="re-clean every input, not only changes")
    parser.add_argument("--batch-size", type=int, default=None, metavar="N",
                        help="at most N input files per task (default: sized from the workers)")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="clean in N local processes (default: 1, this process)")
    parser.add_argument("--dask-address", metavar="tcp://HOST:PORT",
                        help="run the batches on this Dask cluster (shared filesystem needed)")


def _flow_arguments_error(args: argparse.Namespace) -> str | None:
    if args.batch_size is not None and args.batch_size < 1:
        return "--batch-size must be at least 1"
    if args.workers < 1:
        return "--workers must be at least 1"
    if args.dask_address and args.workers > 1:
        return "--workers and --dask-address exclude each other: the cluster has its workers"
    if not Path(args.input).is_dir():
        return f"input folder not found: {args.input}"
    return None


def _flow_parameters(args: argparse.Namespace, *, absolute: bool = False) -> dict[str, object]:
    def folder(path: str) -> str:
        return str(Path(path).resolve()) if absolute else path

    return {
        "input_dir": folder(args.input), "output_dir": folder(args.output), "full": args.full,
        "batch_size": args.batch_size, "workers": args.workers,
        "dask_address": args.dask_address,
    }


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "run":
        return _run(args)
    if args.command == "serve":
        return _serve(args)
    if args.command == "clean":
        return _clean(args.files)
    return _report(Path(args.output), args.run)


def _run(args: argparse.Namespace) -> int:
    error = _flow_arguments_error(args)
    if error:
        print(f"textwash: {error}", file=sys.stderr)
        return 2
    _quiet_prefect()
    from flows.clean_corpus import clean_corpus
    from textwash.progress import request_terminal_bar
    from textwash.runner import RunLockedError

    request_terminal_bar()

    try:
        result = clean_corpus(**_flow_parameters(args))
    except RunLockedError as exc:
        print(f"textwash: {exc}", file=sys.stderr)
        return 3
    print(result["summary"])
    return 0


def _serve(args: argparse.Namespace) -> int:
    error = _flow_arguments_error(args)
    if args.interval is not None and args.interval <= 0:
        error = "--interval must be a positive number of seconds"
    if error:
        print(f"textwash: {error}", file=sys.stderr)
        return 2
    _quiet_prefect()
    from flows.serve import DEPLOYMENT_NAME, ServerNotConfiguredError, serve_clean_corpus

    try:
        serve_clean_corpus(
            cron=args.cron, interval_seconds=args.interval,
            parameters=_flow_parameters(args, absolute=True), name=args.name or DEPLOYMENT_NAME,
        )
    except ServerNotConfiguredError as exc:
        print(f"textwash: {exc}", file=sys.stderr)
        return 2
    return 0


def _clean(files: list[Path]) -> int:
    from textwash.pipeline import CleanContext
    from textwash.progress import RunProgress

    status = 0
    ctx = CleanContext()
    with RunProgress(len(files), bar=sys.stderr.isatty()) as progress:
        for path in files:
            written, failed = _clean_one(path, ctx)
            status = max(status, int(failed))
            progress.advance(1, written)
    sys.stdout.flush()
    return status


def _clean_one(path: Path, ctx: CleanContext) -> tuple[int, bool]:
    """Clean one file to stdout; (documents written, whether anything failed)."""
    from textwash.inputs import InputFile, classify, output_name_for
    from textwash.pipeline import clean_file

    try:
        info = path.stat()
    except OSError as exc:
        print(f"textwash: {path}: {exc.strerror or exc}", file=sys.stderr)
        return 0, True
    fmt, compressed = classify(path.name)
    item = InputFile(
        path=str(path), abs_path=path, size=info.st_size, mtime_ns=info.st_mtime_ns,
        format=fmt, compressed=compressed,
        skip_reason=None if fmt else "unsupported-type", output_name=output_name_for(str(path)),
    )
    outcome = clean_file(item, ctx, keep_documents=False)
    for line in outcome.lines:
        sys.stdout.buffer.write(line)
    for failure in outcome.failures:
        print(f"textwash: {path}: line {failure.line}: {failure.reason}: {failure.error}",
              file=sys.stderr)
    if outcome.status != "cleaned":
        detail = f": {outcome.error}" if outcome.error else ""
        print(f"textwash: {path}: {outcome.status}: {outcome.reason}{detail}", file=sys.stderr)
        return len(outcome.lines), True
    return len(outcome.lines), False


def _report(output_dir: Path, run_id: str | None) -> int:
    from textwash.report import latest_run_id, show_run
    from textwash.report_html import CORPUS_DIR

    run_id = run_id or latest_run_id(output_dir)
    if run_id is None:
        print(f"textwash: no finished runs under {output_dir}", file=sys.stderr)
        return 1
    summary = show_run(output_dir, run_id)
    if summary is None:
        print(f"textwash: run {run_id} not found or not finished under {output_dir}",
              file=sys.stderr)
        return 1
    print(summary)
    corpus = output_dir / CORPUS_DIR / "index.html"
    if corpus.exists():
        print(f"  corpus:    {corpus}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
