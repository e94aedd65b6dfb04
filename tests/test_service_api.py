"""The HTTP API of the live-session service (docs/service-api.md): sessions and roles."""

from __future__ import annotations

import pytest
from test_service_support import account, advance, join, new_session, running_client

from medtwin.service.clock import ManualClock

CUSTOM = {"name": "Ms Test", "sex": "female", "age_years": 30, "height_cm": 165, "weight_kg": 60}


@pytest.fixture
def client(tmp_path):
    with running_client(tmp_path, ManualClock()) as test_client:
        yield test_client


def test_create_a_session_for_a_named_patient(client):
    instructor = account(client, "ines")
    session = new_session(client, instructor)
    assert session["status"] == "running" and session["speed"] == 1.0
    assert session["role"] == "instructor" and session["time_s"] == 0.0
    assert session["patient"]["name"] == "standard-male"
    code = session["code"]
    assert len(code) == 8 and set(code) <= set("ABCDEFGHJKMNPQRSTUVWXYZ23456789")


def test_create_a_session_for_custom_demographics(client):
    session = new_session(client, account(client, "ines"), patient=CUSTOM)
    assert session["patient"]["weight_kg"] == 60 and session["patient"]["sex"] == "female"


def test_an_invalid_patient_is_refused_naming_the_field(client):
    instructor = account(client, "ines")
    body = {"title": "Bad", "patient": {**CUSTOM, "age_years": 7}}
    response = client.post("/api/sessions", json=body, headers=instructor)
    assert response.status_code == 422
    assert "age_years" in response.json()["detail"] and "7" in response.json()["detail"]
    response = client.post("/api/sessions", json={"title": "Bad", "patient": "../etc/passwd"},
                           headers=instructor)  # fmt: skip
    assert response.status_code == 422 and "named patients" in response.json()["detail"]


def test_join_by_code_and_list_participants(client):
    instructor, trainee, observer = (account(client, n) for n in ("ines", "tom", "olga"))
    session = new_session(client, instructor)
    assert join(client, trainee, session["code"].lower(), "trainee")["role"] == "trainee"
    assert join(client, observer, session["code"], "observer")["role"] == "observer"
    detail = client.get(f"/api/sessions/{session['id']}", headers=observer).json()
    assert detail["participants"] == [
        {"username": "ines", "role": "instructor"},
        {"username": "tom", "role": "trainee"},
        {"username": "olga", "role": "observer"},
    ]
    mine = client.get("/api/sessions", headers=trainee).json()
    assert [(s["id"], s["role"]) for s in mine] == [(session["id"], "trainee")]
    wrong = client.post("/api/sessions/join", json={"code": "ZZZZZZZZ", "role": "trainee"},
                        headers=trainee)  # fmt: skip
    assert wrong.status_code == 404 and "code" in wrong.json()["detail"]


def test_a_trainees_order_is_logged_with_the_trainee_as_source(client):
    instructor, trainee = account(client, "ines"), account(client, "tom")
    session = new_session(client, instructor)
    join(client, trainee, session["code"], "trainee")
    url = f"/api/sessions/{session['id']}"
    order = "norepinephrine 0.1 mcg/kg/min IV infusion"
    response = client.post(f"{url}/orders", json={"order": order}, headers=trainee)
    assert response.status_code == 201
    assert response.json()["source"] == "tom" and response.json()["order"] == order
    events = client.get(f"{url}/events", headers=instructor).json()
    assert [(e["order"], e["source"], e["kind"]) for e in events] == [
        (order, "tom", "drug_infusion")
    ]


def test_only_the_instructor_injects_insults(client):
    """A haemorrhage is something that happens to the patient: the instructor injects it;
    a trainee asking for one is refused (403) and the log stays empty."""
    instructor, trainee = account(client, "ines"), account(client, "tom")
    session = new_session(client, instructor)
    join(client, trainee, session["code"], "trainee")
    url = f"/api/sessions/{session['id']}"
    refused = client.post(f"{url}/orders", json={"order": "haemorrhage 500 mL/min"},
                          headers=trainee)  # fmt: skip
    assert refused.status_code == 403 and "inject" in refused.json()["detail"]
    assert client.get(f"{url}/events", headers=instructor).json() == []
    given = client.post(f"{url}/orders", json={"order": "haemorrhage 500 mL/min"},
                        headers=instructor)  # fmt: skip
    assert given.status_code == 201 and given.json()["source"] == "ines"


