"""Nothing lost, nothing invented (issue 11), with a real `medtwin serve` process.

After `kill -9` of a session running at 60 x, the restarted server resumes it at most
5 s of simulated time before the last moment a client saw, with every acknowledged
order, note and stream message, and every 1 Hz vitals row exactly what a twin given the
same orders at the same times computes (replayed, not back-filled). A SIGTERM stops the
server within 5 s and loses nothing.
"""

from __future__ import annotations

import json
import math
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from test_service_support import free_port, private_postgresql, wait_for
from websockets.sync.client import connect

from medtwin import Twin
from medtwin.patients import patient_from_dict
from medtwin.physiology.batch import STEP_S
from medtwin.service.codec import main_numerics
from medtwin.service.store import json_values

PASSWORD = "correct horse"
CHECKPOINT_SIM_S = 5.0  # the bound (service.runtime.RuntimeSettings)
SHUTDOWN_S = 5.0  # the bound on a normal shutdown


class Server:
    """`medtwin serve` in a subprocess on a free port; its log is kept."""

    def __init__(self, database_url: str, key_file: Path) -> None:
        self.port = free_port()
        self.log_path = key_file.with_name(f"serve-{self.port}.log")
        command = [str(Path(sys.executable).with_name("medtwin")), "serve", "--no-demo",
                   "--port", str(self.port), "--database", database_url]  # fmt: skip
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT,
                env={**os.environ, "MEDTWIN_KEY_FILE": str(key_file)},
            )  # fmt: skip
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=60)
        wait_for(self._ready, timeout_s=60, every_s=0.1)

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(self.log()[-3000:])
        try:
            return self.http.get("/api/config").status_code == 200
        except httpx.TransportError:
            return False

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def restored_at(self, session_id: int) -> float:
        """The simulated time the server says it restored the session at."""
        pattern = rf"session {session_id} restored at ([0-9.]+) s"
        found = wait_for(lambda: re.search(pattern, self.log()), timeout_s=30, every_s=0.1)
        return float(found.group(1))

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.http.close()

    def stop(self) -> int:
        """SIGTERM; the exit code (a server not gone within SHUTDOWN_S fails the test)."""
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=SHUTDOWN_S)
        self.http.close()
        return code


class Watcher(threading.Thread):
    """A client of a session's stream recording every message it saw, until the
    stream ends."""

    def __init__(self, port: int, session_id: int, token: str) -> None:
        super().__init__(daemon=True)
        self.websocket = connect(f"ws://127.0.0.1:{port}/ws/sessions/{session_id}", legacy=True)
        self.websocket.send(json.dumps({"type": "auth", "token": token}))
        self.vitals: dict[float, dict] = {}
        self.events: list[dict] = []
        self.errors: list[str] = []
        self.start()

    def run(self) -> None:
        try:
            for frame in self.websocket:
                if isinstance(frame, str):
                    self._record(json.loads(frame))
        except Exception as error:  # the server was killed: the stream ends
            self.errors.append(repr(error))

    def _record(self, message: dict) -> None:
        if message["type"] == "vitals":
            self.vitals[message["time_s"]] = _present(message["vitals"])
        elif message["type"] == "event":
            self.events.append(message["event"])

    @property
    def last_seen_s(self) -> float:
        return max(self.vitals, default=0.0)

    def send(self, message: dict) -> None:
        self.websocket.send(json.dumps(message))


def _present(values: dict) -> dict:
    """The values a monitor gave (null: it could not)."""
    return {name: value for name, value in values.items() if value is not None}


def _login(http: httpx.Client, username: str) -> tuple[dict, str]:
    http.post("/api/users", json={"username": username, "password": PASSWORD})
    token = http.post("/api/login", json={"username": username, "password": PASSWORD})
    token = token.json()["token"]
    return {"Authorization": f"Bearer {token}"}, token


def _replayed_vitals(patient: dict, seed: int, events: list[dict], until_s: int) -> dict:
    """What a twin computes at each whole second when given `events` at their times
    (vitals first, then what happens at that second, as a live session does)."""
    twin = Twin(patient_from_dict(patient), seed=seed, waveform_seconds=0.0)
    orders = [e for e in events if e["source"] != "schedule"]
    rows = {}
    for second in range(until_s + 1):
        while orders and orders[0]["time_s"] < second - 0.5 * STEP_S:
            event = orders.pop(0)
            twin.advance(event["time_s"] - twin.time_s)
            twin.apply(event["order"], source=event["source"])
        twin.advance(second - twin.time_s)
        rows[float(second)] = _present(json_values(main_numerics(twin.vitals())))
    return rows


def _differences(stored: dict, computed: dict) -> dict:
    names = set(stored) | set(computed)
    return {n: (stored.get(n), computed.get(n)) for n in names if stored.get(n) != computed.get(n)}


