"""Fuzzing every REST body and every stream message of the service (issue 11): whatever
a client sends, the answer is a 2xx or a 4xx `{"detail": one line}`, never a 500 and
never an exception other than the project's own; a stream answers a bad message with an
`error` message and stays open.

The cases are generated from each route's valid bodies (the pydantic schemas of
`service/schemas.py` and `client_messages.py`): arbitrary JSON, the valid bodies with
fields dropped, added or replaced by odd values, their JSON text with characters
flipped, and raw bytes. The normal suite runs a small budget per target; `pytest -m
fuzz` runs 10,000 cases per target. The app runs in process on a manual clock (the
twins never advance, so the cases are cheap) with a cheap scrypt cost: password
hashing is not what is fuzzed here.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_service_support import account, join, new_session, open_stream, running_client

from medtwin.actions import KINDS
from medtwin.monitor_layout import NUMERIC_CHANNELS, WAVE_CHANNELS
from medtwin.service import auth
from medtwin.service.clock import ManualClock
from medtwin.service.quotas import Quotas

DEFAULT_BUDGET = 25
FUZZ_BUDGET = 10_000
PASSWORD = "correct horse"
ORDER_EXAMPLES = [text for model in KINDS.values() for text in (*model.examples, *model.refusals)]
CUSTOM_PATIENT = {"name": "Ms Test", "sex": "female", "age_years": 30, "height_cm": 165,
                  "weight_kg": 60}  # fmt: skip
ODD_VALUES = st.sampled_from(
    [None, True, 0, -1, 2**31, 2**63, 2**64, 1e308, -1e-308, "", " ", "NaN", "Infinity",
     "x" * 5000, "\x00", "\ud7ff", "😀" * 50, [], {}, [None], {"": None}]
)  # fmt: skip
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@st.composite
def mutated(draw, example: dict) -> dict:
    """`example` with up to three fields dropped, added, or replaced by odd values."""
    body = dict(example)
    for _ in range(draw(st.integers(1, 3))):
        change = draw(st.sampled_from(["drop", "add", "replace", "nest"]))
        keys = list(body)
        if change == "drop" and keys:
            body.pop(draw(st.sampled_from(keys)))
        elif change == "add":
            body[draw(st.text(max_size=8))] = draw(JSON_VALUES)
        elif keys:
            key = draw(st.sampled_from(keys))
            body[key] = draw(ODD_VALUES | JSON_VALUES) if change == "replace" else [body[key]]
    return body


@st.composite
def flipped_text(draw, example: dict) -> str:
    """The JSON text of `example` with a few characters deleted, doubled or replaced."""
    chars = list(json.dumps(example))
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, len(chars) - 1))
        change = draw(st.sampled_from(["delete", "double", "replace"]))
        if change == "delete":
            del chars[where]
        elif change == "double":
            chars.insert(where, chars[where])
        else:
            chars[where] = draw(st.characters())
    return "".join(chars)


def payloads(examples: list[dict]) -> st.SearchStrategy[tuple[str, Any]]:
    """What a client may send in place of one of `examples`: ("json", value) or
    ("raw", bytes or text)."""
    valid = st.sampled_from(examples)
    return st.one_of(
        valid.flatmap(mutated).map(lambda body: ("json", body)),
        valid.map(lambda body: ("json", body)),
        JSON_VALUES.map(lambda value: ("json", value)),
        valid.flatmap(flipped_text).map(lambda text: ("raw", text.encode("utf-8", "replace"))),
        st.binary(max_size=200).map(lambda data: ("raw", data)),
    )


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """One app for every case: an instructor with a running session, a trainee in it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(auth, "_SCRYPT", {"n": 2**4, "r": 8, "p": 1})
        # The rate limits have their own tests (test_service_abuse); here, on a clock that
        # does not move, they would lock the fuzzer out after its first hundred refusals
        # and keep its handshakes waiting for a second that never comes.
        unlimited = 10**9
        quotas = Quotas(sessions_per_user=3, participants_per_session=5,
                        stream_message_burst=unlimited, stream_connect_burst=unlimited,
                        stream_refusals_per_min=unlimited)  # fmt: skip
        with running_client(tmp_path_factory.mktemp("fuzz"), ManualClock(),
                            quotas=quotas) as client:  # fmt: skip
            instructor, trainee = account(client, "ines"), account(client, "tom")
            session = new_session(client, instructor)
            join(client, trainee, session["code"], "trainee")
            refresh = client.post("/api/login", json={"username": "ines", "password": PASSWORD})
            twin = client.post("/api/twins", json=TWIN_EXAMPLES[0], headers=instructor).json()
            case_session = _case_session(client, instructor, trainee, "deteriorating-ward-patient")
            ended = _case_session(client, instructor, trainee, "endobronchial-intubation")
            client.post(f"/api/sessions/{ended['id']}/end", headers=instructor)
            client.fuzz = {"session": session, "twin": twin, "case_session": case_session,
                           "ended": ended,
                           "refresh_token": refresh.json()["refresh_token"]}  # fmt: skip
            yield client


