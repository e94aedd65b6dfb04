"""The live stream: snapshot, 1 Hz vitals, waveform frames, events, client messages."""

from __future__ import annotations

import asyncio
import itertools
import json
import struct

import pytest
from test_service_support import (
    account,
    join,
    new_session,
    open_stream,
    receive_until,
    running_client,
    token_of,
)

from medtwin.monitor_layout import DEFAULT_LAYOUT
from medtwin.service import store
from medtwin.service.codec import FRAME_CHANNELS, channel_mask, read_waveform_frame
from medtwin.service.db import make_engine, make_sessionmaker
from medtwin.service.runtime import RuntimeSettings, SessionManager


@pytest.fixture
def client(tmp_path):
    with running_client(tmp_path) as test_client:
        yield test_client


def _stream(client, session, headers):
    return open_stream(client, session["id"], token_of(headers))


def _is(kind):
    return lambda message: message["type"] == kind


def test_every_client_gets_a_snapshot_then_vitals_at_1_hz_and_waveform_frames(client):
    instructor, trainee, observer = (account(client, n) for n in ("ines", "tom", "olga"))
    session = new_session(client, instructor)
    join(client, trainee, session["code"], "trainee")
    join(client, observer, session["code"], "observer")
    with (
        _stream(client, session, instructor) as ws_i,
        _stream(client, session, trainee) as ws_t,
        _stream(client, session, observer) as ws_o,
    ):
        for ws, role in ((ws_i, "instructor"), (ws_t, "trainee"), (ws_o, "observer")):
            snapshot = json.loads(ws.receive_text())
            assert snapshot["type"] == "snapshot" and snapshot["session"]["role"] == role
            assert {"vitals", "events", "history"} <= set(snapshot)
            assert ("notes" in snapshot) == (role == "instructor")
            assert snapshot["vitals"]["heart_rate"] > 0
        frames, vitals = [], []
        while len(vitals) < 3:
            frame = ws_o.receive()
            if frame.get("bytes") is not None:
                frames.append(frame["bytes"])
            else:
                message = json.loads(frame["text"])
                if message["type"] == "vitals":
                    vitals.append(message)
        times = [message["time_s"] for message in vitals]
        assert [b - a for a, b in itertools.pairwise(times)] == [1.0, 1.0]
        for name in ("heart_rate", "systolic_bp", "spo2", "etco2", "train_of_four_ratio"):
            assert name in vitals[-1]["vitals"]
        assert vitals[-1]["rhythm"] == "sinus"
        assert frames
        ends = []
        drawn = [name for name in FRAME_CHANNELS if name in DEFAULT_LAYOUT.waves]
        for frame in frames:
            mask, n, start_s, rate_hz = struct.unpack_from("<IIdf", frame)
            assert (mask, rate_hz) == (channel_mask(drawn), 125.0)
            assert len(frame) == 20 + len(drawn) * n * 4
            _, _, channels = read_waveform_frame(frame)
            assert list(channels) == drawn  # what the monitors draw, and nothing else
            assert 40 < channels["arterial_pressure"].mean() < 200
            ends.append((start_s, start_s + (n - 1) / rate_hz))
        for (_, end), (start, _) in itertools.pairwise(ends):
            assert abs(start - end - 1 / 125) < 1e-6  # contiguous, nothing sent twice


def test_an_order_reaches_every_client_and_changes_the_patient(client):
    """The instructor injects a haemorrhage, the trainee treats with fluid: the
    trainee's order reaches every client with who gave it, the inject only the
    instructor (issue 13: it would give the diagnosis away), and the patient responds."""
    instructor, trainee, observer = (account(client, n) for n in ("ines", "tom", "olga"))
    session = new_session(client, instructor)
    join(client, trainee, session["code"], "trainee")
    join(client, observer, session["code"], "observer")
    fluid = "lactated Ringer's 500 mL over 5 min"
    with (
        _stream(client, session, instructor) as ws_i,
        _stream(client, session, trainee) as ws_t,
        _stream(client, session, observer) as ws_o,
    ):
        before, _ = receive_until(ws_o, _is("vitals"))
        ws_i.send_text(json.dumps({"type": "clock", "speed": 60}))
        ws_i.send_text(json.dumps({"type": "order", "order": "haemorrhage 500 mL/min"}))
        instructors_order, _ = receive_until(ws_i, _is("event"))  # then the trainee's
        ws_t.send_text(json.dumps({"type": "order", "order": fluid}))
        second, _ = receive_until(ws_i, _is("event"))
        assert [
            (m["event"]["source"], m["event"]["order"]) for m in (instructors_order, second)
        ] == [
            ("ines", "haemorrhage 500 mL/min"),
            ("tom", fluid),
        ]
        for ws in (ws_t, ws_o):
            first, _ = receive_until(ws, _is("event"))
            assert (first["event"]["source"], first["event"]["order"]) == ("tom", fluid)
        given_at = second["event"]["time_s"]
        after, _ = receive_until(ws_o, lambda m: m["type"] == "vitals"
                                 and m["time_s"] > given_at + 180)  # fmt: skip
        # a net loss of about a litre in 3 minutes: the heart speeds up (ATLS class II)
        assert after["vitals"]["heart_rate"] > before["vitals"]["heart_rate"] + 10
    seen = {who: client.get(f"/api/sessions/{session['id']}/events", headers=headers).json()
            for who, headers in (("instructor", instructor), ("observer", observer))}  # fmt: skip
    assert [(e["source"], e["kind"]) for e in seen["instructor"][:2]] == [
        ("ines", "haemorrhage"),
        ("tom", "fluid"),
    ]
    assert [(e["source"], e["kind"]) for e in seen["observer"]] == [("tom", "fluid")]


