"""MQTT payloads (small JSON, FHIR Observation), and a real broker feeding the live loop."""

import json
import math
import queue
from datetime import UTC, datetime, timedelta

import paho.mqtt.publish as publish
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medtwin import Patient
from medtwin.assimilation.enkf import EnsembleKalmanFilter
from medtwin.assimilation.live import LiveSync
from medtwin.interop import InteropError
from medtwin.interop.mqtt_feed import MqttObservationSource, measurements_from_payload, topic_for

from .conftest import DATA

T0 = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
HEART_RATE_EXAMPLE = (DATA / "observation-example-heart-rate.json").read_bytes()


def _json(**fields) -> bytes:
    base = {"signal": "heart_rate", "value": 82, "unit": "/min", "time": "2024-05-01T10:00:00Z"}
    return json.dumps({**base, **fields}).encode()


def test_small_json_payloads_in_any_unit_that_converts():
    (heart,) = measurements_from_payload(_json(), "t")
    assert (heart.signal, heart.value, heart.time) == ("heart_rate", 82.0, T0)
    (pressure,) = measurements_from_payload(
        _json(signal="mean_arterial_pressure", value=12.0, unit="kPa"), "t"
    )
    assert pressure.value == pytest.approx(12.0 * 1000 / 133.322)  # UCUM mm[Hg] = 133.322 Pa
    (same,) = measurements_from_payload(_json(signal="systolic_bp", value=120, unit="mmHg"), "t")
    assert same.value == 120.0  # the signals.csv unit is accepted too
    (missing,) = measurements_from_payload(_json(value=None), "t")
    assert math.isnan(missing.value)
    (offset,) = measurements_from_payload(_json(time="2024-05-01T12:00:00+02:00"), "t")
    assert offset.time == T0


def test_a_fhir_observation_payload():
    # the FHIR R4 example: heart rate 44 /min, effectiveDateTime 1999-07-02
    (heart,) = measurements_from_payload(HEART_RATE_EXAMPLE, "topic")
    assert (heart.signal, heart.value) == ("heart_rate", 44.0)
    assert heart.time == datetime(1999, 7, 2, tzinfo=UTC)
    assert heart.source == "topic Observation/heart-rate"


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b"\xff{}", "payload is not UTF-8"),
        (b"{", "payload is not JSON"),
        (b"[1, 2]", "payload is a JSON list, not an object"),
        (_json(vaule=3), "unknown field 'vaule'; the fields are signal, value, unit, time"),
        (b'{"signal": "heart_rate", "value": 1, "unit": "/min"}', "no 'time'"),
        (_json(signal="pulse"), "signal 'pulse' is not a signal of signals.csv"),
        (_json(value=True), "value True is not a number"),
        (_json(value="82"), "value '82' is not a number"),
        (b'{"signal": "heart_rate", "value": NaN, "unit": "/min", "time": "x"}', "NaN is not"),
        (_json(unit="mmHg"), "unit 'mm[Hg]' cannot be converted to '/min'"),
        (_json(time="yesterday"), "time 'yesterday' is not ISO 8601"),
        (_json(time="2024-05-01T10:00:00"), "has no time zone"),
        (b'{"resourceType": "Patient"}', "resourceType 'Patient'; only Observation is read"),
        (
            HEART_RATE_EXAMPLE.replace(b'"value": 44', b'"value": "forty-four"'),
            "not a valid FHIR R4 Observation: valueQuantity.value",
        ),
        (HEART_RATE_EXAMPLE.replace(b"8867-4", b"0000-0"), "no code of loinc_vitals.csv"),
        (b" " * 70_000, "payload of 70000 bytes is over 65536"),
        (
            HEART_RATE_EXAMPLE[:-2]
            + b', "extension": ['
            + b'{"url": "http://example.org/x", "extension": [' * 400
            + b'{"url": "http://example.org/x", "valueString": "v"}'
            + b"]}" * 400
            + b"]}",
            "nested 803 levels deep; allowed: at most 32",
        ),
    ],
)
def test_bad_payloads_are_refused_with_the_reason(payload, expected):
    with pytest.raises(InteropError) as error:
        measurements_from_payload(payload, "medtwin/twins/a/observations #1")
    assert expected in str(error.value)


def test_a_twin_id_must_fit_in_one_topic_level():
    assert topic_for("bed-12") == "medtwin/twins/bed-12/observations"
    for bad in ("", "a/b", "+", "#", "a b"):
        with pytest.raises(InteropError, match="twin id"):
            topic_for(bad)


_JSONISH = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)
_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "signal": st.sampled_from(["heart_rate", "spo2", "x"]) | _JSONISH,
        "value": _JSONISH,
        "unit": st.sampled_from(["/min", "%", "kPa", "mmHg"]) | _JSONISH,
        "time": st.sampled_from(["2024-05-01T10:00:00Z", "2024-05-01"]) | _JSONISH,
        "resourceType": st.sampled_from(["Observation"]) | _JSONISH,
        "code": _JSONISH,
    },
)


def _read_or_refuse(payload: bytes) -> None:
    try:
        measurements = measurements_from_payload(payload, "fuzz")
    except InteropError as error:
        assert str(error).startswith("fuzz")
    else:
        assert all(m.time.tzinfo is UTC for m in measurements)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=64) | _FIELDS.map(lambda d: json.dumps(d).encode()))
def test_fuzz_payloads_give_measurements_or_an_interop_error(payload):
    _read_or_refuse(payload)


@pytest.mark.fuzz
@settings(max_examples=10_000, deadline=None)
@given(st.binary(max_size=256) | _FIELDS.map(lambda d: json.dumps(d).encode()))
def test_fuzz_many_payloads(payload):
    _read_or_refuse(payload)


def test_observations_flow_through_the_real_broker_into_the_live_loop(mosquitto):
    host, port = mosquitto
    now = {"time": T0}
    estimator = EnsembleKalmanFilter(members=4, seed=1).fit(
        Patient(name="mqtt", sex="female", age_years=40, height_cm=165, weight_kg=60), start=T0
    )
    sync = LiveSync(estimator, clock=lambda: now["time"], hold_s=1.0)
    arrived = queue.Queue()

    def receive(measurements):
        sync.submit(measurements)
        arrived.put(len(measurements))

    source = MqttObservationSource("bed-7", receive)
    source.start(host, port)
    try:
        for payload in (
            b"not json",
            _json(time="2024-05-01T10:00:02Z", value=80),
            _json(signal="spo2", value=96, unit="%", time="2024-05-01T10:00:02Z"),
            _json(time="2024-05-01T10:00:01Z", value=79),  # out of order
            _json(time="2024-05-01T10:00:01Z", value=79),  # delivered twice (QoS 1)
        ):
            publish.single(source.topic, payload, qos=1, hostname=host, port=port)
        assert [arrived.get(timeout=10) for _ in range(4)] == [1, 1, 1, 1]
    finally:
        source.stop()
    assert source.counts == {"refused": 1, "accepted": 4}
    assert "payload is not JSON" in source.log[0]
    now["time"] = T0 + timedelta(seconds=3)
    report = sync.step()
    decided = [
        (d.measurement.time.second, d.measurement.signal, d.reason) for d in report.decisions
    ]
    assert decided == [
        (1, "heart_rate", None),
        (1, "heart_rate", "duplicate: this signal at this time was seen"),
        (2, "heart_rate", None),
        (2, "spo2", None),
    ]
    assert report.estimate["time"] == "2024-05-01T10:00:02+00:00"
