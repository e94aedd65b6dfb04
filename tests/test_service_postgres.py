"""The service on a real PostgreSQL server (`--database postgresql://...`), started by
the tests (`test_service_support.private_postgresql`), with what SQLite lets pass and
PostgreSQL does not: 8-character join codes, seeds up to 2**32 - 1, NaN in JSON, ids
beyond 32 bits, foreign keys, and a restart that restores the running sessions and the
patients' twins' estimates. The kill -9
recovery of a real server on PostgreSQL is in test_service_recovery.py."""

from __future__ import annotations

import itertools
import json
import math
from datetime import UTC, datetime, timedelta

import pytest
from test_service_support import (
    account,
    advance,
    free_port,
    join,
    manual_tracking,
    new_session,
    private_postgresql,
    resumed,
    running_client,
)

from medtwin.assimilation.step_input import StepInput
from medtwin.interop import Measurement
from medtwin.service import store
from medtwin.service.clock import ManualClock
from medtwin.service.db import driver_url, make_engine, make_sessionmaker

_NAMES = itertools.count()


@pytest.fixture(scope="module")
def postgresql():
    with private_postgresql(free_port()) as new_database:
        yield new_database


@pytest.fixture
def database_url(postgresql) -> str:
    return postgresql(f"service_{next(_NAMES)}")


def test_the_url_of_the_docs_means_psycopg_3():
    assert driver_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert driver_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert driver_url("sqlite:///x.db") == "sqlite:///x.db"


def test_sessions_orders_notes_and_history_on_postgresql(tmp_path, database_url):
    with running_client(tmp_path, ManualClock(), database_url=database_url) as client:
        instructor, trainee = account(client, "ines"), account(client, "tom")
        body = {"title": "Night shift", "seed": 2**32 - 1,
                "protocol": ["30 s: haemorrhage 100 mL/min"]}  # fmt: skip
        session = client.post("/api/sessions", json=body, headers=instructor).json()
        assert len(session["code"]) == 8
        join(client, trainee, session["code"], "trainee")
        url = f"/api/sessions/{session['id']}"
        order = client.post(f"{url}/orders", json={"order": "fentanyl 100 mcg IV bolus"},
                            headers=trainee)  # fmt: skip
        assert order.status_code == 201
        assert client.post(f"{url}/notes", json={"text": "ok"}, headers=instructor).is_success
        client.post(f"{url}/clock", json={"speed": 20}, headers=instructor)
        advance(client, 3.0)  # 60 simulated seconds
        events = client.get(f"{url}/events", headers=instructor).json()
        assert [(e["order"], e["source"]) for e in events] == [
            ("fentanyl 100 mcg IV bolus", "tom"),
            ("haemorrhage 100 mL/min", "ines"),
        ]
        assert events[1]["time_s"] == 30.0
        for big in (2**31, 2**63):
            response = client.get(f"/api/sessions/{big}", headers=instructor)
            assert response.status_code == 422 and "session_id" in response.json()["detail"]
        session_time_s = client.get(url, headers=instructor).json()["time_s"]
    # a new app on the same database restores the session, its log and its trend
    with running_client(tmp_path, ManualClock(), database_url=database_url) as client:
        restored = client.get(url, headers=instructor).json()
        assert restored["status"] == "running" and restored["time_s"] == session_time_s
        assert client.get(f"{url}/events", headers=instructor).json() == events
        history = client.get(f"{url}/history", headers=instructor).json()
        assert history["time_s"] == [float(t) for t in range(int(session_time_s) + 1)]


def test_a_reading_the_monitor_cannot_give_is_stored_as_null(database_url):
    make_db = make_sessionmaker(make_engine(database_url))
    with make_db() as db:
        row = store.add_session(db, "t", {"name": "p"}, 0, "ines")
        store.add_vitals(db, row.id, [(0.0, {"spo2": math.nan, "heart_rate": 70.5})])
        assert store.vitals_since(db, row.id, -math.inf) == [
            (0.0, {"spo2": None, "heart_rate": 70.5})
        ]


def test_quotas_count_on_postgresql(tmp_path, database_url):
    from medtwin.service.quotas import Quotas

    quotas = Quotas(sessions_per_user=1, participants_per_session=2)
    with running_client(tmp_path, ManualClock(), quotas, database_url) as client:
        instructor, trainee, observer = (account(client, n) for n in ("ines", "tom", "olga"))
        session = new_session(client, instructor)
        again = client.post("/api/sessions", json={"title": "two"}, headers=instructor)
        assert again.status_code == 409
        assert again.json()["detail"] == (
            "quota sessions_per_user: 'ines' already runs 1 live sessions (the limit is 1); "
            "end one first"
        )
        join(client, trainee, session["code"], "trainee")
        full = client.post("/api/sessions/join", json={"code": session["code"],
                           "role": "observer"}, headers=observer)  # fmt: skip
        assert full.status_code == 409 and "participants_per_session" in full.json()["detail"]
        client.post(f"/api/sessions/{session['id']}/end", headers=instructor)
        assert client.post("/api/sessions", json={"title": "two"},
                           headers=instructor).status_code == 201  # fmt: skip