def test_a_refused_order_is_422_with_the_reason(client):
    instructor = account(client, "ines")
    session = new_session(client, instructor)
    url = f"/api/sessions/{session['id']}/orders"
    for order in ("propofol 2000 mg/kg IV bolus", "unicorn tears 5 mL", "x" * 501):
        response = client.post(url, json={"order": order}, headers=instructor)
        assert response.status_code == 422, order
        detail = response.json()["detail"]
        assert detail and "\n" not in detail and "Traceback" not in detail
    assert client.get(f"/api/sessions/{session['id']}/events", headers=instructor).json() == []


def test_clock_pause_resume_speed_and_end(client):
    instructor = account(client, "ines")
    session = new_session(client, instructor)
    url = f"/api/sessions/{session['id']}"
    paused = client.post(f"{url}/clock", json={"action": "pause"}, headers=instructor).json()
    assert paused["status"] == "paused"
    frozen_at = client.get(url, headers=instructor).json()["time_s"]
    advance(client, 2.0)
    assert client.get(url, headers=instructor).json()["time_s"] == frozen_at
    resumed = client.post(f"{url}/clock", json={"action": "resume"}, headers=instructor).json()
    assert resumed["status"] == "running"
    fast = client.post(f"{url}/clock", json={"speed": 10}, headers=instructor).json()
    assert fast["speed"] == 10.0
    for bad in ({"speed": 61}, {"speed": 0.5}, {}, {"action": "rewind"},
                {"action": "pause", "speed": 2}):  # fmt: skip
        response = client.post(f"{url}/clock", json=bad, headers=instructor)
        assert response.status_code == 422, bad
    ended = client.post(f"{url}/end", headers=instructor).json()
    assert ended["status"] == "ended"
    again = client.post(f"{url}/orders", json={"order": "haemorrhage 100 mL/min"},
                        headers=instructor)  # fmt: skip
    assert again.status_code == 409


def test_speed_10_runs_simulated_time_ten_times_wall_time(client):
    instructor = account(client, "ines")
    session = new_session(client, instructor)
    url = f"/api/sessions/{session['id']}"
    client.post(f"{url}/clock", json={"speed": 10}, headers=instructor)
    sim_start = client.get(url, headers=instructor).json()["time_s"]
    advance(client, 1.5)
    sim = client.get(url, headers=instructor).json()["time_s"]
    assert sim - sim_start == pytest.approx(15.0, abs=0.01)


def test_notes_are_for_instructors(client):
    instructor, trainee = account(client, "ines"), account(client, "tom")
    session = new_session(client, instructor)
    join(client, trainee, session["code"], "trainee")
    url = f"/api/sessions/{session['id']}/notes"
    response = client.post(url, json={"text": "slow to call for help"}, headers=instructor)
    assert response.status_code == 201 and response.json()["text"] == "slow to call for help"
    assert client.post(url, json={"text": "hi"}, headers=trainee).status_code == 403


def test_history_gives_1_hz_vitals_since_a_time(client):
    instructor = account(client, "ines")
    session = new_session(client, instructor)
    url = f"/api/sessions/{session['id']}"
    client.post(f"{url}/clock", json={"speed": 20}, headers=instructor)
    advance(client, 0.5)  # 10 simulated seconds at 20 x
    history = client.get(f"{url}/history", params={"since": 3}, headers=instructor).json()
    assert history["time_s"][:3] == [4.0, 5.0, 6.0]
    for name in ("heart_rate", "mean_arterial_pressure", "spo2", "etco2"):
        assert len(history["signals"][name]) == len(history["time_s"])


