"""The cuff as an order (issue 13): 'measure NIBP', 'NIBP every <n> min', 'stop NIBP';
when it reads (from the logged orders alone), and what a live session's monitor is sent
(with the manual clock: no sleeps)."""

from __future__ import annotations

import json

import pytest
from test_service_support import (
    account,
    advance,
    new_session,
    open_stream,
    receive_until,
    running_client,
    token_of,
)

from medtwin.actions import ActionError, parse_order
from medtwin.actions.kinds.nibp import NIBP_CUFF_S, CuffState, cuff_state
from medtwin.service.clock import ManualClock
from medtwin.service.overrides import Override, shown_at


@pytest.mark.parametrize(
    ("text", "mode", "every_min"),
    [
        ("measure NIBP", "measure", None),
        ("NIBP", "measure", None),
        ("NIBP every 5 min", "cycle", 5.0),
        ("nibp every 1 min", "cycle", 1.0),
        ("NIBP every 60 min", "cycle", 60.0),
        ("NIBP every 1 h", "cycle", 60.0),
        ("stop NIBP", "stop", None),
    ],
)
def test_the_orders_read_and_read_back(text, mode, every_min):
    action = parse_order(text)
    assert (action.kind, action.mode, action.every_min) == ("nibp", mode, every_min)
    assert parse_order(action.order()) == action


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            "NIBP every 90 min",
            "every_min = 90.0 is not allowed: must be at least 1 and at most 60 min",
        ),
        ("NIBP every 0.5 min", "every_min = 0.5 is not allowed"),
        ("NIBP every 2 h", "every_min = 120.0 is not allowed"),
        ("NIBP every", "every_min = (none)"),
        ("NIBP hourly", "NIBP orders are: measure NIBP, NIBP every <n> min (1-60), stop NIBP"),
    ],
)
def test_a_refusal_is_short_and_says_what_is_allowed(text, says):
    with pytest.raises(ActionError) as caught:
        parse_order(text)
    first_line = str(caught.value).splitlines()[0]
    assert says in first_line and len(first_line) < 120, first_line


def _orders(*timed):
    return [(time_s, parse_order(text)) for time_s, text in timed]


def test_a_measurement_reads_after_the_cuff_time():
    orders = _orders((10.0, "measure NIBP"))
    assert cuff_state(orders, 5.0) == CuffState(None, False, None)
    assert cuff_state(orders, 10.0 + NIBP_CUFF_S - 0.1) == CuffState(None, True, None)
    assert cuff_state(orders, 10.0 + NIBP_CUFF_S) == CuffState(40.0, False, None)


def test_a_cycle_measures_now_and_every_n_minutes_until_stopped():
    orders = _orders((0.0, "NIBP every 5 min"))
    assert cuff_state(orders, 299.0) == CuffState(30.0, False, 5.0)
    assert cuff_state(orders, 300.0) == CuffState(30.0, True, 5.0)
    assert cuff_state(orders, 3600.0 + 30.0) == CuffState(3630.0, False, 5.0)
    stopped = orders + _orders((310.0, "stop NIBP"))  # lets down the inflating cuff
    assert cuff_state(stopped, 1000.0) == CuffState(30.0, False, None)


def test_a_manual_measurement_keeps_the_cycle_and_overlaps_are_skipped():
    orders = _orders((0.0, "NIBP every 2 min"), (100.0, "measure NIBP"), (110.0, "measure NIBP"))
    # the 110 s measurement and the cycle's at 120 s come while the cuff is up: skipped
    assert cuff_state(orders, 239.0) == CuffState(130.0, False, 2.0)
    assert cuff_state(orders, 270.0) == CuffState(270.0, False, 2.0)  # the cycle goes on
    changed = orders[:2] + _orders((200.0, "NIBP every 10 min"))
    assert cuff_state(changed, 239.0) == CuffState(230.0, False, 10.0)
    assert cuff_state(changed, 799.0).reading_s == 230.0
    assert cuff_state(changed, 830.0).reading_s == 830.0


