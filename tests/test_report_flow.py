"""The flow publishes the report as Prefect artifacts and logs its progress."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.logging.handlers import APILogWorker

from flows.clean_corpus import clean_corpus
from tests.report_helpers import build_edge_corpus

pytestmark = pytest.mark.slow


def test_flow_publishes_report_artifacts_and_logs_progress(prefect_server, tmp_path: Path):
    raw = build_edge_corpus(tmp_path / "raw")
    state = clean_corpus(input_dir=str(raw), output_dir=str(tmp_path / "clean"),
                         batch_size=4, return_state=True)
    result = state.result()
    run_dir = Path(result["run_dir"])
    assert {p.name for p in run_dir.iterdir()} >= {"report.html", "report.md", "stats.json"}
    assert (tmp_path / "clean" / "_report" / "index.html").is_file()

    flow_run_id = state.state_details.flow_run_id
    APILogWorker.drain_all(timeout=30)
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])))
        logs = client.read_logs(log_filter=LogFilter(
            flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))
    by_key = {artifact.key: artifact for artifact in artifacts}
    assert by_key["textwash-report"].data == (run_dir / "report.md").read_text(encoding="utf-8")
    stats = json.loads((run_dir / "stats.json").read_text())
    table = by_key["textwash-removed-by-reason"].data
    rows = json.loads(table) if isinstance(table, str) else table
    assert {row["reason"]: row["lines"] for row in rows} == stats["removed_by_reason"]
    assert Path(result["report"]).resolve().as_uri() in by_key["textwash-report-html"].data

    progress = [log.message for log in logs if "docs/s" in log.message]
    to_clean = stats["inputs"]["cleaned"] + stats["inputs"]["failed"]
    assert len(progress) > 1
    assert re.match(rf"batch (\d+)/\1 committed: {to_clean}/{to_clean} inputs \(100%\)",
                    progress[-1])
    assert all(re.search(r"\d+/\d+ inputs \(\d+%\), [\d,]+ documents, [\d,]+ docs/s", line)
               for line in progress)