def _history_rows(history: dict) -> dict[float, dict]:
    names = history["signals"]
    return {
        time_s: _present({name: names[name][i] for name in names})
        for i, time_s in enumerate(history["time_s"])
    }


@pytest.fixture(scope="module")
def postgresql():
    with private_postgresql(free_port()) as new_database:
        yield new_database


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """The default SQLite file, and PostgreSQL (`--database postgresql://...`)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'crash.db'}"
    return request.getfixturevalue("postgresql")(tmp_path.name.lower()[:60])


def test_kill_9_at_60x_loses_nothing_and_invents_nothing(tmp_path, database_url):
    key_file = tmp_path / "token.key"
    server = Server(database_url, key_file)
    try:
        headers, token = _login(server.http, "ines")
        session = server.http.post("/api/sessions", json={"title": "Crash", "seed": 7},
                                   headers=headers).json()  # fmt: skip
        url = f"/api/sessions/{session['id']}"
        assert server.http.post(f"{url}/clock", json={"speed": 60}, headers=headers).is_success
        watcher = Watcher(server.port, session["id"], token)
        orders = ("haemorrhage 300 mL/min", "fentanyl 100 mcg IV bolus")
        acknowledged = [server.http.post(f"{url}/orders", json={"order": order},
                                         headers=headers).json() for order in orders]  # fmt: skip
        wait_for(lambda: watcher.last_seen_s > acknowledged[-1]["time_s"] + 20, timeout_s=60)
        watcher.send({"type": "order", "order": "stop haemorrhage"})
        note = server.http.post(f"{url}/notes", json={"text": "bleeding stopped late"},
                                headers=headers)  # fmt: skip
        assert note.status_code == 201
        wait_for(lambda: len(watcher.events) == 3, timeout_s=60)
        stream_order = watcher.events[-1]
        wait_for(lambda: watcher.last_seen_s > stream_order["time_s"] + 12, timeout_s=60)
    finally:
        server.kill()
    watcher.join(timeout=30)
    seen_s = watcher.last_seen_s

    server = Server(database_url, key_file)
    try:
        restored_s = server.restored_at(session["id"])
        assert seen_s - CHECKPOINT_SIM_S <= restored_s
        events = server.http.get(f"{url}/events", headers=headers).json()
        assert events == [*acknowledged, stream_order] == watcher.events  # none lost or new
        again = Watcher(server.port, session["id"], token)
        wait_for(lambda: again.last_seen_s > seen_s + 5, timeout_s=60)
        history = server.http.get(f"{url}/history", headers=headers).json()
        with connect(f"ws://127.0.0.1:{server.port}/ws/sessions/{session['id']}") as ws:
            ws.send(json.dumps({"type": "auth", "token": token}))
            snapshot = json.loads(ws.recv())
        assert [n["text"] for n in snapshot["notes"]] == ["bleeding stopped late"]
    finally:
        server.stop()
    stored = _history_rows(history)
    assert list(stored) == [float(t) for t in range(len(stored))]  # every second, once
    for time_s, values in watcher.vitals.items():  # what the client saw is what is stored
        assert stored[time_s] == values, time_s
    computed = _replayed_vitals(session["patient"], 7, events, int(max(stored)))
    differing = {t: _differences(stored[t], computed[t]) for t in stored}
    assert {t: d for t, d in differing.items() if d} == {}
    assert not math.isclose(stored[30.0]["heart_rate"], stored[float(int(seen_s))]["heart_rate"])


def test_sigterm_stops_within_5_s_and_a_restart_resumes_where_clients_were(tmp_path):
    database_url, key_file = f"sqlite:///{tmp_path / 'stop.db'}", tmp_path / "token.key"
    server = Server(database_url, key_file)
    try:
        headers, token = _login(server.http, "ines")
        session = server.http.post("/api/sessions", json={"title": "Stop"},
                                   headers=headers).json()  # fmt: skip
        url = f"/api/sessions/{session['id']}"
        server.http.post(f"{url}/clock", json={"speed": 60}, headers=headers)
        watcher = Watcher(server.port, session["id"], token)
        wait_for(lambda: watcher.last_seen_s > 30, timeout_s=60)
    finally:
        exit_code = server.stop()
    watcher.join(timeout=30)
    # uvicorn shuts down, then re-raises the signal, as a process stopped by it should
    assert exit_code in (0, -signal.SIGTERM)
    assert "Application shutdown complete" in server.log()
    server = Server(database_url, key_file)
    try:
        assert server.restored_at(session["id"]) >= watcher.last_seen_s
        history = server.http.get(f"{url}/history", headers=headers).json()
    finally:
        server.stop()
    # every second the client saw is stored, from the first it saw (it may have joined
    # after second 0) to the last
    first_seen = int(min(watcher.vitals))
    assert history["time_s"][first_seen : int(watcher.last_seen_s) + 1] == sorted(watcher.vitals)
