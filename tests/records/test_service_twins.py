"""Patients' twins in the service: built from a FHIR record, fed FHIR Observations by
POST into the live estimator the MLLP and MQTT feeds use, and asked to compare plans.

The service runs as `medtwin serve` runs it (uvicorn on a free loopback port, a
temporary SQLite database), its twins stepping every quarter second without holding
values back, so that a value posted now is assimilated within a bounded wait. Every
observation is timed by the real clock: the live loop refuses values more than 120 s
old or 5 s ahead.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import numpy as np
import pytest
from sqlalchemy.exc import OperationalError
from test_service_support import (
    account,
    advance,
    manual_tracking,
    resumed,
    running_client,
    serving,
    wait_for,
)

from medtwin.assimilation.enkf import EnsembleKalmanFilter
from medtwin.patients import load_patient
from medtwin.planning import compare_plans, parse_plan
from medtwin.service import store
from medtwin.service.app import create_app
from medtwin.service.body_limits import body_limit_bytes
from medtwin.service.clock import ManualClock
from medtwin.service.db import make_engine, make_sessionmaker
from medtwin.service.quotas import Quotas
from medtwin.service.tracking import TrackingSettings

from .conftest import DATA

FHIR_JSON = {"Content-Type": "application/fhir+json"}
MARTINA = json.loads((DATA / "martina_murazik.json").read_text(encoding="utf-8"))
MARTINA_ID = next(
    e["resource"]["id"] for e in MARTINA["entry"] if e["resource"]["resourceType"] == "Patient"
)
UCUM = "http://unitsofmeasure.org"


def observation(code: str, value: float, unit: str, when: datetime, **fields) -> dict:
    """A vital-sign Observation (FHIR R4 vitalsigns profile) of one LOINC code."""
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [{"code": "vital-signs", "system":
                                  "http://terminology.hl7.org/CodeSystem/observation-category"}]}],
        "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
        "effectiveDateTime": when.isoformat(),
        "valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit},
        **fields,
    }  # fmt: skip


def blood_pressure(systolic: float, diastolic: float, when: datetime) -> dict:
    """A blood-pressure panel (85354-9) with its systolic and diastolic components."""
    panel = observation("85354-9", 0, "mm[Hg]", when)
    del panel["valueQuantity"]
    panel["component"] = [
        {"code": {"coding": [{"system": "http://loinc.org", "code": code}]},
         "valueQuantity": {"value": value, "unit": "mm[Hg]", "system": UCUM, "code": "mm[Hg]"}}
        for code, value in (("8480-6", systolic), ("8462-4", diastolic))
    ]  # fmt: skip
    return panel


def bundle(*resources: dict) -> dict:
    return {"resourceType": "Bundle", "type": "batch",
            "entry": [{"resource": r, "request": {"method": "POST", "url": "Observation"}}
                      for r in resources]}  # fmt: skip


def deeply_nested(levels: int) -> bytes:
    """A heart rate with extensions nested `levels` deep (as JSON text: the encoder's
    recursion stops short of what the decoder takes). The models validate nested
    elements recursively; before the nesting bound, 400 levels exhausted the stack."""
    hr = observation("8867-4", 70, "/min", datetime(2024, 1, 1, tzinfo=UTC), id="deep")
    inner = '{"url": "http://example.org/x", "valueString": "v"}'
    nested = '{"url": "http://example.org/x", "extension": [' * levels + inner + "]}" * levels
    return (json.dumps(hr)[:-1] + f', "extension": [{nested}]}}').encode()


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture(scope="module")
def http(tmp_path_factory):
    """A client of the real service, logged in as `ines`."""
    folder = tmp_path_factory.mktemp("twins")
    app = create_app(f"sqlite:///{folder / 'service.db'}", key_file=folder / "token.key",
                     tracking=TrackingSettings(step_s=0.25, hold_s=0.0))  # fmt: skip
    with serving(app) as base_url, httpx.Client(base_url=base_url, timeout=120) as client:
        client.headers.update(account(client, "ines"))
        yield client


def new_twin(http, **fields) -> dict:
    body = {"title": "Bed 3", "patient": "standard-male", "members": 6, "seed": 0, **fields}
    response = http.post("/api/twins", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def post(http, twin: dict, body, headers=FHIR_JSON) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return http.post(f"/api/twins/{twin['id']}/observations", content=content, headers=headers)


@pytest.fixture(scope="module")
def twin(http):
    return new_twin(http)


@pytest.fixture(scope="module")
def martina(http):
    """Martina Murazik's twin, built by the service from her FHIR record."""
    response = http.post("/api/twins", json={"title": "Ward 7", "bundle": MARTINA, "members": 4})
    assert response.status_code == 201, response.text
    return response.json()


