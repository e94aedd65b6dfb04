"""The monitor's layout per case and per role (issue 13): a case may say which
waveforms and numerics its monitor shows; the instructor sets a layout per role, checked
against the channels `/api/config` lists, and it reaches that role's monitors (and
survives a restart)."""

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
    running_client,
    token_of,
)

from medtwin.monitor_layout import (
    DEFAULT_LAYOUT,
    NUMERIC_CHANNELS,
    WAVE_CHANNELS,
    WAVE_GROUPS,
)
from medtwin.service.clock import ManualClock
from medtwin.service.codec import read_waveform_frame
from medtwin.training import load_case


@pytest.fixture
def client(tmp_path):
    with running_client(tmp_path, ManualClock()) as test_client:
        yield test_client


def _snapshot(client, session_id, headers) -> dict:
    with open_stream(client, session_id, token_of(headers)) as ws:
        return json.loads(ws.receive_text())


def test_config_lists_the_channels_a_layout_may_name(client):
    monitor = client.get("/api/config").json()["monitor"]
    assert monitor["waves"] == list(WAVE_CHANNELS)
    assert monitor["numerics"] == list(NUMERIC_CHANNELS)
    assert monitor["default"] == DEFAULT_LAYOUT.model_dump()
    assert monitor["wave_groups"] == [{"name": name, "waves": list(waves)}
                                      for name, waves in WAVE_GROUPS.items()]  # fmt: skip
    assert {"central_venous_pressure", "airway_flow", "lung_volume"} <= set(monitor["waves"])


def test_a_layout_reaches_the_monitors_of_its_role_only_and_survives_a_restart(tmp_path):
    layout = {"waves": ["ecg_ii", "airway_flow", "lung_volume"], "numerics": ["spo2", "nibp"]}
    clock = ManualClock()
    with running_client(tmp_path, clock) as client:
        ines, tom = account(client, "ines"), account(client, "tom")
        session = new_session(client, ines)
        join(client, tom, session["code"], "trainee")
        url = f"/api/sessions/{session['id']}/layout"
        assert _snapshot(client, session["id"], tom)["layout"] == DEFAULT_LAYOUT.model_dump()
        with (
            open_stream(client, session["id"], token_of(tom)) as ws_t,
            open_stream(client, session["id"], token_of(ines)) as ws_i,
        ):
            response = client.post(url, json={"role": "trainee", **layout}, headers=ines)
            assert response.status_code == 200, response.text
            assert response.json() == {"role": "trainee", **layout}
            message, _ = receive_until(ws_t, lambda m: m["type"] == "layout")
            assert message == {"type": "layout", **layout}
            advance(client, 1.5)
            _, seen = receive_until(ws_i, lambda m: m["type"] == "vitals")
            assert "layout" not in {m["type"] for m in seen[1:]}  # the instructor's is unchanged
        assert _snapshot(client, session["id"], ines)["layout"] == DEFAULT_LAYOUT.model_dump()
    with running_client(tmp_path, clock) as client:
        assert _snapshot(client, session["id"], tom)["layout"] == layout
        # the instructor's editor is given every role's layout; the team, none
        default = DEFAULT_LAYOUT.model_dump()
        assert _snapshot(client, session["id"], ines)["layouts"] == {
            "instructor": default, "trainee": layout, "observer": default}  # fmt: skip
        assert "layouts" not in _snapshot(client, session["id"], tom)


def test_a_layout_may_show_ecg_lead_v1_and_the_stream_carries_it(client):
    """A lead a layout chooses streams as the twin draws it: lead V1's deep S (Surawicz &
    Knilans 2008), beside leads I and III that add up to II (Einthoven)."""
    ines, tom = account(client, "ines"), account(client, "tom")
    session = new_session(client, ines)
    join(client, tom, session["code"], "trainee")
    layout = {"waves": ["ecg_v1", "ecg_ii", "ecg_i", "ecg_iii"], "numerics": ["heart_rate"]}
    url = f"/api/sessions/{session['id']}/layout"
    assert client.post(url, json={"role": "trainee", **layout}, headers=ines).is_success
    with open_stream(client, session["id"], token_of(tom)) as ws:
        assert json.loads(ws.receive_text())["layout"] == layout
        advance(client, 3.0)
        leads: dict[str, list[float]] = {"ecg_i": [], "ecg_ii": [], "ecg_iii": [], "ecg_v1": []}
        while len(leads["ecg_v1"]) < 2 * 125:
            frame = ws.receive()
            if frame.get("bytes") is not None:
                _, _, channels = read_waveform_frame(frame["bytes"])
                for name, samples in leads.items():
                    samples.extend(channels[name].tolist())
    lead_i, lead_ii, lead_iii, lead_v1 = (np.array(samples) for samples in leads.values())
    np.testing.assert_allclose(lead_i + lead_iii, lead_ii, rtol=0, atol=1e-5)  # float32
    assert lead_v1.min() < -0.5 < lead_ii.max() and lead_v1.max() < lead_ii.max()


def _next_frame_channels(ws) -> list[str]:
    """The channels of the next waveform frame on the stream."""
    while (frame := ws.receive()).get("bytes") is None:
        pass
    return list(read_waveform_frame(frame["bytes"])[2])