def test_config_serves_what_the_browser_would_otherwise_copy(client):
    """Patients, every registered action kind with its limits, speeds, alarm limits and
    the waveform channels, as the library knows them."""
    from medtwin.actions import KINDS
    from medtwin.patients import named_patients
    from medtwin.physiology.layout import RHYTHM_NAMES
    from medtwin.service.codec import FRAME_CHANNELS
    from medtwin.service.runtime import SPEED_RANGE

    config = client.get("/api/config").json()
    assert [p["name"] for p in config["patients"]] == named_patients()
    kinds = {action["kind"]: action for action in config["actions"]}
    assert set(kinds) == set(KINDS)
    assert kinds["fluid"]["limits"]["volume_mL"] == {"gt": 0.0, "le": 10000.0, "unit": "mL"}
    assert kinds["haemorrhage"]["insult"] and not kinds["drug_bolus"]["insult"]
    # the cuff is an order like any other: the monitor's buttons give its forms
    assert kinds["nibp"]["forms"] == ["measure NIBP", "NIBP every <n> min", "stop NIBP"]
    assert kinds["nibp"]["limits"]["every_min"] == {"ge": 1.0, "le": 60.0, "unit": "min"}
    assert set(config["nibp"]["cycles_min"]) - {0} <= set(range(1, 61)) | {2.5}
    assert (config["speeds"]["min"], config["speeds"]["max"]) == SPEED_RANGE
    assert config["waveforms"]["channels"] == list(FRAME_CHANNELS)
    assert config["alarm_limits"]["spo2"] == [90.0, None]
    # rhythm alarms name engine rhythms, and PEA (complexes on the ECG) raises none
    assert set(config["rhythm_alarms"]) == {"vf", "asystole", "vt", "pulseless_vt"}
    assert set(config["rhythm_alarms"]) <= set(RHYTHM_NAMES)


def test_a_slow_disk_does_not_stall_the_clock_and_orders_are_acknowledged_once_stored(
    client, monkeypatch
):
    """Database writes run off the event loop that ticks every session (issue 8): while
    an order's write hangs, the session's clock runs on; the order is acknowledged only
    once it is stored. (A mock: a slow disk cannot be provoked on a test machine.)"""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from medtwin.service import store

    instructor = account(client, "ines")
    session = new_session(client, instructor)
    url = f"/api/sessions/{session['id']}"
    writing, release = threading.Event(), threading.Event()
    real_add_events = store.add_events

    def slow_add_events(db, session_id, events):
        writing.set()
        assert release.wait(30), "the test never released the write"
        real_add_events(db, session_id, events)

    monkeypatch.setattr(store, "add_events", slow_add_events)
    with ThreadPoolExecutor(1) as pool:
        order = {"order": "haemorrhage 100 mL/min"}
        pending = pool.submit(client.post, f"{url}/orders", json=order, headers=instructor)
        assert writing.wait(30)
        before = client.get(url, headers=instructor).json()["time_s"]
        advance(client, 2.0)
        assert client.get(url, headers=instructor).json()["time_s"] == pytest.approx(before + 2)
        assert not pending.done()
        release.set()
        assert pending.result(30).status_code == 201
    events = client.get(f"{url}/events", headers=instructor).json()
    assert [e["order"] for e in events] == ["haemorrhage 100 mL/min"]


def test_session_ids_beyond_the_database_are_refused_not_a_server_error(client):
    """Ids >= 2**63 returned 500 on all seven routes (issue 11)."""
    instructor = account(client, "ines")
    url = f"/api/sessions/{2**63}"
    calls = [("get", url, None), ("get", f"{url}/events", None), ("get", f"{url}/history", None),
             ("post", f"{url}/orders", {"order": "stop haemorrhage"}),
             ("post", f"{url}/clock", {"speed": 2}), ("post", f"{url}/end", None),
             ("post", f"{url}/notes", {"text": "x"})]  # fmt: skip
    for method, path, body in calls:
        body_argument = {} if method == "get" else {"json": body}
        response = getattr(client, method)(path, headers=instructor, **body_argument)
        assert response.status_code == 422, (path, response.status_code)
        assert "session_id" in response.json()["detail"]
