"""Shared helpers of the service tests (no tests here): an app on a temporary database,
accounts with tokens, and reading a session's stream until a message arrives."""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from medtwin.service.app import create_app
from medtwin.service.clock import Clock, ManualClock, WallClock
from medtwin.service.quotas import Quotas
from medtwin.service.runtime import RuntimeSettings
from medtwin.service.tracking import TrackingSettings


@contextmanager
def running_client(
    tmp_path,
    clock: Clock | None = None,
    quotas: Quotas | None = None,
    database_url: str | None = None,
    tracking: TrackingSettings | None = None,
) -> Iterator[TestClient]:
    """A test client of the service on a fresh database (SQLite in `tmp_path` unless a
    `database_url` is given), with its sessions running on `clock` (the wall clock by
    default; with a `ManualClock`, `advance(client, seconds)` moves their wall time on),
    the default quotas unless given, and patients' twins tracked by `tracking` (by
    default on the sessions' clock)."""
    app = service_app(tmp_path, clock, quotas, database_url, tracking)
    with TestClient(app) as test_client:
        test_client.clock = app.state.manager.settings.clock
        yield test_client


def service_app(
    tmp_path,
    clock: Clock | None = None,
    quotas: Quotas | None = None,
    database_url: str | None = None,
    tracking: TrackingSettings | None = None,
):
    """The service's app as `running_client` makes it (for `serving` by uvicorn)."""
    # a tick of 1/16 s keeps the manual clock's sums exact in binary
    settings = RuntimeSettings(tick_s=0.0625, snapshot_sim_s=5.0, clock=clock or WallClock())
    database_url = database_url or f"sqlite:///{tmp_path / 'service.db'}"
    return create_app(database_url, settings=settings, key_file=tmp_path / "token.key",
                      quotas=quotas, tracking=tracking)  # fmt: skip


def manual_tracking(clock: ManualClock, start: datetime, **settings) -> TrackingSettings:
    """Patients' twins stepping every second of `clock`, their wall time `start` plus
    the clock's seconds, so that a test times observations and steps exactly (other
    `TrackingSettings` as given)."""
    wall = lambda: start + timedelta(seconds=clock.now())  # noqa: E731
    return TrackingSettings(clock=clock, wall=wall, **settings)


def resumed(clock: ManualClock) -> ManualClock:
    """A new manual clock at `clock`'s time: the clock of the service started again."""
    again = ManualClock()
    again.advance(clock.now())
    return again


def advance(client: TestClient, seconds: float) -> None:
    """Let `seconds` of wall time pass for the client's live sessions."""
    client.clock.advance(seconds)


def account(client: TestClient, username: str, password: str = "correct horse") -> dict:
    """Register `username` and return the Authorization header of its token."""
    response = client.post("/api/users", json={"username": username, "password": password})
    assert response.status_code == 201, response.text
    response = client.post("/api/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def token_of(headers: dict) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def new_session(client: TestClient, headers: dict, patient="standard-male") -> dict:
    body = {"title": "Ward round", "patient": patient, "seed": 0}
    response = client.post("/api/sessions", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def join(client: TestClient, headers: dict, code: str, role: str) -> dict:
    response = client.post("/api/sessions/join", json={"code": code, "role": role},
                           headers=headers)  # fmt: skip
    assert response.status_code == 200, response.text
    return response.json()


def receive_until(websocket, wanted, limit: int = 2000) -> tuple[dict, list]:
    """Read messages until `wanted(message)`; the message and every JSON message before."""
    seen = []
    for _ in range(limit):
        frame = websocket.receive()
        if frame.get("text") is None:
            continue
        message = json.loads(frame["text"])
        seen.append(message)
        if wanted(message):
            return message, seen
    raise AssertionError(f"no wanted message in {limit} frames; types seen: "
                         f"{sorted({m['type'] for m in seen})}")  # fmt: skip


def wait_for(condition, timeout_s: float = 10.0, every_s: float = 0.05):
    """Poll `condition()` until it is truthy; its value."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every_s)
    raise AssertionError(f"condition not met within {timeout_s} s")


@contextmanager
def open_stream(client: TestClient, session_id: int, token: str):
    """A session's stream, authenticated by its first message."""
    with client.websocket_connect(f"/ws/sessions/{session_id}") as websocket:
        websocket.send_text(json.dumps({"type": "auth", "token": token}))
        yield websocket


@contextmanager
def private_postgresql(port: int) -> Iterator[Callable[[str], str]]:
    """A PostgreSQL server of its own (Debian's `postgresql`, from scripts/setup) in a
    temporary folder, on `port` and a unix socket in that folder, run as the `postgres`
    user when the tests run as root (PostgreSQL refuses to run as root). Gives
    `new_database(name)`, which creates a database and returns its URL."""
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not binaries:
        raise AssertionError("PostgreSQL is not installed: run scripts/setup")
    folder = Path(tempfile.mkdtemp(prefix="medtwin-pg-"))
    as_user = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    bin_dir, data = Path(binaries[-1]), folder / "data"

    def run(*command: str) -> None:
        subprocess.run([*as_user, *command], check=True, capture_output=True)

    run(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "medtwin", "--no-sync")
    options = f"-p {port} -k {folder} -c listen_addresses='' -c fsync=off"
    run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"),
        "-w", "start")  # fmt: skip

    def new_database(name: str) -> str:
        import psycopg

        with psycopg.connect(host=str(folder), port=port, user="medtwin", dbname="postgres",
                             autocommit=True) as connection:  # fmt: skip
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://medtwin@/{name}?host={folder}&port={port}"

    try:
        yield new_database
    finally:
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def serving(app, timeout_s: float = 20.0) -> Iterator[str]:
    """`app` served by uvicorn from a background thread on a free loopback port, as
    `medtwin serve` serves it (`server_options`); its base URL. The server is stopped on
    the way out."""
    import uvicorn

    from medtwin.service.commands import server_options

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            **server_options())  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout_s
    while not server.started:
        assert thread.is_alive(), "the server thread died while starting"
        assert time.monotonic() < deadline, f"the server did not start within {timeout_s} s"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
