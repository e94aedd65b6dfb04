"""An abusive client does not slow the others (issue 11), against a real uvicorn server
with real WebSockets (`serving`, as `medtwin serve` runs it) on a manual clock.

A user who reconnects in a loop is refused (4429, then HTTP 429 at the handshake); a
flooding client that goes on sending after its stream was closed is cut off instead of
read to the end; the slow first dose of a drug and the sessions' writes run in threads
of their own, never on the event loop nor behind other work.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import socket
import struct
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from test_service_support import account, new_session, service_app, serving, token_of, wait_for
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from medtwin.pharmacology import kinetics
from medtwin.pharmacology import model as pk_model
from medtwin.service import auth, store
from medtwin.service.clock import ManualClock
from medtwin.service.db import POOL_SIZE, make_engine, make_sessionmaker
from medtwin.service.quotas import Quotas
from medtwin.service.views.stream import HANDSHAKE_DELAY_S
from medtwin.service.ws_protocol import AFTER_CLOSE_BYTES

DROPPED = "sent after it was closed; connection dropped"


@dataclass
class Served:
    http: httpx.Client
    ws_base: str
    clock: ManualClock
    app: FastAPI


@pytest.fixture
def served(tmp_path):
    clock = ManualClock()
    quotas = Quotas(stream_connect_burst=3, stream_connects_per_min=12.0)
    app = service_app(tmp_path, clock, quotas)
    with serving(app) as base_url, httpx.Client(base_url=base_url, timeout=60) as http:
        yield Served(http, base_url.replace("http://", "ws://"), clock, app)


@contextmanager
def stream(served: Served, session_id: int, token: str):
    with connect(f"{served.ws_base}/ws/sessions/{session_id}", open_timeout=30) as ws:
        ws.send(json.dumps({"type": "auth", "token": token}))
        yield ws


def refusal(ws) -> tuple[dict, int, str]:
    """The error message of a refused stream, and its close code and reason."""
    message = json.loads(ws.recv(timeout=30))
    with pytest.raises(ConnectionClosed) as closed:
        ws.recv(timeout=30)
    return message, closed.value.rcvd.code, closed.value.rcvd.reason


def test_a_user_reconnecting_in_a_loop_is_refused_with_4429_until_the_rate_allows(served):
    headers = account(served.http, "ines")
    session, token = new_session(served.http, headers), token_of(headers)
    for _ in range(3):  # the burst
        with stream(served, session["id"], token) as ws:
            assert json.loads(ws.recv(timeout=30))["type"] == "snapshot"
    detail = (
        "quota stream_connects_per_min: 'ines' opened more than 3 streams at once or "
        "12 a minute; try again in 5 s"
    )
    with stream(served, session["id"], token) as ws:
        assert refusal(ws) == ({"type": "error", "detail": detail}, 4429, detail)
    served.clock.advance(5.0)  # 12 a minute: one more every 5 s
    with stream(served, session["id"], token) as ws:
        assert json.loads(ws.recv(timeout=30))["type"] == "snapshot"
    with stream(served, session["id"], token) as ws:
        assert refusal(ws)[1] == 4429


def test_an_address_refused_a_hundred_times_a_minute_is_refused_at_the_handshake(served):
    for _ in range(100):  # bad tokens: each stream is accepted, then refused (4401)
        with stream(served, 1, "not a token") as ws:
            assert refusal(ws)[1] == 4401
    with ThreadPoolExecutor(1) as pool:
        attempt = pool.submit(handshake_status, served)
        wait_for(lambda: served.app.state.held_handshakes == 1)  # answered a second late
        assert not attempt.done()
        served.clock.advance(HANDSHAKE_DELAY_S)
        response = attempt.result(timeout=30)
    assert response.status_code == 429 and response.headers["Retry-After"] == "60"
    assert json.loads(response.body) == {
        "detail": "streams from this address: too many failed attempts; try again in 60 s"
    }
    served.clock.advance(60.0)  # the lockout is over: accepted (and refused) again
    with stream(served, 1, "not a token") as ws:
        assert refusal(ws)[1] == 4401


def handshake_status(served: Served):
    """The HTTP response that refused a stream's handshake."""
    with pytest.raises(InvalidStatus) as denied, stream(served, 1, "not a token"):
        pass
    return denied.value.response