def test_a_twin_from_a_record_is_the_twin_file_of_the_cli(martina, martina_twin_document):
    """POST /api/twins with the bundle fits the twin `medtwin twin from-fhir` writes."""
    assert martina["record"]["patient_resource"] == f"Patient/{MARTINA_ID}"
    assert martina["patient"]["overrides"] == martina_twin_document["patient"]["overrides"]
    assert (
        martina["fit"]["signals"] == json.loads(json.dumps(martina_twin_document["fit"]))["signals"]
    )
    assert [c["name"] for c in martina["conditions"]] == ["copd", "heart_failure"]
    assert martina["estimate"] is None  # nothing observed yet


def test_posted_observations_reach_the_live_estimator(http):
    """Five heart rates of 90 /min pull the twin (resting at 66 /min) toward 90."""
    twin = new_twin(http)
    start = now() - timedelta(seconds=5)
    body = bundle(*(observation("8867-4", 90, "/min", start + timedelta(seconds=k),
                                id=f"hr-{k}") for k in range(5)))  # fmt: skip
    response = post(http, twin, body)
    assert response.status_code == 202, response.text
    assert [m["signal"] for m in response.json()["queued"]] == ["heart_rate"] * 5
    url = f"/api/twins/{twin['id']}/track"

    def decided():
        track = http.get(url).json()
        return track if len(track["decisions"]) == 5 else None

    track = wait_for(decided, timeout_s=60)
    assert all(d["accepted"] for d in track["decisions"]), track["decisions"]
    assert {d["source"] for d in track["decisions"]} == {
        f"FHIR POST by ines Observation/hr-{k}" for k in range(5)
    }

    def pulled():
        estimate = http.get(url, params={"after": track["latest"]}).json()["estimate"]
        return estimate if estimate["vitals"]["heart_rate"]["mean"] > 80 else None

    estimate = wait_for(pulled, timeout_s=60)
    assert estimate["vitals"]["heart_rate"]["sd"] > 0
    assert http.get(url, params={"after": track["latest"]}).json()["decisions"] == []


def test_a_bundle_is_read_and_what_is_not_live_is_listed_as_ignored(http, twin):
    when = now()
    body = bundle(
        blood_pressure(131, 84, when),
        observation("8867-4", 71, "/min", when, id="hr"),
        observation("29463-7", 80, "kg", when, id="weight"),
        observation("8867-4", 75, "/min", when, id="wrong", status="entered-in-error"),
    )
    response = post(http, twin, body, {"Content-Type": "application/json"})
    assert response.status_code == 202, response.text
    result = response.json()
    assert [(m["signal"], m["value"]) for m in result["queued"]] == [
        ("systolic_bp", 131.0), ("diastolic_bp", 84.0), ("heart_rate", 71.0)
    ]  # fmt: skip
    assert result["refused"] == []
    assert [i["resource"] for i in result["ignored"]] == ["Observation/weight", "Observation/wrong"]
    assert "weight_kg) is not a live signal" in result["ignored"][0]["reason"]
    assert "status 'entered-in-error' holds no measured result" in result["ignored"][1]["reason"]


def test_values_too_old_are_refused_but_the_rest_are_queued(http, twin):
    old = now() - timedelta(hours=1)
    body = bundle(observation("8867-4", 70, "/min", old, id="old"),
                  observation("9279-1", 14, "/min", now(), id="rr"))  # fmt: skip
    result = post(http, twin, body).json()
    assert [m["signal"] for m in result["queued"]] == ["respiratory_rate"]
    (refused,) = result["refused"]
    assert refused["signal"] == "heart_rate" and refused["reason"].startswith("late: 3600 s")