def test_a_patients_twin_from_a_record_on_postgresql(tmp_path, database_url):
    """The twin file's document (a JSON column: PostgreSQL refuses NaN in JSON), a seed of
    2**32 - 1, and the twin tracked again after a restart."""
    from pathlib import Path

    bundle = json.loads((Path(__file__).parent / "data" / "records" /
                         "martina_murazik.json").read_text(encoding="utf-8"))  # fmt: skip
    body = {"title": "Ward 7", "bundle": bundle, "members": 2, "seed": 2**32 - 1}
    with running_client(tmp_path, ManualClock(), database_url=database_url) as client:
        headers = account(client, "ines")
        made = client.post("/api/twins", json=body, headers=headers)
        assert made.status_code == 201, made.text
    with running_client(tmp_path, ManualClock(), database_url=database_url) as client:
        again = client.get(f"/api/twins/{made.json()['id']}", headers=headers)
        assert again.status_code == 200
        assert again.json()["fit"] == made.json()["fit"] and again.json()["seed"] == 2**32 - 1
        assert client.get(f"/api/twins/{made.json()['id']}/track", headers=headers).is_success


def test_a_tracked_twins_journal_on_postgresql(tmp_path, database_url):
    """Each step of the twin's estimator is a row of twin_steps, written before it is
    applied; a checkpoint (every 2 steps here) replaces the steps it holds; a restart
    restores it and replays the rest to the same estimate; deleting the twin deletes
    both (PostgreSQL enforces the foreign keys that SQLite lets pass)."""
    start = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    clock = ManualClock()
    heart_rate = {"resourceType": "Observation", "status": "final", "id": "hr",
                  "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
                  "effectiveDateTime": start.isoformat(),
                  "valueQuantity": {"value": 84, "unit": "/min", "code": "/min",
                                    "system": "http://unitsofmeasure.org"}}  # fmt: skip
    make_db = make_sessionmaker(make_engine(database_url))
    tracking = manual_tracking(clock, start, checkpoint_steps=2)
    with running_client(tmp_path, clock, database_url=database_url, tracking=tracking) as client:
        headers = account(client, "ines")
        body = {"title": "Bed 2", "patient": "standard-male", "members": 2, "seed": 2**32 - 1}
        url = f"/api/twins/{client.post('/api/twins', json=body, headers=headers).json()['id']}"
        twin_id = int(url.rsplit("/", 1)[1])
        fhir_json = {**headers, "Content-Type": "application/fhir+json"}
        response = client.post(f"{url}/observations", content=json.dumps(heart_rate).encode(),
                               headers=fhir_json)  # fmt: skip
        assert response.status_code == 202, response.text
        advance(client, 1.0)  # journaled, held 2 s
        with make_db() as db:
            (step,) = store.twin_steps_of(db, twin_id)
        assert step.time == start + timedelta(seconds=1)
        assert [m.source for m in step.arrivals] == ["FHIR POST by ines Observation/hr"]
        advance(client, 2.0)  # assimilated at step 2, checkpointed, then step 3
        before = client.get(url, headers=headers).json()["estimate"]
    assert before["counts"] == {"accepted": 1}
    with make_db() as db:
        checkpoint = store.twin_checkpoint(db, twin_id)
        assert checkpoint.number == 2 and checkpoint.blob
        steps = store.twin_steps_of(db, twin_id, checkpoint.number)
    assert [(s.time, s.arrivals) for s in steps] == [(start + timedelta(seconds=3), ())]

    again = resumed(clock)
    with running_client(tmp_path, again, database_url=database_url,
                        tracking=manual_tracking(again, start)) as client:  # fmt: skip
        assert client.get(url, headers=headers).json()["estimate"] == before
        assert client.delete(url, headers=headers).status_code == 204
    with make_db() as db:
        assert store.twin_checkpoint(db, twin_id) is None
        assert store.twin_steps_of(db, twin_id) == []


def test_a_missing_value_is_journaled_as_strict_json_on_postgresql(database_url):
    """A NaN (a device's "unavailable") goes into the journal's JSON, which PostgreSQL
    refuses NaN in, and comes back as NaN."""
    make_db = make_sessionmaker(make_engine(database_url))
    when = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    step = StepInput(when, (Measurement("spo2", math.nan, when, "monitor"),))
    with make_db() as db:
        twin = store.add_twin(db, "t", "ines", {"patient": {"name": "p"}}, 2, 0)
        store.add_twin_step(db, twin.id, 1, step)
        (back,) = store.twin_steps_of(db, twin.id)
    assert back.time == when and math.isnan(back.arrivals[0].value)
    assert back.arrivals[0].source == "monitor"