def _case_session(client, instructor: dict, trainee: dict, case: str) -> dict:
    body = {"title": case, "case": case}
    session = client.post("/api/sessions", json=body, headers=instructor).json()
    join(client, trainee, session["code"], "trainee")
    return session


def _targets(service) -> dict[str, tuple[str, list[dict]]]:
    """Every REST route with a body: its path and valid bodies."""
    facts = service.fuzz
    url = f"/api/sessions/{facts['session']['id']}"
    case_url = f"/api/sessions/{facts['case_session']['id']}"
    ended_url = f"/api/sessions/{facts['ended']['id']}"
    credentials = [{"username": "ines", "password": PASSWORD},
                   {"username": "new.user", "password": "a long enough phrase"}]  # fmt: skip
    # fmt: off
    return {
        "users": ("/api/users", credentials),
        "login": ("/api/login", credentials),
        "refresh": ("/api/refresh", [{"refresh_token": facts["refresh_token"]}]),
        "sessions": ("/api/sessions", [
            {"title": "Night shift", "patient": "standard-female", "seed": 3},
            {"title": "Custom", "patient": CUSTOM_PATIENT, "seed": 0,
             "protocol": ["60 s: haemorrhage 100 mL/min", "120 s: stop haemorrhage"]},
            {"title": "Trauma bay", "case": "haemorrhagic-shock"},
        ]),
        "join": ("/api/sessions/join", [{"code": facts["session"]["code"], "role": "trainee"},
                                        {"code": facts["session"]["code"], "role": "observer"}]),
        "orders": (f"{url}/orders", [{"order": text} for text in ORDER_EXAMPLES]),
        "clock": (f"{url}/clock", [{"action": "pause"}, {"action": "resume"}, {"speed": 10}]),
        "notes": (f"{url}/notes", [{"text": "slow to call for help"}]),
        "case_events": (f"{case_url}/case-events", [{"name": "escalate"}]),
        "messages": (f"{case_url}/messages", [{"text": "Calling the surgeons now"}]),
        "coach": (f"{case_url}/coach", [{"share": True}, {"share": False}]),
        "overrides": (f"{url}/overrides", [{"signal": "spo2", "value": 82, "seconds": 20}]),
        "layout": (f"{case_url}/layout", [
            {"role": "trainee", "waves": ["ecg_ii", "airway_flow", "lung_volume"],
             "numerics": ["spo2", "nibp"]},
            {"role": "observer", "waves": list(WAVE_CHANNELS)},
            {"role": "instructor", "numerics": list(NUMERIC_CHANNELS)},
        ]),
        "what_if": (f"{ended_url}/debrief/whatif",
                    [{"at_s": 0, "order": "oxygen non-rebreather 15 L/min", "alone": True}]),
        "twins": ("/api/twins", TWIN_EXAMPLES),
        "observations": (f"/api/twins/{facts['twin']['id']}/observations",
                         observation_examples()),
    }
    # fmt: on


# --- patients' twins: bodies of FHIR Observations ----------------------------------
TWIN_EXAMPLES = [
    {"title": "Bed 3", "patient": "standard-male", "members": 2, "seed": 1},
    {"title": "Bed 4", "patient": CUSTOM_PATIENT, "members": 3},
]
HEART_RATE = json.loads(
    (Path(__file__).parent / "data" / "records" / "observation-example-heart-rate.json").read_text()
)


