"""Scheduled runs: `textwash serve` against a real Prefect server, and the output lock."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.local_server import local_prefect_server, stop_process_group
from textwash.runner import RunLockedError, run_lock

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent

SERVE_INTERVAL_SECONDS = 3
WAIT_SECONDS = 240
NEW_ARTICLE = (
    "Ferry timetable changes\n\nThe island ferry will run every forty minutes from Monday, "
    "the operator said, after the summer crossings drew more passengers than ever before "
    "and the old timetable left long queues at both harbours in the evening.\n"
)


async def _completed_runs(api_url: str, deployment_name: str) -> list[dict]:
    from prefect.client.orchestration import PrefectClient
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName

    async with PrefectClient(api_url) as client:
        runs = await client.read_flow_runs(
            deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=[deployment_name]))
        )
    return [{"id": str(r.id), "state": r.state_type.value if r.state_type else None,
             "auto_scheduled": r.auto_scheduled, "start": r.start_time} for r in runs]


def wait_for(condition, what: str, serve: subprocess.Popen, log: Path):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if serve.poll() is not None:
            pytest.fail(f"textwash serve exited while waiting for {what}:\n{log.read_text()}")
        time.sleep(1)
    pytest.fail(f"timed out waiting for {what}:\n{log.read_text()[-3000:]}")


def output_records(output: Path) -> dict[str, list[dict]]:
    return {
        str(path.relative_to(output)): [json.loads(line) for line in path.read_text().splitlines()]
        for path in sorted(output.rglob("*.jsonl"))
        if not any(part.startswith("_") for part in path.relative_to(output).parts)
    }


@pytest.fixture(scope="module")
def real_server(tmp_path_factory):
    """`prefect server start` on a free port, scheduling every 2 s; stopped after the module."""
    home = tmp_path_factory.mktemp("prefect-home")
    with local_prefect_server(home, env={
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
        "PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED": "false",
    }) as api_url:
        yield api_url, home


def test_prefect_yaml_deploys_the_scheduled_deployment(real_server):
    api_url, home = real_server
    env = {**os.environ, "PREFECT_API_URL": api_url, "PREFECT_HOME": str(home)}
    asyncio.run(_create_process_pool(api_url, "textwash-local"))
    done = subprocess.run([sys.executable, "-m", "prefect", "--no-prompt", "deploy", "--all"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    deployment = asyncio.run(_deployment(api_url, "clean_corpus/textwash-clean-corpus"))
    assert deployment.entrypoint == "flows/clean_corpus.py:clean_corpus"
    assert deployment.work_pool_name == "textwash-local"
    assert [s.schedule.cron for s in deployment.schedules] == ["0 * * * *"]
    assert deployment.global_concurrency_limit.limit == 1
    assert deployment.parameters["output_dir"] == "data/clean"


async def _create_process_pool(api_url: str, name: str) -> None:
    from prefect.client.orchestration import PrefectClient
    from prefect.client.schemas.actions import WorkPoolCreate

    async with PrefectClient(api_url) as client:
        await client.create_work_pool(WorkPoolCreate(name=name, type="process"))


async def _deployment(api_url: str, name: str):
    from prefect.client.orchestration import PrefectClient

    async with PrefectClient(api_url) as client:
        return await client.read_deployment_by_name(name)


def test_served_flow_runs_on_schedule_without_duplicating_outputs(
    real_server, tmp_path: Path, seed_paths
):
    raw, output = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    for path in seed_paths[:3]:
        shutil.copy(path, raw / path.name)
    api_url, home = real_server
    env = {**os.environ, "PREFECT_API_URL": api_url, "PREFECT_HOME": str(home),
           "PREFECT_RUNNER_POLL_FREQUENCY": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    log = tmp_path / "serve.log"
    with open(log, "wb") as handle:
        serve = subprocess.Popen(
            [sys.executable, "-m", "textwash.cli", "serve", "--name", "scheduled-test",
             "--interval", str(SERVE_INTERVAL_SECONDS), "--input", str(raw),
             "--output", str(output)],
            cwd=tmp_path, env=env, stdout=handle, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        def completed(count: int):
            runs = asyncio.run(_completed_runs(api_url, "scheduled-test"))
            done = [r for r in runs if r["state"] == "COMPLETED"]
            return runs if len(done) >= count else None

        wait_for(lambda: completed(1), "a first scheduled run", serve, log)
        first = output_records(output)
        assert len(first) == 3
        (raw / "ferry.txt").write_text(NEW_ARTICLE, encoding="utf-8")
        runs = wait_for(lambda: completed(3), "two more scheduled runs", serve, log)
    finally:
        stop_process_group(serve)

    assert all(r["auto_scheduled"] for r in runs if r["state"] == "COMPLETED")
    assert not any(r["state"] in ("FAILED", "CRASHED") for r in runs)
    finished = sorted(p.parent.name for p in (output / "_runs").glob("*/stats.json"))
    assert len(finished) >= 3
    records = output_records(output)
    assert sorted(records) == sorted([*first, "ferry.txt.jsonl"])
    assert {name: records[name] for name in first} == first
    assert [r["source"]["path"] for r in records["ferry.txt.jsonl"]] == ["ferry.txt"]
    ids = [r["id"] for rows in records.values() for r in rows]
    assert len(ids) == len(set(ids)) == 4
    assert not list((output / "_staging").rglob("*.jsonl"))


def test_a_run_on_a_locked_output_exits_clearly_and_writes_nothing(
    prefect_server, tmp_path: Path, seed_paths
):
    from flows.clean_corpus import clean_corpus

    raw, output = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    shutil.copy(seed_paths[0], raw / seed_paths[0].name)
    with run_lock(output), pytest.raises(RunLockedError, match="another textwash run is active"):
        clean_corpus(input_dir=str(raw), output_dir=str(output))
    assert sorted(p.name for p in output.iterdir()) == [".textwash.lock"]


def test_textwash_run_on_a_locked_output_exits_with_status_3(
    prefect_server, tmp_path: Path, seed_paths, capsys
):
    from textwash.cli import main

    raw, output = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    shutil.copy(seed_paths[0], raw / seed_paths[0].name)
    with run_lock(output):
        status = main(["run", "--input", str(raw), "--output", str(output)])
    assert status == 3
    assert "another textwash run is active" in capsys.readouterr().err
    assert main(["run", "--input", str(raw), "--output", str(output)]) == 0


def test_serve_without_a_server_says_how_to_start_one(tmp_path: Path, monkeypatch, capsys):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from textwash.cli import main

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        status = main(["serve", "--cron", "0 * * * *", "--input", str(tmp_path)])
    assert status == 2
    assert "prefect server start" in capsys.readouterr().err