def test_a_session_cycles_the_cuff_and_sends_its_readings(tmp_path):
    with running_client(tmp_path, ManualClock()) as client:
        instructor = account(client, "ines")
        session = new_session(client, instructor)
        url = f"/api/sessions/{session['id']}"
        with open_stream(client, session["id"], token_of(instructor)) as ws:
            snapshot = json.loads(ws.receive_text())
            assert snapshot["type"] == "snapshot" and snapshot["nibp"].get("time_s") is None
            response = client.post(f"{url}/orders", json={"order": "NIBP every 1 min"},
                                   headers=instructor)  # fmt: skip
            assert response.status_code == 201, response.text
            given_s = response.json()["time_s"]
            advance(client, 2.0)
            measuring, _ = receive_until(ws, lambda m: m["type"] == "nibp")
            assert measuring["measuring"] and measuring["every_min"] == 1.0
            advance(client, 95.0)
            first, _ = receive_until(ws, lambda m: m["type"] == "nibp" and m["time_s"])
            second, _ = receive_until(
                ws, lambda m: m["type"] == "nibp" and m["time_s"] != first["time_s"]
            )
        assert first["time_s"] == pytest.approx(given_s + NIBP_CUFF_S)
        assert second["time_s"] == pytest.approx(given_s + 60.0 + NIBP_CUFF_S)
        history = client.get(f"{url}/history", headers=instructor).json()
        at = history["time_s"].index(float(-(-second["time_s"] // 1)))
        assert second["systolic"] == history["signals"]["systolic_bp"][at]
        assert second["diastolic"] == history["signals"]["diastolic_bp"][at]
        assert 50 < second["mean"] < second["systolic"]


def test_overrides_in_force_are_what_is_shown_and_a_newer_one_replaces_an_older():
    overrides = [
        Override(10.0, "systolic_bp", 70.0, 70.0),
        Override(20.0, "systolic_bp", 200.0, 25.0),
    ]
    real = {"systolic_bp": 120.0, "diastolic_bp": 80.0}
    assert shown_at(real, overrides, 5.0) == real
    assert shown_at(real, overrides, 10.0) == {**real, "systolic_bp": 70.0}
    assert shown_at(real, overrides, 22.0) == {**real, "systolic_bp": 200.0}
    assert shown_at(real, overrides, 30.0) == real  # the newer one ended: no going back


def test_an_override_of_the_blood_pressure_is_what_the_cuff_reads(tmp_path):
    """Issue 13: the instructor's override of the pressure reaches the NIBP while it is
    in force (the trend keeps the physiology's); a reading after it ends is real."""
    with running_client(tmp_path, ManualClock()) as client:
        instructor = account(client, "ines")
        session = new_session(client, instructor)
        url = f"/api/sessions/{session['id']}"
        low = {"signal": "systolic_bp", "value": 68, "seconds": 60}
        with open_stream(client, session["id"], token_of(instructor)) as ws:
            receive_until(ws, lambda m: m["type"] == "snapshot")
            assert client.post(f"{url}/overrides", json=low, headers=instructor).status_code == 201
            client.post(f"{url}/orders", json={"order": "measure NIBP"}, headers=instructor)
            advance(client, NIBP_CUFF_S + 2.0)
            during, _ = receive_until(ws, lambda m: m["type"] == "nibp" and m["time_s"])
            advance(client, 40.0)  # past the override's end
            client.post(f"{url}/orders", json={"order": "measure NIBP"}, headers=instructor)
            advance(client, NIBP_CUFF_S + 2.0)
            after, _ = receive_until(
                ws, lambda m: m["type"] == "nibp" and (m["time_s"] or 0) > during["time_s"]
            )
        history = client.get(f"{url}/history", headers=instructor).json()
    assert during["systolic"] == 68
    at = history["time_s"].index(float(-(-during["time_s"] // 1)))
    assert history["signals"]["systolic_bp"][at] > 90  # the physiology's pressure
    assert during["diastolic"] == history["signals"]["diastolic_bp"][at]  # not overridden
    assert after["systolic"] > 90 and after["systolic"] != 68