def _in_frame_order(*waves: str) -> list[str]:
    return [name for name in WAVE_CHANNELS if name in waves]


def _channels_after_a_callout(client, session_id: int, headers: dict, streams) -> list:
    """The channels of each stream's first frame after a call-out made now: the frames
    made from this moment on (those queued before it come before it)."""
    text = "layout changed"
    assert client.post(f"/api/sessions/{session_id}/messages", json={"text": text},
                       headers=headers).is_success  # fmt: skip
    advance(client, 0.5)
    seen = []
    for ws in streams:
        receive_until(ws, lambda m: m["type"] == "say" and m["text"] == text)
        seen.append(_next_frame_channels(ws))
    return seen


def test_frames_carry_what_some_monitor_draws_and_a_lead_from_the_next_frame_it_is_shown(
    client,
):
    """A default session streams the default layout's five waveforms, not the 15 a
    monitor can draw; once the trainees' layout shows lead V1 the next frames carry it,
    to every client (no reconnect), and once no layout shows it they stop."""
    ines, tom = account(client, "ines"), account(client, "tom")
    session = new_session(client, ines)
    join(client, tom, session["code"], "trainee")
    url = f"/api/sessions/{session['id']}/layout"
    default = _in_frame_order(*DEFAULT_LAYOUT.waves)
    with (
        open_stream(client, session["id"], token_of(ines)) as ws_i,
        open_stream(client, session["id"], token_of(tom)) as ws_t,
    ):
        streams = (ws_i, ws_t)
        advance(client, 1.0)
        assert [_next_frame_channels(ws) for ws in streams] == [default, default]
        with_v1 = {"role": "trainee", "waves": ["ecg_ii", "ecg_v1"]}
        assert client.post(url, json=with_v1, headers=ines).is_success
        shown = _in_frame_order(*DEFAULT_LAYOUT.waves, "ecg_v1")  # the instructor's too
        assert _channels_after_a_callout(client, session["id"], ines, streams) == [shown] * 2
        assert client.post(url, json={"role": "trainee"}, headers=ines).is_success
        assert _channels_after_a_callout(client, session["id"], ines, streams) == [default] * 2


def test_the_editors_groups_hold_every_waveform_once_in_the_channel_order():
    """The layout editor's groups (`/api/config`): the eight ECG leads, lead II first,
    then the other channels; together every channel once, each group in its order."""
    grouped = [name for waves in WAVE_GROUPS.values() for name in waves]
    assert sorted(grouped) == sorted(WAVE_CHANNELS) and len(grouped) == len(WAVE_CHANNELS)
    for waves in WAVE_GROUPS.values():
        assert list(waves) == _in_frame_order(*waves)
    leads = WAVE_GROUPS["ECG leads"]
    assert leads[0] == "ecg_ii" and len(leads) == 8
    assert all(name.startswith("ecg_") for name in leads)
    assert set(WAVE_GROUPS["Ventilation"]) == {"airway_flow", "airway_pressure", "lung_volume"}


def test_a_bad_layout_is_refused_naming_the_field_the_value_and_what_is_allowed(client):
    ines, tom = account(client, "ines"), account(client, "tom")
    session = new_session(client, ines)
    join(client, tom, session["code"], "trainee")
    url = f"/api/sessions/{session['id']}/layout"
    cases = [
        ({"role": "trainee", "waves": ["ecg_ii", "ecg_v3"]}, "waves.1", "'ecg_v3'"),
        ({"role": "trainee", "numerics": ["pulse"]}, "numerics.0", "'pulse'"),
        ({"role": "nurse", "waves": ["ecg_ii"]}, "role", "'nurse'"),
        ({"role": "trainee", "waves": []}, "waves", "at least 1"),
        ({"role": "trainee", "waves": ["co2", "co2"]}, "waves", "'co2' listed twice"),
        ({"role": "trainee", "colour": "green"}, "colour", "'green'"),
    ]
    for body, field, value in cases:
        response = client.post(url, json=body, headers=ines)
        detail = response.json()["detail"]
        assert response.status_code == 422 and field in detail and value in detail, detail
    detail = client.post(url, json=cases[0][0], headers=ines).json()["detail"]
    assert "'airway_flow'" in detail and "'ecg_v1'" in detail  # what is allowed
    refused = client.post(url, json={"role": "trainee"}, headers=tom)
    assert refused.status_code == 403 and "instructor" in refused.json()["detail"]
    assert client.post(f"/api/sessions/{session['id']}/end", headers=ines).is_success
    ended = client.post(url, json={"role": "trainee"}, headers=ines)
    assert ended.status_code == 409 and "layout" in ended.json()["detail"]


def test_a_case_session_shows_the_cases_own_monitor(client):
    ines = account(client, "ines")
    body = {"title": "Theatre 3", "case": "bronchospasm-ventilated"}
    session = client.post("/api/sessions", json=body, headers=ines).json()
    case_monitor = load_case("bronchospasm-ventilated").case.monitor
    assert "airway_flow" in case_monitor.waves
    assert _snapshot(client, session["id"], ines)["layout"] == case_monitor.model_dump()