def observation_examples() -> list[dict]:
    """A heart rate (the FHIR R4 example, timed now), and a Bundle of it with a
    blood-pressure panel: what a monitor gateway posts. (The time is to the second, so
    that the texts are of one length whenever the cases are drawn.)"""
    when = datetime.now(UTC).replace(microsecond=0).isoformat()
    heart = {**HEART_RATE, "effectiveDateTime": when}
    panel = {**heart, "id": "bp", "code": {"coding": [{"system": "http://loinc.org",
                                                       "code": "85354-9"}]},
             "component": [{"code": {"coding": [{"system": "http://loinc.org", "code": code}]},
                            "valueQuantity": {"value": value, "unit": "mm[Hg]",
                                              "system": "http://unitsofmeasure.org",
                                              "code": "mm[Hg]"}}
                           for code, value in (("8480-6", 120), ("8462-4", 80))]}  # fmt: skip
    del panel["valueQuantity"]
    entries = [{"resource": r, "request": {"method": "POST", "url": "Observation"}}
               for r in (heart, panel)]  # fmt: skip
    return [heart, {"resourceType": "Bundle", "type": "batch", "entry": entries}]


def _nested(value: dict | list):
    """Every (container, key) inside a JSON value, depth first."""
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        yield value, key
        if isinstance(item, dict | list) and item:
            yield from _nested(item)


@st.composite
def deep_mutated(draw, example: dict) -> dict:
    """`example` with up to three values anywhere inside it dropped or replaced by odd
    values (a FHIR resource's problems are deep: a unit, a code, a time)."""
    body = copy.deepcopy(example)
    for _ in range(draw(st.integers(1, 3))):
        places = list(_nested(body))
        if not places:
            break
        container, key = draw(st.sampled_from(places))
        if isinstance(container, dict) and draw(st.booleans()):
            container.pop(key)
        else:
            # A copy: the odd values are shared objects, and a later change inside one
            # would reach every case that drew it, or nest it in itself.
            container[key] = copy.deepcopy(draw(ODD_VALUES | JSON_VALUES))
    return body


def nested_extensions(levels: int) -> tuple[str, bytes]:
    """The heart rate with extensions `levels` deep, as JSON text (the models validate
    nesting recursively: a few hundred levels once exhausted Python's stack)."""
    inner = '{"url": "http://example.org/x", "valueString": "v"}'
    nested = '{"url": "http://example.org/x", "extension": [' * levels + inner + "]}" * levels
    text = json.dumps(observation_examples()[0])[:-1] + f', "extension": [{nested}]}}'
    return ("raw", text.encode())


def observation_payloads() -> st.SearchStrategy[tuple[str, Any]]:
    examples = st.builds(observation_examples).flatmap(st.sampled_from)
    return st.one_of(
        payloads(observation_examples()),
        examples.flatmap(deep_mutated).map(lambda body: ("json", body)),
        st.integers(1, 2000).map(nested_extensions),
    )


CALLERS = st.sampled_from(["instructor", "trainee", "nobody", "forged"])
USERNAMES = {"instructor": "ines", "trainee": "tom"}


def _headers(service, caller: str) -> dict:
    """The caller's Authorization header, with a token made now (a fuzz run outlasts
    the 15 minutes of an access token)."""
    if caller == "nobody":
        return {}
    if caller == "forged":
        return {"Authorization": "Bearer eyJhbGciOi.forged"}
    return {"Authorization": f"Bearer {_token(service, caller)}"}


def _token(service, caller: str) -> str:
    return auth.make_token(USERNAMES[caller], service.app.state.secret)


def _check_response(response) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"detail"} and body["detail"], body
        assert "\n" not in body["detail"] and "Traceback" not in body["detail"]


def _post(service, target: str, caller: str, payload: tuple[str, Any]) -> None:
    path, _ = _targets(service)[target]
    kind, value = payload
    headers = {**_headers(service, caller), "Content-Type": "application/json"}
    if kind == "json":
        response = service.post(path, content=json.dumps(value).encode(), headers=headers)
    else:
        response = service.post(path, content=value, headers=headers)
    _check_response(response)


TARGETS = ("users", "login", "refresh", "sessions", "join", "orders", "clock", "notes", "twins",
           "observations", "case_events", "messages", "coach", "overrides", "layout",
           "what_if")  # fmt: skip