class RawStream:
    """A WebSocket client written by hand over a socket, so that it can go on sending
    after the server's close frame (a library client stops)."""

    def __init__(self, served: Served, session_id: int) -> None:
        host, port = served.ws_base.removeprefix("ws://").split(":")
        self.socket = socket.create_connection((host, int(port)), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.socket.sendall(
            f"GET /ws/sessions/{session_id} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self._read()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 101"), head

    def _read(self) -> bytes:
        data = self.socket.recv(65536)
        if not data:
            raise ConnectionError("closed by the server")
        return data

    def send_text(self, text: str) -> None:
        """One masked text frame (RFC 6455 §5.2), with a zero mask."""
        payload = text.encode()
        if len(payload) < 126:
            header = struct.pack("!BB", 0x81, 0x80 | len(payload))
        else:
            header = struct.pack("!BBH", 0x81, 0x80 | 126, len(payload))
        self.socket.sendall(header + b"\0\0\0\0" + payload)

    def next_frame(self) -> tuple[int, bytes]:
        """The opcode and payload of the server's next frame (unmasked)."""
        extended = {126: "!H", 127: "!Q"}  # lengths of 126 bytes and more follow
        while True:
            if len(self.buffer) >= 2:
                opcode, length = self.buffer[0] & 0x0F, self.buffer[1] & 0x7F
                form = extended.get(length)
                start = 2 + (struct.calcsize(form) if form else 0)
                if form and len(self.buffer) >= start:
                    length = struct.unpack_from(form, self.buffer, 2)[0]
                if len(self.buffer) >= start and len(self.buffer) >= start + length:
                    payload = self.buffer[start : start + length]
                    self.buffer = self.buffer[start + length :]
                    return opcode, payload
            self.buffer += self._read()

    def close_frame(self) -> tuple[int, str]:
        """The code and reason of the server's close frame, skipping everything before."""
        while True:
            opcode, payload = self.next_frame()
            if opcode == 0x8:
                return struct.unpack_from("!H", payload)[0], payload[2:].decode()


def test_a_flooder_that_goes_on_sending_after_its_close_is_cut_off(served, caplog):
    caplog.set_level(logging.WARNING, logger="medtwin.service")
    headers = account(served.http, "ines")
    session = new_session(served.http, headers)
    raw = RawStream(served, session["id"])
    raw.send_text(json.dumps({"type": "auth", "token": token_of(headers)}))
    for _ in range(21):  # a burst of 20 is allowed
        raw.send_text(json.dumps({"type": "order", "order": "unicorn tears"}))
    assert raw.close_frame() == (1008, "too many messages")
    junk = json.dumps({"type": "order", "order": "x" * 1000})
    with pytest.raises(OSError):  # reset by the server once it has read enough
        for _ in range(100 * AFTER_CLOSE_BYTES // len(junk)):
            raw.send_text(junk)
    record = wait_for(lambda: [r for r in caplog.records if DROPPED in r.getMessage()])[0]
    read_after_close = int(record.getMessage().split(": ")[1].split(" bytes")[0])
    assert AFTER_CLOSE_BYTES < read_after_close <= AFTER_CLOSE_BYTES + 256 * 1024  # one read


def test_a_client_that_answers_the_close_at_once_is_not_cut_off(served, caplog):
    caplog.set_level(logging.WARNING, logger="medtwin.service")
    headers = account(served.http, "ines")
    session = new_session(served.http, headers)
    with stream(served, session["id"], token_of(headers)) as ws:
        for _ in range(21):
            ws.send(json.dumps({"type": "order", "order": "unicorn tears"}))
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                ws.recv(timeout=30)
    assert closed.value.rcvd.code == 1008
    assert served.http.get("/api/config").status_code == 200  # the server is not stopped
    assert not [r for r in caplog.records if DROPPED in r.getMessage()]


@pytest.fixture
def solves(monkeypatch) -> list[str]:
    """The threads in which ke0 searches (the slow part of a first dose) ran."""
    original, threads = kinetics.ke0_for_peak_time, []
    original.cache_clear()

    def recording(*args):
        misses = original.cache_info().misses
        result = original(*args)
        if original.cache_info().misses > misses:
            threads.append(threading.current_thread().name)
        return result

    monkeypatch.setattr(pk_model, "ke0_for_peak_time", recording)
    return threads


def test_the_first_dose_of_a_drug_is_prepared_off_the_event_loop(served, solves):
    headers = account(served.http, "ines")
    session = new_session(served.http, headers)
    order = {"order": "fentanyl 25 mcg IV bolus"}
    response = served.http.post(f"/api/sessions/{session['id']}/orders", json=order,
                                headers=headers)  # fmt: skip
    assert response.status_code == 201, response.text
    assert solves == ["medtwin-prepare_0"]  # fentanyl's ke0 comes from its time to peak


def test_a_drug_timed_in_a_protocol_is_prepared_before_the_session_runs(served, solves):
    headers = account(served.http, "ines")
    body = {"title": "Timed", "seed": 0, "protocol": ["2 s: fentanyl 25 mcg IV bolus"]}
    session = served.http.post("/api/sessions", json=body, headers=headers).json()
    assert solves == ["medtwin-prepare_0"]
    served.clock.advance(3.0)  # the tick gives it, from the cache
    events = served.http.get(f"/api/sessions/{session['id']}/events", headers=headers).json()
    assert [e["order"] for e in events] == ["fentanyl 25 mcg IV bolus"]
    assert solves == ["medtwin-prepare_0"]


def test_the_sessions_clocks_run_on_while_every_shared_worker_thread_is_busy(
    served, monkeypatch, tmp_path
):
    """Registrations hash passwords in asyncio's shared threads; with all of them stuck,
    the sessions still write their checkpoints (in threads of their own) and run on."""
    headers = account(served.http, "ines")
    session = new_session(served.http, headers)
    release, started = threading.Event(), threading.Semaphore(0)

    def stuck_hash(password: str) -> str:
        started.release()
        release.wait(60)
        return "scrypt$00$00"

    monkeypatch.setattr(auth, "hash_password", stuck_hash)
    workers = min(32, (os.cpu_count() or 1) + 4)  # asyncio's default pool (Python 3.8+)
    blocked = [
        threading.Thread(target=served.http.post, args=("/api/users",),
                         kwargs={"json": {"username": f"user{i}", "password": "correct horse"}})
        for i in range(workers + 2)
    ]  # fmt: skip
    for thread in blocked:
        thread.start()
    try:
        for _ in range(workers):
            assert started.acquire(timeout=30)  # every shared thread is taken
        served.clock.advance(12.0)  # two checkpoints of 5 s of simulated time on the way
        info = served.http.get(f"/api/sessions/{session['id']}", headers=headers).json()
        assert info["time_s"] == pytest.approx(12.0)
        with make_sessionmaker(make_engine(f"sqlite:///{tmp_path / 'service.db'}"))() as db:
            assert store.get_session(db, session["id"]).time_s == pytest.approx(10.0)
    finally:
        release.set()
        for thread in blocked:
            thread.join(60)


def test_no_one_waits_for_a_database_connection(served):
    """Requests keep a connection while they wait for the event loop, and the loop
    reads on its own thread: with a pool that makes callers wait (SQLAlchemy's default,
    5 + 10 connections, then 30 s), the loop waited for connections held by requests
    waiting for it, and everything stopped for 30 s."""
    with served.app.state.sessionmaker() as db:
        engine = db.get_bind()
    held = [engine.connect() for _ in range(POOL_SIZE + 10)]  # past the old limit of 15
    try:
        body = {"username": "ines", "password": "correct horse"}
        assert served.http.post("/api/users", json=body).status_code == 201  # reads on the loop
    finally:
        for connection in held:
            connection.close()
