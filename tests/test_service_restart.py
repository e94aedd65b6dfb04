"""A killed server restores its running sessions: clock, event log and trend intact."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
from test_service_support import wait_for

SERVER = (
    "import sys, uvicorn; from medtwin.service.app import create_app; "
    "uvicorn.run(create_app(sys.argv[1]), host='127.0.0.1', "
    "port=int(sys.argv[2]), log_level='warning')"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(database_url: str, port: int) -> tuple[subprocess.Popen, httpx.Client]:
    key_file = Path(database_url.removeprefix("sqlite:///")).with_name("token.key")
    server = subprocess.Popen([sys.executable, "-c", SERVER, database_url, str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              env={**os.environ, "MEDTWIN_KEY_FILE": str(key_file)})  # fmt: skip
    http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)

    def ready() -> bool:
        if server.poll() is not None:
            raise AssertionError(server.stderr.read().decode()[-2000:])
        try:
            return http.get("/api/sessions").status_code == 401
        except httpx.TransportError:
            return False

    wait_for(ready, timeout_s=30, every_s=0.1)
    return server, http


def _snapshots(database: Path) -> int:
    """How many twin snapshots the server has written (read from its database file)."""
    with sqlite3.connect(database) as db:
        return db.execute("SELECT count(*) FROM snapshots").fetchone()[0]


def test_a_killed_server_restores_its_running_session(tmp_path):
    database_url, port = f"sqlite:///{tmp_path / 'restart.db'}", _free_port()
    server, http = _start(database_url, port)
    try:
        account = {"username": "ines", "password": "correct horse"}
        assert http.post("/api/users", json=account).status_code == 201
        token = http.post("/api/login", json=account).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        session = http.post("/api/sessions", json={"title": "Night shift"}, headers=headers).json()
        url = f"/api/sessions/{session['id']}"
        assert http.post(f"{url}/orders", json={"order": "haemorrhage 200 mL/min"},
                         headers=headers).status_code == 201  # fmt: skip
        wait_for(lambda: _snapshots(tmp_path / "restart.db"), timeout_s=30, every_s=0.2)
        events_before = http.get(f"{url}/events", headers=headers).json()
        time_before = http.get(url, headers=headers).json()["time_s"]
    finally:
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
        http.close()

    server, http = _start(database_url, port)
    try:
        restored = http.get(url, headers=headers).json()  # the token survives the restart
        assert restored["status"] == "running"
        assert abs(restored["time_s"] - time_before) < 4
        assert http.get(f"{url}/events", headers=headers).json() == events_before
        history = http.get(f"{url}/history", headers=headers).json()
        assert history["time_s"] == [float(t) for t in range(len(history["time_s"]))]
        wait_for(lambda: http.get(url, headers=headers).json()["time_s"] > restored["time_s"],
                 timeout_s=30, every_s=0.2)  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=15)
        http.close()