BAD_BODIES = [
    (b"{", "payload is not JSON"),
    (b"[]", "payload is a JSON list, not an object"),
    (b'{"resourceType": "Observation", "value": NaN}', "NaN is not a JSON number"),
    ({"resourceType": "Patient", "id": "p"},
     "resourceType 'Patient' is not accepted; send an Observation or a Bundle of Observations"),
    (bundle({"resourceType": "Patient", "id": "p"}),
     "Bundle.entry[0].resource: resourceType 'Patient'; only Observation is read"),
    ({"resourceType": "Bundle", "type": "bag"}, "Bundle.type 'bag' is not allowed; allowed:"),
    (observation("8867-4", "ninety", "/min", datetime(2024, 1, 1, tzinfo=UTC), id="hr"),
     "Observation/hr: not a valid FHIR R4 Observation: valueQuantity.value (got 'ninety')"),
    (observation("8867-4", 90, "/min", datetime(2024, 1, 1, tzinfo=UTC), id="hr",
                 status="cancelled"),
     "status 'cancelled' holds no measured result; allowed: preliminary, final, amended"),
    (observation("1234-5", 90, "/min", datetime(2024, 1, 1, tzinfo=UTC), id="x"),
     "code.coding (http://loinc.org|1234-5) has no code of loinc_vitals.csv (http://loinc.org) "
     "read live; allowed: 85354-9, 55284-4, 8480-6"),
    (observation("8867-4", 90, "kg", datetime(2024, 1, 1, tzinfo=UTC), id="hr"),
     "unit 'kg' cannot be converted to '/min'; allowed: /min, 1/min"),
    (observation("8867-4", 90, "/min", datetime(2018, 1, 15, tzinfo=UTC), id="hr"),
     "heart_rate at 2018-01-15T00:00:00+00:00: late: "),
    (bundle(), "no Observation to assimilate: the Bundle has no entries"),
    (deeply_nested(400), "Observation/deep: not a valid FHIR R4 Observation: nested 803 levels "
     "deep; allowed: at most 32"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "expected"), BAD_BODIES)
def test_bad_bodies_are_refused_naming_the_field_value_and_what_is_allowed(
    http, twin, body, expected
):
    response = post(http, twin, body)
    assert response.status_code == 422, response.text
    assert expected in response.json()["detail"]