FUZZ_TARGETS = tuple(t for t in TARGETS if t != "what_if")
"""The dedicated run's routes; a what-if plays a case twice to its end (seconds each),
so it has a smaller run of its own (WHAT_IF_BUDGET)."""
WHAT_IF_BUDGET = 200
LAYOUT_BUDGET = 200
"""A run of the monitor layout's route alone (`-m fuzz -k layout`), as small as the
what-if's."""
SLOW = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


@pytest.mark.parametrize("target", TARGETS)
@settings(max_examples=DEFAULT_BUDGET, deadline=None, suppress_health_check=SLOW)
@given(data=st.data(), caller=CALLERS)
def test_any_body_is_answered_or_refused(service, target, data, caller):
    _post(service, target, caller, data.draw(payloads(_targets(service)[target][1])))


@pytest.mark.fuzz
@settings(max_examples=FUZZ_BUDGET, deadline=None, suppress_health_check=SLOW)
@given(target=st.sampled_from(FUZZ_TARGETS), data=st.data(), caller=CALLERS)
def test_fuzz_bodies(service, target, data, caller):
    """FUZZ_BUDGET cases over all the body routes together (the route is drawn too),
    so that the dedicated run stays within the CI's time."""
    test_any_body_is_answered_or_refused.hypothesis.inner_test(service, target, data, caller)


@pytest.mark.fuzz
@settings(max_examples=WHAT_IF_BUDGET, deadline=None, suppress_health_check=SLOW)
@given(data=st.data(), caller=CALLERS)
def test_fuzz_what_if_bodies(service, data, caller):
    test_any_body_is_answered_or_refused.hypothesis.inner_test(service, "what_if", data, caller)


@pytest.mark.fuzz
@settings(max_examples=LAYOUT_BUDGET, deadline=None, suppress_health_check=SLOW)
@given(data=st.data(), caller=CALLERS)
def test_fuzz_layout_bodies(service, data, caller):
    test_any_body_is_answered_or_refused.hypothesis.inner_test(service, "layout", data, caller)


@settings(max_examples=DEFAULT_BUDGET, deadline=None, suppress_health_check=SLOW)
@given(payload=observation_payloads(), caller=CALLERS)
def test_any_observation_body_is_assimilated_or_refused(service, payload, caller):
    """A FHIR Observation POST: 202 with what was queued, or a one-line refusal."""
    _post(service, "observations", caller, payload)


@pytest.mark.fuzz
@settings(max_examples=FUZZ_BUDGET, deadline=None, suppress_health_check=SLOW)
@given(payload=observation_payloads(), caller=CALLERS)
def test_fuzz_observation_bodies(service, payload, caller):
    """FUZZ_BUDGET cases of the Observation POST alone: a parser of outside data, as
    the HL7 and MQTT readers are."""
    test_any_observation_body_is_assimilated_or_refused.hypothesis.inner_test(
        service, payload, caller
    )


PATH_PARTS = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["0", "1", "2147483647", "2147483648", "1e3", "-0", "%00", "..", "nan"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/?#"),
            min_size=1, max_size=20),
)  # fmt: skip
ROUTES = st.sampled_from(["get {}", "get {}/events", "get {}/history?since={}",
                          "post {}/end", "post {}/orders", "get {}/debrief",
                          "get {}/debrief/report", "get {}/debrief/xapi",
                          "get {}/debrief/waveforms?at={}&seconds=2"])  # fmt: skip


@settings(max_examples=DEFAULT_BUDGET, deadline=None, suppress_health_check=SLOW)
@given(route=ROUTES, session_id=PATH_PARTS, since=PATH_PARTS, caller=CALLERS)
def test_any_session_path_is_answered_or_refused(service, route, session_id, since, caller):
    """Session ids and `since` of every kind (the live sessions are left running)."""
    live = {str(service.fuzz[name]["id"]) for name in ("session", "case_session")}
    if session_id.strip().lstrip("+0") in live:
        session_id = "999"
    method, template = route.split(" ")
    path = "/api/sessions/" + template.format(quote(session_id, safe=""), quote(since, safe=""))
    _check_response(service.request(method, path, headers=_headers(service, caller)))


