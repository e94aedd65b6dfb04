"""A training case in the live room (issue 13): the case runs in the session, trainees
never see the injects, the instructor's console follows the phase and the live score,
and the debrief of the whole session opens for everyone once it ends."""

from __future__ import annotations

import pytest
from test_service_support import (
    account,
    advance,
    join,
    open_stream,
    receive_until,
    running_client,
    token_of,
    wait_for,
)

from medtwin.service.clock import ManualClock
from medtwin.training import load_case
from medtwin.training.xapi.validation import statement_problems

WARD = "deteriorating-ward-patient"  # haemorrhage 70 mL/min at 0 s; event "escalate"
TRAUMA = "haemorrhagic-shock"  # haemorrhage 250 mL/min at 0 s


@pytest.fixture
def client(tmp_path):
    with running_client(tmp_path, ManualClock()) as test_client:
        yield test_client


def case_session(client, headers, case: str) -> dict:
    body = {"title": "Trauma bay, team 2", "case": case}
    response = client.post("/api/sessions", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def room(client, case: str = TRAUMA):
    """An instructor's case session with two trainees: (session, headers by name)."""
    headers = {name: account(client, name) for name in ("ines", "tom", "ana")}
    session = case_session(client, headers["ines"], case)
    for trainee in ("tom", "ana"):
        join(client, headers[trainee], session["code"], "trainee")
    return session, headers


def run_until(client, session_id: int, headers: dict, time_s: float) -> None:
    """Let wall time pass (at 1x) until the session's clock reaches `time_s`."""

    def reached() -> bool:
        advance(client, 0.5)
        current = client.get(f"/api/sessions/{session_id}", headers=headers).json()
        return current["time_s"] >= time_s

    wait_for(reached, timeout_s=60, every_s=0)


def test_the_library_lists_every_bundled_case_with_its_briefing(client):
    headers = account(client, "ines")
    listed = client.get("/api/cases", headers=headers).json()
    trauma = next(case for case in listed if case["name"] == TRAUMA)
    expected = load_case(TRAUMA).case
    assert trauma["title"] == expected.title and trauma["handover"] == expected.handover
    assert trauma["duration_s"] == expected.duration
    assert client.get(f"/api/cases/{WARD}", headers=headers).json()["events"][0]["name"] == (
        "escalate"
    )
    missing = client.get("/api/cases/no-such-case", headers=headers)
    assert missing.status_code == 404 and "no-such-case" in missing.json()["detail"]


def test_a_case_session_runs_the_case_and_hides_its_injects_from_the_team(client):
    session, headers = room(client)
    assert session["case_name"] == TRAUMA
    assert session["patient"]["name"] == load_case(TRAUMA).patient.name
    with open_stream(client, session["id"], token_of(headers["tom"])) as stream:
        snapshot, _ = receive_until(stream, lambda m: m["type"] == "snapshot")
    assert snapshot["handover"]["handover"] == load_case(TRAUMA).case.handover
    assert "case" not in snapshot and "notes" not in snapshot
    assert not [e for e in snapshot["events"] if e["kind"] == "haemorrhage"]
    with open_stream(client, session["id"], token_of(headers["ines"])) as stream:
        snapshot, _ = receive_until(stream, lambda m: m["type"] == "snapshot")
    assert [e["order"] for e in snapshot["events"]] == ["haemorrhage 250 mL/min"]
    assert snapshot["case"]["phase"]["name"] == "bleeding"

    team_events = client.get(f"/api/sessions/{session['id']}/events", headers=headers["ana"])
    assert team_events.json() == []


def test_the_instructor_console_follows_phases_and_scores_the_trainees(client):
    session, headers = room(client)
    sid = session["id"]
    run_until(client, sid, headers["ines"], 30.0)
    with open_stream(client, sid, token_of(headers["ines"])) as console:
        receive_until(console, lambda m: m["type"] == "snapshot")
        order = {"order": "stop haemorrhage"}
        response = client.post(f"/api/sessions/{sid}/orders", json=order, headers=headers["tom"])
        assert response.status_code == 201, response.text
        message, _ = receive_until(
            console, lambda m: m["type"] == "case" and m["case"]["phase"]["name"] == "controlled"
        )
    by_id = {a["id"]: a for a in message["case"]["score"]["actions"]}
    assert by_id["stop_bleeding"]["status"] == "on time"  # within its 3 min (case file)
    action = next(e for e in message["entries"] if e["type"] == "action")
    assert action["by"] == "tom" and action["source"] == "trainee"
    # the team sees its own order and who gave it
    events = client.get(f"/api/sessions/{sid}/events", headers=headers["ana"]).json()
    assert [(e["order"], e["source"]) for e in events] == [("stop haemorrhage", "tom")]


def test_only_the_instructor_fires_a_case_event_and_only_a_known_one(client):
    session, headers = room(client, WARD)
    url = f"/api/sessions/{session['id']}/case-events"
    refused = client.post(url, json={"name": "escalate"}, headers=headers["tom"])
    assert refused.status_code == 403
    unknown = client.post(url, json={"name": "call-for-help"}, headers=headers["ines"])
    assert unknown.status_code == 422
    assert "call-for-help" in unknown.json()["detail"] and "escalate" in unknown.json()["detail"]
    fired = client.post(url, json={"name": "escalate"}, headers=headers["ines"])
    assert fired.status_code == 201, fired.text
    with open_stream(client, session["id"], token_of(headers["ines"])) as console:
        snapshot, _ = receive_until(console, lambda m: m["type"] == "snapshot")
    assert snapshot["case"]["phase"]["name"] == "review"  # the case's `event: escalate`


def test_the_debrief_opens_for_everyone_when_the_session_ends_with_all_of_it(client):
    session, headers = room(client)
    sid = session["id"]
    early = client.get(f"/api/sessions/{sid}/debrief", headers=headers["tom"])
    assert early.status_code == 409 and "ends" in early.json()["detail"]
    run_until(client, sid, headers["ines"], 20.0)
    order = {"order": "stop haemorrhage"}
    assert client.post(f"/api/sessions/{sid}/orders", json=order, headers=headers["tom"]).is_success
    note = {"text": "Tom found the bleeding at once"}
    assert client.post(f"/api/sessions/{sid}/notes", json=note, headers=headers["ines"]).is_success
    run_until(client, sid, headers["ines"], 40.0)
    assert client.post(f"/api/sessions/{sid}/end", headers=headers["ines"]).is_success

    debrief = client.get(f"/api/sessions/{sid}/debrief", headers=headers["tom"]).json()
    times = debrief["history"]["time_s"]
    assert times[0] == 0.0 and times[-1] >= 40.0 and len(times) == int(times[-1]) + 1
    assert [e["order"] for e in debrief["events"]][:2] == [
        "haemorrhage 250 mL/min",  # revealed now
        "stop haemorrhage",
    ]
    assert debrief["notes"][0]["text"] == note["text"]
    case = debrief["case"]
    assert case["name"] == TRAUMA and case["entries"][-1]["type"] == "end"
    assert {a["id"]: a["status"] for a in case["score"]["actions"]}["stop_bleeding"] == "on time"

    report = client.get(f"/api/sessions/{sid}/debrief/report", headers=headers["ana"])
    assert report.status_code == 200 and load_case(TRAUMA).case.title in report.text
    statements = client.get(f"/api/sessions/{sid}/debrief/xapi", headers=headers["ana"]).json()
    assert statements and all(not statement_problems(s) for s in statements)
    members = {m["name"] for m in statements[0]["actor"]["member"]}
    assert members == {"tom", "ana"}


def test_a_restarted_server_replays_a_case_session_to_the_same_run(tmp_path):
    clock = ManualClock()
    with running_client(tmp_path, clock) as client:
        session, headers = room(client, WARD)
        sid = session["id"]
        run_until(client, sid, headers["ines"], 12.0)
        fired = client.post(f"/api/sessions/{sid}/case-events", json={"name": "escalate"},
                            headers=headers["ines"])  # fmt: skip
        assert fired.status_code == 201
        order = {"order": "packed red cells 500 mL over 30 min"}
        assert client.post(f"/api/sessions/{sid}/orders", json=order, headers=headers["ana"])
        run_until(client, sid, headers["ines"], 25.0)
        before = client.app.state.manager.get(sid)
        log_before = before.case.run.log.to_json_lines()
        time_before = before.time_s
    with running_client(tmp_path, clock) as client:
        after = client.app.state.manager.get(sid)
        assert after.time_s == time_before
        assert after.case.run.log.to_json_lines() == log_before
        assert after.case.phase()["name"] == "review"


def test_call_outs_reach_the_whole_team_and_the_debrief(client):
    session, headers = room(client)
    sid = session["id"]
    url = f"/api/sessions/{sid}/messages"
    join(client, account(client, "olga"), session["code"], "observer")
    observer = client.post("/api/login", json={"username": "olga", "password": "correct horse"})
    observer_headers = {"Authorization": f"Bearer {observer.json()['token']}"}
    assert client.post(url, json={"text": "   "}, headers=headers["tom"]).status_code == 422
    refused = client.post(url, json={"text": "hello"}, headers=observer_headers)
    assert refused.status_code == 403 and "call-outs" in refused.json()["detail"]
    with open_stream(client, sid, token_of(headers["ana"])) as stream:
        receive_until(stream, lambda m: m["type"] == "snapshot")
        said = client.post(
            url, json={"text": " Tourniquet on, time 00:20 "}, headers=headers["tom"]
        )
        assert said.status_code == 201
        message, _ = receive_until(stream, lambda m: m["type"] == "say")
    assert (message["author"], message["text"]) == ("tom", "Tourniquet on, time 00:20")
    with open_stream(client, sid, token_of(headers["ana"])) as stream:
        snapshot, _ = receive_until(stream, lambda m: m["type"] == "snapshot")
    assert [m["text"] for m in snapshot["messages"]] == ["Tourniquet on, time 00:20"]
    assert client.post(f"/api/sessions/{sid}/end", headers=headers["ines"]).is_success
    debrief = client.get(f"/api/sessions/{sid}/debrief", headers=headers["ana"]).json()
    assert [m["author"] for m in debrief["messages"]] == ["tom"]


def test_the_coach_speaks_to_the_team_only_when_the_instructor_shares_it(client):
    """The stop-the-bleeding prompt is due half-way through its 3-minute window (90 s)."""
    session, headers = room(client)
    sid = session["id"]
    clock = {"speed": 60}
    assert client.post(f"/api/sessions/{sid}/clock", json=clock, headers=headers["ines"]).is_success
    share = client.post(f"/api/sessions/{sid}/coach", json={"share": True}, headers=headers["tom"])
    assert share.status_code == 403
    share = client.post(f"/api/sessions/{sid}/coach", json={"share": True}, headers=headers["ines"])
    assert share.json() == {"share": True}
    with open_stream(client, sid, token_of(headers["tom"])) as stream:
        snapshot, _ = receive_until(stream, lambda m: m["type"] == "snapshot")
        assert snapshot["share_prompts"] is True
        advance(client, 1.6)  # 96 s at 60x
        prompt, seen = receive_until(stream, lambda m: m["type"] == "coach")
    assert "Stop the bleeding" in prompt["text"] and prompt["time_s"] >= 90.0
    assert not [m for m in seen if m["type"] == "case"]  # the console is not the team's


def test_an_override_shows_on_the_monitor_only_and_is_an_inject(client):
    session, headers = room(client)
    sid = session["id"]
    url = f"/api/sessions/{sid}/overrides"
    low_sat = {"signal": "spo2", "value": 72, "seconds": 10}
    assert client.post(url, json=low_sat, headers=headers["tom"]).status_code == 403
    unknown = client.post(url, json={**low_sat, "signal": "mood"}, headers=headers["ines"])
    assert unknown.status_code == 422 and "mood" in unknown.json()["detail"]
    with open_stream(client, sid, token_of(headers["tom"])) as stream:
        receive_until(stream, lambda m: m["type"] == "snapshot")
        given = client.post(url, json=low_sat, headers=headers["ines"]).json()
        advance(client, 3.0)
        during, _ = receive_until(
            stream, lambda m: m["type"] == "vitals" and m["time_s"] > given["time_s"]
        )
        assert during["vitals"]["spo2"] == 72
        advance(client, 12.0)
        later, seen = receive_until(
            stream, lambda m: m["type"] == "vitals" and m["time_s"] > given["until_s"]
        )
    assert later["vitals"]["spo2"] > 90  # the physiology's again (a resting adult)
    assert not [m for m in seen if m["type"] == "override"]
    history = client.get(f"/api/sessions/{sid}/history", headers=headers["ines"]).json()
    assert min(v for v in history["signals"]["spo2"] if v is not None) > 90  # the true trend


def test_the_debrief_replays_the_monitors_waveforms_of_any_moment(client):
    """What the monitor drew live between 12 s and 16 s is what the debrief replays
    (the engine is deterministic; the pleth is left out: it is scaled to its window),
    lead V1 too, streamed once the trainees' layout shows it."""
    from medtwin.service.codec import read_waveform_frame

    session, headers = room(client)
    sid = session["id"]
    layout = {"role": "trainee", "waves": ["ecg_ii", "ecg_v1", "arterial_pressure"]}
    assert client.post(f"/api/sessions/{sid}/layout", json=layout,
                       headers=headers["ines"]).is_success  # fmt: skip
    live: dict[str, list[tuple[float, float]]] = {
        "ecg_ii": [],
        "ecg_v1": [],
        "arterial_pressure": [],
    }
    with open_stream(client, sid, token_of(headers["tom"])) as stream:
        receive_until(stream, lambda m: m["type"] == "snapshot")
        for second in range(1, 21):
            advance(client, 1.0)
            while True:
                frame = stream.receive()
                if frame.get("bytes") is not None:
                    start, rate, channels = read_waveform_frame(frame["bytes"])
                    for name, samples in live.items():
                        samples += [(start + i / rate, v) for i, v in enumerate(channels[name])]
                elif '"vitals"' in frame["text"] and f'"time_s":{second}.0' in frame["text"]:
                    break
    assert client.post(f"/api/sessions/{sid}/end", headers=headers["ines"]).is_success
    replay = client.get(f"/api/sessions/{sid}/debrief/waveforms?at=12&seconds=4",
                        headers=headers["ana"]).json()  # fmt: skip
    rate = replay["rate_hz"]
    assert 11.9 < replay["time_s"] <= 12.1
    for name, samples in live.items():
        by_time = {round(t * rate): v for t, v in samples}
        replayed = replay["channels"][name]
        assert len(replayed) >= 4 * rate - 1
        first = round(replay["time_s"] * rate)
        for i, value in enumerate(replayed):
            assert value == pytest.approx(by_time[first + i], abs=1e-3), (name, i)
    outside = client.get(f"/api/sessions/{sid}/debrief/waveforms?at=500", headers=headers["ana"])
    assert outside.status_code == 422 and "outside the session" in outside.json()["detail"]


def test_a_what_if_forks_the_case_at_any_moment_of_the_session(client):
    """The team never stopped the bleeding; the what-if puts a tourniquet on at 30 s:
    the stop-the-bleeding action, missed as it was, is on time in the fork."""
    session, headers = room(client)
    sid = session["id"]
    run_until(client, sid, headers["ines"], 40.0)
    assert client.post(f"/api/sessions/{sid}/end", headers=headers["ines"]).is_success
    url = f"/api/sessions/{sid}/debrief/whatif"
    bad = client.post(url, json={"at_s": 30, "order": "tourniquet please"}, headers=headers["tom"])
    assert bad.status_code == 422 and "tourniquet please" in bad.json()["detail"]
    late = client.post(url, json={"at_s": 99, "order": "stop haemorrhage"}, headers=headers["tom"])
    assert late.status_code == 422 and "after the run ended" in late.json()["detail"]
    report = client.post(url, json={"at_s": 30, "order": "stop haemorrhage"},
                         headers=headers["tom"])  # fmt: skip
    assert report.status_code == 200, report.text
    as_it_was, fork = report.text.split("<h3>what if: stop haemorrhage at 0:30</h3>")

    def stop_bleeding_status(html: str) -> str:
        row = html.split("<td>Stop the bleeding")[1].split("</tr>")[0]
        return row.split("<td>")[-2].removesuffix("</td>")

    assert stop_bleeding_status(as_it_was) == "missed"
    assert stop_bleeding_status(fork) == "on time"


def test_a_trainees_call_out_meets_the_cases_expected_call_out_and_survives_a_restart(
    tmp_path,
):
    """vf-arrest expects 'VF' and 'shock' called out within a minute: a trainee's
    message counts (the instructor's does not), the debrief and its report say which
    message met it, and a restarted server hears it again at its time."""
    clock = ManualClock()
    with running_client(tmp_path, clock) as client:
        session, headers = room(client, "vf-arrest")
        sid = session["id"]
        url = f"/api/sessions/{sid}/messages"
        run_until(client, sid, headers["ines"], 5.0)
        assert client.post(url, json={"text": "VF, shock"}, headers=headers["ines"]).is_success
        run_until(client, sid, headers["ines"], 12.0)
        said = client.post(url, json={"text": "vf on the monitor, shock 200 J"},
                           headers=headers["tom"])  # fmt: skip
        assert said.status_code == 201
        live = client.app.state.manager.get(sid)
        actions = {a["id"]: a for a in live.case.summary()["score"]["actions"]}
        assert (actions["callout"]["status"], actions["callout"]["time_s"]) == (
            "on time",
            said.json()["time_s"],
        )
        run_until(client, sid, headers["ines"], 20.0)
        log_before = live.case.run.log.to_json_lines()
    with running_client(tmp_path, clock) as client:
        assert client.app.state.manager.get(sid).case.run.log.to_json_lines() == log_before
        assert client.post(f"/api/sessions/{sid}/end", headers=headers["ines"]).is_success
        debrief = client.get(f"/api/sessions/{sid}/debrief", headers=headers["ana"]).json()
        met = [(m["author"], [x["id"] for x in m["met"]]) for m in debrief["messages"]]
        assert met == [("ines", []), ("tom", ["callout"])]
        report = client.get(f"/api/sessions/{sid}/debrief/report", headers=headers["ana"]).text
    assert "<h2>Call-outs</h2>" in report and "vf on the monitor, shock 200 J" in report
