"""The event log: append-only in time, readable records, JSON lines round trip."""

import json

import pytest

from medtwin.actions import (
    ActionError,
    DrugBolus,
    DrugInfusion,
    Event,
    EventLog,
    FluidInfusion,
    Haemorrhage,
    StopHaemorrhage,
)


def example_log() -> EventLog:
    log = EventLog()
    log.record(60.0, Haemorrhage(rate_mL_per_min=100))
    log.record(600.0, StopHaemorrhage(), source="scenario", note="bleeding controlled")
    log.record(600.0, DrugInfusion(drug="norepinephrine", rate=0.1, unit="mcg/kg/min"))
    log.append(
        Event(
            time_s=620.0,
            action=FluidInfusion(fluid="lactated Ringer's", volume_mL=1000, duration_min=15),
            source="instructor",
        )
    )
    return log


def test_events_are_kept_in_order_and_can_share_a_time():
    log = example_log()
    assert len(log) == 4
    assert [event.time_s for event in log] == [60.0, 600.0, 600.0, 620.0]
    assert log[1].source == "scenario" and log[0].source == "user"
    assert log[-1].order() == "lactated Ringer's 1000 mL over 15 min"


def test_going_back_in_time_is_refused_and_changes_nothing():
    log = example_log()
    with pytest.raises(ActionError, match="time_s = 30 is before the last event at 620 s"):
        log.record(30.0, StopHaemorrhage())
    assert len(log) == 4


def test_events_are_validated():
    with pytest.raises(ActionError, match=r"time_s = -1\.0"):
        Event(time_s=-1.0, action=StopHaemorrhage())
    with pytest.raises(ActionError, match="dose = -2"):
        Event(time_s=0.0, action={"kind": "drug_bolus", "drug": "propofol", "dose": -2,
                                  "unit": "mg"})  # fmt: skip
    with pytest.raises(ActionError, match="kind = 'teleport' is not one of"):
        Event(time_s=0.0, action={"kind": "teleport"})
    with pytest.raises(ValueError):
        example_log()[0].time_s = 5.0  # type: ignore[misc]


def test_records_read_as_orders():
    records = example_log().to_records()
    assert records[1] == {
        "id": 2,
        "time_s": 600.0,
        "kind": "stop_haemorrhage",
        "order": "stop haemorrhage",
        "source": "scenario",
        "note": "bleeding controlled",
        "queued": False,
        "cause": None,
    }
    assert records[0]["order"] == "haemorrhage 100 mL/min"


def test_json_lines_round_trip():
    log = example_log()
    text = log.to_json_lines()
    lines = text.splitlines()
    assert len(lines) == 4
    first = json.loads(lines[0])
    assert first["order"] == "haemorrhage 100 mL/min"
    assert first["action"]["kind"] == "haemorrhage"
    assert EventLog.from_json_lines(text) == log
    assert EventLog.from_json_lines(text + "\n") == log


def test_bad_json_lines_name_the_line():
    good = EventLog([Event(time_s=0.0, action=DrugBolus(drug="propofol", dose=2, unit="mg/kg"))])
    text = good.to_json_lines().replace('"dose": 2.0', '"dose": -2.0')
    with pytest.raises(ActionError) as caught:
        EventLog.from_json_lines(text)
    assert (
        str(caught.value)
        == "event log line 1: action: dose = -2.0 is not allowed: must be more than 0"
    )
    with pytest.raises(ActionError, match="event log line 2: not JSON"):
        EventLog.from_json_lines(good.to_json_lines() + "not json\n")
    later_first = example_log().to_json_lines().splitlines()
    out_of_order = r"event log line 1: id = 2: the next event .* is number 1"
    with pytest.raises(ActionError, match=out_of_order):
        EventLog.from_json_lines("\n".join(reversed(later_first[:2])))
    unnumbered = [json.dumps({**json.loads(line), "id": None}) for line in later_first[:2]]
    with pytest.raises(ActionError, match="event log line 2: time_s = 60 is before"):
        EventLog.from_json_lines("\n".join(reversed(unnumbered)))