@pytest.mark.fuzz
@settings(max_examples=FUZZ_BUDGET, deadline=None, suppress_health_check=SLOW)
@given(route=ROUTES, session_id=PATH_PARTS, since=PATH_PARTS, caller=CALLERS)
def test_fuzz_session_paths(service, route, session_id, since, caller):
    test_any_session_path_is_answered_or_refused.hypothesis.inner_test(
        service, route, session_id, since, caller
    )


# --- the stream --------------------------------------------------------------------
STREAM_EXAMPLES = [
    *({"type": "order", "order": text} for text in ORDER_EXAMPLES),
    {"type": "clock", "action": "pause"},
    {"type": "clock", "action": "resume"},
    {"type": "clock", "speed": 30},
]


def stream_messages() -> st.SearchStrategy[tuple[str, Any]]:
    """Frames a client may send: ("text", str) or ("bytes", bytes)."""
    return st.one_of(
        payloads(STREAM_EXAMPLES).map(lambda payload: ("text", _as_text(payload))),
        st.text(max_size=100).map(lambda text: ("text", text)),
        st.binary(max_size=100).map(lambda data: ("bytes", data)),
        st.integers(4097, 20_000).map(lambda n: ("text", json.dumps({"order": "x" * n}))),
    )


def _as_text(payload: tuple[str, Any]) -> str:
    kind, value = payload
    return json.dumps(value) if kind == "json" else value.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def stream(service):
    """The instructor's stream of the fuzzed session, open for every case."""
    with open_stream(
        service, service.fuzz["session"]["id"], _token(service, "instructor")
    ) as websocket:
        assert json.loads(websocket.receive_text())["type"] == "snapshot"
        websocket.probes = 0
        yield websocket


def _send_and_probe(websocket, frame: tuple[str, Any]) -> list[dict]:
    """Send `frame`, then a probe that is always refused; every message up to the
    probe's `error` (the stream must stay open)."""
    kind, value = frame
    if kind == "bytes":
        websocket.send_bytes(value)
    else:
        websocket.send_text(value)
    websocket.probes += 1
    probe = f"probe-{websocket.probes}"
    websocket.send_text(json.dumps({"type": probe}))
    seen = []
    while True:
        received = websocket.receive()
        assert received["type"] == "websocket.send", f"the stream closed: {received}"
        if received.get("text") is None:
            continue
        message = json.loads(received["text"])
        if message["type"] == "error" and probe in message["detail"]:
            return seen
        seen.append(message)


@settings(max_examples=DEFAULT_BUDGET, deadline=None, suppress_health_check=SLOW)
@given(frame=stream_messages())
def test_any_stream_message_is_carried_out_or_refused(stream, frame):
    for message in _send_and_probe(stream, frame):
        assert message["type"] in ("error", "event", "clock", "vitals"), message
        if message["type"] == "error":
            assert message["detail"] and "\n" not in message["detail"]


@pytest.mark.fuzz
@settings(max_examples=FUZZ_BUDGET, deadline=None, suppress_health_check=SLOW)
@given(frame=stream_messages())
def test_fuzz_stream_messages(stream, frame):
    test_any_stream_message_is_carried_out_or_refused.hypothesis.inner_test(stream, frame)


@settings(max_examples=DEFAULT_BUDGET, deadline=None, suppress_health_check=SLOW)
@given(data=st.data())
def test_any_first_stream_message_is_a_token_or_refused(service, data):
    """The first message of a stream: a snapshot for a valid token, else one `error`
    and close code 4401."""
    valid = {"type": "auth", "token": _token(service, "trainee")}
    text = _as_text(data.draw(payloads([valid])))
    with service.websocket_connect(f"/ws/sessions/{service.fuzz['session']['id']}") as ws:
        ws.send_text(text)
        first = json.loads(ws.receive_text())
        if first["type"] == "snapshot":
            assert json.loads(text) == valid
            return
        assert first["type"] == "error" and "\n" not in first["detail"]
        closing = ws.receive()
        assert closing["type"] == "websocket.close" and closing["code"] == 4401


@pytest.mark.fuzz
@settings(max_examples=FUZZ_BUDGET, deadline=None, suppress_health_check=SLOW)
@given(data=st.data())
def test_fuzz_first_stream_messages(service, data):
    test_any_first_stream_message_is_a_token_or_refused.hypothesis.inner_test(service, data)
