"""Observations by MQTT: one topic per twin, JSON or FHIR Observation payloads.

A twin's topic is `medtwin/twins/<twin id>/observations`. A payload is UTF-8 JSON,
either a small object

    {"signal": "heart_rate", "value": 82, "unit": "/min", "time": "2024-05-01T10:00:00Z"}

(`signal` from signals.csv; `unit` its UCUM unit, its medtwin unit, or any unit that
converts, see `units`; `value` null for a device reporting the signal unavailable;
`time` ISO 8601 with an offset), or a FHIR R4 Observation, read by the same rules as a
record's (`fhir_vitals`). A payload that cannot be read is an `InteropError` from
`measurements_from_payload`; `MqttObservationSource` logs it with its reason, counts it
and goes on. The client is paho-mqtt 2 (callback API version 2), its network loop on
its own thread; MQTT 3.1.1 (OASIS Standard, 2014) with QoS 1, at-least-once delivery,
so a payload may arrive twice: the estimator's screening refuses the duplicate.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections import Counter, deque
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import paho.mqtt.client as mqtt

from medtwin.interop.fhir_observations import json_object, measurements_from_observation
from medtwin.interop.measurement import SIGNAL_NAMES, InteropError, Measurement
from medtwin.interop.units import convert
from medtwin.signals import SIGNALS

TOPIC_PATTERN = "medtwin/twins/{twin_id}/observations"
JSON_FIELDS = ("signal", "value", "unit", "time")
MAX_PAYLOAD_BYTES = 65536
"""One observation is well under a kilobyte; larger payloads are refused unread."""
_TWIN_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_UCUM_OF_UNIT = {s.unit: s.ucum for s in SIGNALS}
LOG_LENGTH = 1000

logger = logging.getLogger(__name__)


def topic_for(twin_id: str) -> str:
    """The twin's observation topic; `InteropError` for an id MQTT cannot carry."""
    if not _TWIN_ID.match(twin_id):
        raise InteropError(
            f"twin id {twin_id!r}: use 1-64 letters, digits, '.', '_' or '-' "
            "(no MQTT wildcards '+', '#' or '/')"
        )
    return TOPIC_PATTERN.format(twin_id=twin_id)


def measurements_from_payload(payload: bytes, source: str) -> list[Measurement]:
    """The measurements of one MQTT payload (see the module docstring)."""
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise InteropError(f"{source}: payload of {len(payload)} bytes is over {MAX_PAYLOAD_BYTES}")
    document = json_object(payload, source)
    if "resourceType" in document:
        return measurements_from_observation(document, source)
    return [_from_small_json(document, source)]


def _from_small_json(document: Mapping[str, Any], source: str) -> Measurement:
    unknown = sorted(set(document) - set(JSON_FIELDS))
    missing = [f for f in JSON_FIELDS if f not in document]
    if unknown or missing:
        problem = f"unknown field {unknown[0]!r}" if unknown else f"no {missing[0]!r}"
        raise InteropError(f"{source}: {problem}; the fields are {', '.join(JSON_FIELDS)}")
    name, value, unit, time = (document[f] for f in JSON_FIELDS)
    if not isinstance(name, str) or name not in SIGNAL_NAMES:
        raise InteropError(f"{source}: signal {name!r} is not a signal of signals.csv")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise InteropError(f"{source}: value {value!r} is not a number (or null)")
    if value is not None and not math.isfinite(value):
        raise InteropError(f"{source}: value {value!r} is not a finite number")
    if not isinstance(unit, str):
        raise InteropError(f"{source}: unit {unit!r} is not a text")
    if not isinstance(time, str):
        raise InteropError(f"{source}: time {time!r} is not an ISO 8601 text")
    try:
        when = datetime.fromisoformat(time)
    except ValueError:
        raise InteropError(
            f"{source}: time {time!r} is not ISO 8601 (2024-05-01T10:00:00+00:00)"
        ) from None
    ucum = next(s.ucum for s in SIGNALS if s.name == name)
    number = (
        math.nan if value is None else convert(value, _UCUM_OF_UNIT.get(unit, unit), ucum, source)
    )
    return Measurement(name, number, when, source)


class MqttObservationSource:
    """Subscribes to a twin's topic and hands each payload's measurements to
    `on_measurements`; bad payloads are logged with their reason and skipped."""

    def __init__(self, twin_id: str, on_measurements: Callable[[list[Measurement]], None]) -> None:
        self.topic = topic_for(twin_id)
        self.on_measurements = on_measurements
        self.counts: Counter[str] = Counter()
        self.log: deque[str] = deque(maxlen=LOG_LENGTH)
        self.subscribed = threading.Event()
        self._received = 0
        self._client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        self._client.on_connect = self._on_connect
        self._client.on_subscribe = self._on_subscribe
        self._client.on_message = self._on_message

    def start(self, host: str, port: int, timeout_s: float = 10.0) -> None:
        """Connect, subscribe and wait for the broker's SUBACK; `InteropError` if the
        broker cannot be reached or does not confirm within `timeout_s`."""
        try:
            self._client.connect(host, port)
        except OSError as error:
            raise InteropError(f"MQTT broker {host}:{port}: {error}") from None
        self._client.loop_start()
        if not self.subscribed.wait(timeout_s):
            self.stop()
            raise InteropError(
                f"MQTT broker {host}:{port}: no subscription to {self.topic} within {timeout_s:g} s"
            )

    def stop(self) -> None:
        self._client.loop_stop()  # first: a loop left running logs the closed socket
        self._client.disconnect()

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            self._note("connection refused", str(reason_code))
            return
        client.subscribe(self.topic, qos=1)

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:
        if any(code.is_failure for code in reason_codes):
            self._note("subscription refused", ", ".join(str(c) for c in reason_codes))
            return
        self.subscribed.set()

    def _on_message(self, client, userdata, message) -> None:
        self._received += 1
        source = f"MQTT {message.topic} #{self._received}"
        try:
            measurements = measurements_from_payload(message.payload, source)
        except InteropError as error:
            self._note("refused", str(error))
            return
        self.counts["accepted"] += 1
        try:
            self.on_measurements(measurements)
        except Exception:  # the receiver's fault must not stop the network thread
            logger.exception("MQTT receiver failed")
            self.counts["receiver failed"] += 1

    def _note(self, kind: str, detail: str) -> None:
        self.counts[kind] += 1
        self.log.append(f"{kind}: {detail}")
        logger.info("MQTT %s: %s", kind, detail)