def test_refused_messages_get_an_error_for_that_client_only(client):
    instructor, trainee, observer = (account(client, n) for n in ("ines", "tom", "olga"))
    session = new_session(client, instructor)
    join(client, trainee, session["code"], "trainee")
    join(client, observer, session["code"], "observer")
    refused = [
        (trainee, json.dumps({"type": "order", "order": "propofol 2000 mg/kg IV bolus"})),
        (trainee, json.dumps({"type": "clock", "action": "pause"})),
        (observer, json.dumps({"type": "order", "order": "haemorrhage 100 mL/min"})),
        (trainee, "{not json"),
        (trainee, json.dumps({"type": "order", "order": "x" * 5000})),
        (trainee, json.dumps({"type": "dance"})),
        (trainee, json.dumps([1, 2])),
    ]
    with _stream(client, session, instructor) as ws_i:
        receive_until(ws_i, _is("snapshot"))
        for headers, text in refused:
            with _stream(client, session, headers) as ws:
                receive_until(ws, _is("snapshot"))
                ws.send_text(text)
                error, _ = receive_until(ws, _is("error"))
                assert error["detail"] and "\n" not in error["detail"], text
                ws.send_bytes(b"\x00\x01")
                assert receive_until(ws, _is("error"))[0]["detail"].startswith("message")
                receive_until(ws, _is("vitals"))  # the session keeps running
        _, seen = receive_until(ws_i, _is("vitals"))
        _, later = receive_until(ws_i, _is("vitals"))
        assert not [m for m in seen + later if m["type"] in ("error", "event")]
    status = client.get(f"/api/sessions/{session['id']}", headers=instructor).json()["status"]
    assert status == "running"


def test_notes_stream_to_instructors_only(client):
    instructor, trainee = account(client, "ines"), account(client, "tom")
    session = new_session(client, instructor)
    join(client, trainee, session["code"], "trainee")
    with _stream(client, session, instructor) as ws_i, _stream(client, session, trainee) as ws_t:
        client.post(f"/api/sessions/{session['id']}/notes", json={"text": "good call"},
                    headers=instructor)  # fmt: skip
        client.post(f"/api/sessions/{session['id']}/clock", json={"action": "pause"},
                    headers=instructor)  # fmt: skip
        note, _ = receive_until(ws_i, _is("note"))
        assert note["text"] == "good call"
        clock, seen = receive_until(ws_t, _is("clock"))
        assert clock["status"] == "paused" and not [m for m in seen if m["type"] == "note"]


def test_a_client_that_never_reads_does_not_stall_the_others(tmp_path):
    """Tick a live session by hand with one stuck and one reading subscriber."""
    make_db = make_sessionmaker(make_engine(f"sqlite:///{tmp_path / 'slow.db'}"))
    manager = SessionManager(make_db, RuntimeSettings(outbox_size=8, waveform_seconds=5))

    async def scenario():
        with make_db() as db:
            patient = {"name": "p", "sex": "male", "age_years": 40, "height_cm": 180,
                       "weight_kg": 80}  # fmt: skip
            row = store.add_session(db, "slow", patient, 0, "ines")
        twin = manager.new_twin(row.patient, row.seed)
        live = manager.launch(row, twin)
        await live.stop()  # tick by hand below, not on the wall clock
        live.status = "running"
        stuck = live.subscribe("observer", {}, None)
        reader = live.subscribe("observer", {}, None)
        received = []
        for _ in range(120):
            await live.step(0.125)
            while len(reader.outbox):
                received.append(await reader.outbox.get())
            assert len(stuck.outbox) <= 8
        return live, stuck, received

    live, stuck, received = asyncio.run(scenario())
    vitals = [json.loads(m)["time_s"] for m in received if isinstance(m, str)
              and json.loads(m)["type"] == "vitals"]  # fmt: skip
    assert vitals == [float(t) for t in range(16)]  # 15 s simulated, every second
    assert sum(isinstance(m, bytes) for m in received) == 120
    assert stuck.outbox.overflowed and stuck not in live.subscribers
    assert stuck.outbox.frames_dropped > 0


def test_a_crashing_session_is_marked_errored_and_the_others_run_on(client):
    instructor = account(client, "ines")
    broken, healthy = new_session(client, instructor), new_session(client, instructor)
    url = f"/api/sessions/{broken['id']}"
    client.post(f"{url}/orders", json={"order": "haemorrhage 100 mL/min"}, headers=instructor)
    live = client.app.state.manager.get(broken["id"])

    def fail(seconds):
        raise FloatingPointError("the engine blew up")

    with _stream(client, broken, instructor) as ws:
        receive_until(ws, _is("snapshot"))
        live.twin.advance = fail
        clock, _ = receive_until(ws, _is("clock"))
        assert clock["status"] == "errored"
    assert client.get(url, headers=instructor).json()["status"] == "errored"
    assert len(client.get(f"{url}/events", headers=instructor).json()) == 1
    with _stream(client, healthy, instructor) as ws:
        receive_until(ws, _is("snapshot"))
        first, _ = receive_until(ws, _is("vitals"))
        second, _ = receive_until(ws, _is("vitals"))
        assert second["time_s"] == first["time_s"] + 1