def test_the_media_type_must_be_json(http, twin):
    body = observation("8867-4", 70, "/min", now())
    response = post(http, twin, body, {"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert response.json()["detail"] == (
        "Content-Type 'text/plain': send application/fhir+json or application/json"
    )


def test_a_record_twin_takes_only_its_own_patients_observations(http, martina):
    other = observation("8867-4", 70, "/min", now(), subject={"reference": "Patient/someone"})
    response = post(http, martina, other)
    assert response.status_code == 422
    assert response.json()["detail"].endswith(
        f"subject.reference 'Patient/someone' is not this twin's patient; allowed: "
        f"Patient/{MARTINA_ID} (or urn:uuid:{MARTINA_ID})"
    )
    for reference in (f"Patient/{MARTINA_ID}", f"urn:uuid:{MARTINA_ID}"):
        own = observation("8867-4", 70, "/min", now(), subject={"reference": reference})
        assert post(http, martina, own).status_code == 202


def test_twins_are_their_owners(http, twin):
    body = json.dumps(observation("8867-4", 70, "/min", now())).encode()
    url = f"/api/twins/{twin['id']}"
    stranger = account(http, "tom")
    assert http.post(f"{url}/observations", content=body,
                     headers={**FHIR_JSON, "Authorization": ""}).status_code == 401  # fmt: skip
    for method, path in (("GET", url), ("GET", f"{url}/track"), ("POST", f"{url}/observations")):
        response = http.request(method, path, content=body, headers={**FHIR_JSON, **stranger})
        assert response.status_code == 403, (method, path, response.text)
        assert "not yours" in response.json()["detail"]
    assert http.get("/api/twins/999").status_code == 404
    assert [t["id"] for t in http.get("/api/twins", headers=stranger).json()] == []


def test_a_body_over_the_routes_limit_is_refused_unread(http, twin):
    limit = body_limit_bytes("POST", f"/api/twins/{twin['id']}/observations")
    assert limit == 1024 * 1024
    response = post(http, twin, b" " * (limit + 1))
    assert response.status_code == 413
    assert f"over the limit of {limit} bytes" in response.json()["detail"]


def test_plans_from_the_service_are_the_librarys(http):
    """A twin with nothing observed forks its members at rest: the service's plan
    comparison is the library's, number for number (same members, same seed)."""
    twin = new_twin(http, members=3, seed=7)
    plans = ["no change", "normal saline 500 mL over 15 min"]
    response = http.post(f"/api/twins/{twin['id']}/plans",
                         json={"plans": plans, "horizon_s": 180, "every_s": 60})  # fmt: skip
    assert response.status_code == 200, response.text
    served = response.json()
    assert served["start"] is None and served["members"] == 3
    patient = load_patient("standard-male")
    snapshots = EnsembleKalmanFilter(members=3, seed=7).fit(patient).ensemble.snapshots()
    expected = compare_plans(snapshots, [parse_plan(p, patient) for p in plans], 180, every_s=60)
    for got, want in zip(served["plans"], expected, strict=True):
        assert got["plan"] == want.plan.name and got["outcomes"] == want.outcomes
        mean = got["forecast"]["signals"]["mean_arterial_pressure"]
        low, high = want.forecast.band("mean_arterial_pressure")
        assert np.allclose(mean["mean"], want.forecast.mean("mean_arterial_pressure"))
        assert np.allclose(mean["p05"], low) and np.allclose(mean["p95"], high)
    assert served["plans"][1]["orders"] == [
        {"at_s": 0.0, "order": "normal saline 500 mL over 15 min"}
    ]
    refused = http.post(f"/api/twins/{twin['id']}/plans", json={"plans": ["aspirin 5 banana"]})
    assert refused.status_code == 422 and "plan 'aspirin 5 banana'" in refused.json()["detail"]


def test_a_twin_is_tracked_again_after_a_restart(tmp_path):
    with running_client(tmp_path) as client:
        headers = account(client, "ines")
        body = {"title": "Bed 9", "patient": "standard-female", "members": 2}
        made = client.post("/api/twins", json=body, headers=headers)
        assert made.status_code == 201, made.text
    with running_client(tmp_path) as client:
        url = f"/api/twins/{made.json()['id']}"
        again = client.get(url, headers=headers)
        assert again.status_code == 200 and again.json()["title"] == "Bed 9"
        body = json.dumps(observation("8867-4", 70, "/min", now())).encode()
        response = client.post(f"{url}/observations", content=body,
                               headers={**headers, **FHIR_JSON})  # fmt: skip
        assert response.status_code == 202, response.text
        assert client.delete(url, headers=headers).status_code == 204
        assert client.get(url, headers=headers).status_code == 404


RESTART_START = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def _observed_twin(client, headers: dict) -> str:
    """A twin of 4 members given heart rates and a blood pressure over five steps, the
    last pressure still held (2 s) when the steps stop; its URL."""
    made = client.post("/api/twins", headers=headers,
                       json={"title": "Bed 4", "patient": "standard-male", "members": 4,
                             "seed": 11})  # fmt: skip
    assert made.status_code == 201, made.text
    twin = made.json()
    rates = bundle(*(observation("8867-4", 88 + k, "/min", RESTART_START - timedelta(seconds=k),
                                 id=f"hr-{k}") for k in range(3)))  # fmt: skip
    held = bundle(blood_pressure(128, 84, RESTART_START + timedelta(seconds=3.5)))
    for body in (rates, None, None, None, held):
        if body is not None:
            response = post(client, twin, body, {**headers, **FHIR_JSON})
            assert response.status_code == 202, response.text
        advance(client, 1.0)
    return f"/api/twins/{twin['id']}"


@pytest.mark.parametrize("checkpoint_steps", [600, 3])
def test_a_twins_estimate_survives_a_restart_bit_for_bit(tmp_path, checkpoint_steps):
    """A new app on the same database file fits the twin again with its seed and replays
    the journal of its estimator's steps (from the start, or from the newest checkpoint
    when one is due every 3 steps): the estimate, its uncertainty, the held value and
    the numbered track are those before the restart, and observations go on."""

    def tracking(clock):
        return manual_tracking(clock, RESTART_START, checkpoint_steps=checkpoint_steps)

    clock = ManualClock()
    with running_client(tmp_path, clock, tracking=tracking(clock)) as client:
        headers = account(client, "ines")
        url = _observed_twin(client, headers)
        before = client.get(url, headers=headers).json()["estimate"]
        track = client.get(f"{url}/track", headers=headers).json()
    assert before["counts"] == {"accepted": 3} and before["pending"] == 2
    assert before["vitals"]["heart_rate"]["sd"] > 0

    for restart, decided in enumerate((3, 1)):  # twice: the journal goes on after a replay
        again = resumed(clock)
        with running_client(tmp_path, again, tracking=tracking(again)) as client:
            assert client.get(url, headers=headers).json()["estimate"] == before
            assert client.get(f"{url}/track", headers=headers).json() == track
            later = observation(
                "8867-4", 95, "/min", RESTART_START + timedelta(seconds=6 + restart)
            )
            response = client.post(f"{url}/observations", content=json.dumps(later).encode(),
                                   headers={**headers, **FHIR_JSON})  # fmt: skip
            assert response.status_code == 202, response.text
            advance(client, 3.0)
            news = client.get(f"{url}/track", headers=headers,
                              params={"after": track["latest"]}).json()  # fmt: skip
            before, track = news["estimate"], client.get(f"{url}/track", headers=headers).json()
        assert [d["accepted"] for d in news["decisions"]] == [True] * decided
        clock = again
    assert before["counts"] == {"accepted": 7} and before["pending"] == 0
    with make_sessionmaker(make_engine(f"sqlite:///{tmp_path / 'service.db'}"))() as db:
        twin_id = int(url.rsplit("/", 1)[1])
        checkpoint = store.twin_checkpoint(db, twin_id)
        journal = store.twin_steps_of(db, twin_id, 0 if checkpoint is None else checkpoint.number)
    # 11 steps: 5, then 3 after each restart; with checkpoints, the journal after the last
    if checkpoint_steps == 3:
        assert checkpoint.number == 9 and len(journal) == 2
    else:
        assert checkpoint is None and len(journal) == 11


def test_a_step_the_database_refused_is_not_applied_and_its_values_wait(tmp_path, monkeypatch):
    """While the journal cannot be written, the twin does not step (a step not written
    would be lost to a replay) and keeps the values for the next step that is written."""
    clock = ManualClock()
    add_twin_step = store.add_twin_step
    with running_client(tmp_path, clock, tracking=manual_tracking(clock, RESTART_START)) as client:
        headers = account(client, "ines")
        made = client.post("/api/twins", headers=headers,
                           json={"title": "Bed 5", "patient": "standard-male",
                                 "members": 2})  # fmt: skip
        url = f"/api/twins/{made.json()['id']}"
        body = json.dumps(observation("8867-4", 80, "/min", RESTART_START)).encode()
        response = client.post(f"{url}/observations", content=body,
                               headers={**headers, **FHIR_JSON})  # fmt: skip
        assert response.status_code == 202, response.text

        def refused(*args):
            raise OperationalError("INSERT INTO twin_steps", {}, Exception("disk full"))

        monkeypatch.setattr(store, "add_twin_step", refused)
        advance(client, 3.0)
        waiting = client.get(f"{url}/track", headers=headers).json()
        assert waiting["latest"] == 0 and tracked(client, url).sync.pending == 1
        monkeypatch.setattr(store, "add_twin_step", add_twin_step)
        advance(client, 3.0)  # written, then held 2 s and assimilated
        before = client.get(url, headers=headers).json()["estimate"]
        assert before["counts"] == {"accepted": 1}
    again = resumed(clock)
    with running_client(tmp_path, again, tracking=manual_tracking(again, RESTART_START)) as client:
        assert client.get(url, headers=headers).json()["estimate"] == before


def tracked(client, url: str):
    """The service's tracked twin of `url`."""
    return client.app.state.twins.get(int(url.rsplit("/", 1)[1]))


def test_a_client_faster_than_the_estimator_is_told_to_slow_down(tmp_path):
    """On a clock that stands still the twin never steps: values wait, up to the quota."""
    quotas = Quotas(values_waiting_per_twin=3)
    with running_client(tmp_path, ManualClock(), quotas=quotas) as client:
        headers = {**account(client, "ines"), **FHIR_JSON}
        body = {"title": "Bed 1", "patient": "standard-male", "members": 2}
        url = f"/api/twins/{client.post('/api/twins', json=body, headers=headers).json()['id']}"
        panel = json.dumps(bundle(blood_pressure(120, 80, now()))).encode()
        assert client.post(f"{url}/observations", content=panel, headers=headers).status_code == 202
        response = client.post(f"{url}/observations", content=panel, headers=headers)
        assert response.status_code == 429 and response.headers["Retry-After"] == "1"
        assert response.json()["detail"] == (
            "quota values_waiting_per_twin: twin 1 has 2 values waiting for its estimator and "
            "2 arrived (the limit is 3); send them again in a second"
        )
