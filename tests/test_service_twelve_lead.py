"""The 12-lead ECG as an order (issue 13): when it records (from the logged orders
alone), what everyone in a live session is sent, what a restart and the debrief keep
(with the manual clock: no sleeps)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from test_service_support import (
    account,
    advance,
    join,
    new_session,
    open_stream,
    receive_until,
    resumed,
    running_client,
    token_of,
)

from medtwin.actions import parse_order
from medtwin.actions.kinds.twelve_lead import recordings
from medtwin.physiology.twelve_lead import LEADS, RECORD_S
from medtwin.service.clock import ManualClock
from medtwin.service.codec import WAVEFORM_RATE_HZ


@pytest.mark.parametrize("text", ["12-lead ECG", "12 lead ECG", "record 12-lead ECG"])
def test_the_order_reads_and_reads_back(text):
    action = parse_order(text)
    assert action.kind == "twelve_lead" and action.insult is False
    assert parse_order(action.order()) == action


def test_a_recording_starts_at_the_next_second_and_a_busy_machine_skips_orders():
    assert recordings([12.3], 22.0) == []
    assert recordings([12.3], 23.0) == [(13.0, 23.0)]
    assert recordings([12.0], 22.0) == [(12.0, 22.0)]
    assert recordings([12.3, 15.0, 23.0], 40.0) == [(13.0, 23.0), (23.0, 33.0)]


def _order(client, url, headers):
    response = client.post(f"{url}/orders", json={"order": "12-lead ECG"}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["time_s"]


def _check(ecg: dict, start_s: float) -> None:
    assert ecg["time_s"] == start_s and ecg["seconds"] == RECORD_S
    assert list(ecg["leads"]) == list(LEADS)
    samples = {len(lead) for lead in ecg["leads"].values()}
    assert samples == {int(RECORD_S * WAVEFORM_RATE_HZ)}
    i, ii, iii = (np.array(ecg["leads"][n]) for n in ("I", "II", "III"))
    assert np.allclose(iii, ii - i, atol=2e-3)  # Einthoven, to the rounding
    assert ii.max() > 0.5  # R waves in lead II
    assert any("Dower" in source for source in ecg["sources"])


def test_everyone_in_the_room_gets_the_recording_and_the_debrief_keeps_it(tmp_path):
    clock = ManualClock()
    with running_client(tmp_path, clock) as client:
        instructor, trainee = account(client, "ines"), account(client, "tom")
        session = new_session(client, instructor)
        join(client, trainee, session["code"], "trainee")
        url = f"/api/sessions/{session['id']}"
        with (
            open_stream(client, session["id"], token_of(instructor)) as ines_ws,
            open_stream(client, session["id"], token_of(trainee)) as tom_ws,
        ):
            for ws in (ines_ws, tom_ws):
                assert json.loads(ws.receive_text())["twelve_leads"] == []
            advance(client, 2.3)
            ordered_s = _order(client, url, trainee)
            start_s = float(-(-ordered_s // 1))
            advance(client, RECORD_S + 1.0)
            seen = [receive_until(ws, lambda m: m["type"] == "twelve_lead")[0]
                    for ws in (ines_ws, tom_ws)]  # fmt: skip
        assert seen[0] == seen[1]
        _check(seen[0], start_s)
        with open_stream(client, session["id"], token_of(trainee)) as late:
            assert json.loads(late.receive_text())["twelve_leads"] == [seen[0]]
    again = resumed(clock)
    with running_client(tmp_path, again) as client:  # restored: recorded once, not twice
        advance(client, 2.0)
        with open_stream(client, session["id"], token_of(trainee)) as ws:
            assert json.loads(ws.receive_text())["twelve_leads"] == [seen[0]]
        assert client.post(f"{url}/end", headers=instructor).status_code == 200
        debrief = client.get(f"{url}/debrief", headers=trainee).json()
    assert debrief["twelve_leads"] == [seen[0]]
    assert "12-lead ECG" in [event["order"] for event in debrief["events"]]
