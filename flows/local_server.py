"""A real Prefect server in a child process on a free local port, for as long as a block runs.

`prefect server start` with its own PREFECT_HOME (database, logs), analytics and UI off,
started in its own process group and stopped (the whole group) when the block ends.
Integration tests and the throughput benchmark use it; people run `prefect server start`
themselves. It starts and stops a server; it does not run flows.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

QUIET_SERVER_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_UI_ENABLED": "false",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}


class ServerStartError(RuntimeError):
    """The server process exited or did not answer in time."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prefect_command() -> list[str]:
    script = Path(sys.executable).with_name("prefect")
    return [str(script)] if script.exists() else [sys.executable, "-m", "prefect"]


def _healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def local_prefect_server(
    home: Path, *, timeout: float = 180.0, env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """Start `prefect server start` on a free port; yield its API URL; stop it after."""
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    child_env = {**os.environ, **QUIET_SERVER_ENV, "PREFECT_HOME": str(home), **(env or {})}
    child_env.pop("PREFECT_API_URL", None)
    log_path = home / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [*_prefect_command(), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=child_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        deadline = time.monotonic() + timeout
        while not _healthy(api_url):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(errors="replace")[-2000:]
                raise ServerStartError(f"Prefect server on port {port} did not start:\n{tail}")
            time.sleep(0.5)
        yield api_url
    finally:
        stop_process_group(process)


def stop_process_group(process: subprocess.Popen, grace_seconds: float = 20.0) -> None:
    """SIGTERM a child started with `start_new_session=True` and its group; SIGKILL leftovers."""
    _signal_group(process.pid, signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=grace_seconds)
    _signal_group(process.pid, signal.SIGKILL)
    process.wait()


def _signal_group(pgid: int, signum: int) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)
