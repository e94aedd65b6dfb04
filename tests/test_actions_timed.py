"""Timed orders ('60s: haemorrhage 100 mL/min') and YAML actions files."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medtwin.actions import (
    ActionError,
    FluidInfusion,
    Haemorrhage,
    StopHaemorrhage,
    format_timed_order,
    load_actions_file,
    parse_time,
    parse_timed_order,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("60s", 60.0), ("60 s", 60.0), ("90", 90.0), ("1 min", 60.0), ("1.5 h", 5400.0),
     ("2 hours", 7200.0), ("00:10:00", 600.0), ("1:02:03.5", 3723.5), ("0", 0.0)],
)  # fmt: skip
def test_times(text, seconds):
    assert parse_time(text) == seconds


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("soon", "time 'soon' not understood; write it like: 60 s, 1.5 min"),
        ("10 parsecs", "time unit 'parsecs' is not one of"),
        ("-5 s", "time '-5 s' is not allowed: must be a finite time >= 0 s"),
        ("00:75:00", "minutes and seconds of hh:mm:ss must be below 60"),
    ],
)
def test_bad_times_are_refused(text, message):
    with pytest.raises(ActionError, match=message):
        parse_time(text)


def test_timed_orders_from_the_command_line():
    assert parse_timed_order("60s: haemorrhage 100 mL/min") == (
        60.0,
        Haemorrhage(rate_mL_per_min=100),
    )
    assert parse_timed_order("600s: stop haemorrhage") == (600.0, StopHaemorrhage())
    time_s, action = parse_timed_order("620s: lactated Ringer's 1000 mL over 15 min")
    assert time_s == 620.0
    assert action == FluidInfusion(fluid="lactated Ringer's", volume_mL=1000, duration_min=15)
    assert parse_timed_order("00:10:00: stop haemorrhage")[0] == 600.0


def test_a_timed_order_without_a_time_says_how_to_write_one():
    with pytest.raises(
        ActionError, match=re.escape("write '<time>: <order>', e.g. '60 s: haemorrhage")
    ):
        parse_timed_order("haemorrhage 100 mL/min")


@given(st.floats(min_value=0, max_value=1e7, allow_nan=False))
def test_timed_orders_round_trip(time_s):
    action = StopHaemorrhage(site="venous")
    assert parse_timed_order(format_timed_order(time_s, action)) == (time_s, action)


def write(tmp_path, text: str):
    path = tmp_path / "actions.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_actions_file_with_every_entry_form_is_sorted_by_time(tmp_path):
    path = write(
        tmp_path,
        """
- "620s: lactated Ringer's 1000 mL over 15 min"
- 60 s: haemorrhage 100 mL/min
- {at: 10 min, order: stop haemorrhage}
- at: 30
  order: propofol 2 mg/kg IV bolus
- at: 00:20:00
  action: {kind: stop_fluid, fluid: LR}
""",
    )
    timed = load_actions_file(path)
    assert [time_s for time_s, _ in timed] == [30.0, 60.0, 600.0, 620.0, 1200.0]
    assert [action.order() for _, action in timed] == [
        "propofol 2 mg/kg IV bolus",
        "haemorrhage 100 mL/min",
        "stop haemorrhage",
        "lactated Ringer's 1000 mL over 15 min",
        "stop lactated Ringer's",
    ]


def test_an_empty_actions_file_has_no_actions(tmp_path):
    assert load_actions_file(write(tmp_path, "")) == []


def test_errors_name_the_file_and_every_bad_entry(tmp_path):
    path = write(
        tmp_path,
        """
- 60 s: haemorrhage 100 mL/min
- "120 s: propfol 2 mg/kg IV bolus"
- {at: 3 min, order: fentanyl -1 mcg}
- {at: 4 min, when: now}
- "soon: stop haemorrhage"
- "300 s: give fluids"
""",
    )
    with pytest.raises(ActionError) as caught:
        load_actions_file(path)
    problems = caught.value.problems
    assert [p.split(":", 1)[0] for p in problems] == [
        f"{path}, entry {number}" for number in (2, 3, 4, 5, 6)
    ]
    assert "drug = 'propfol' is not in the drug library" in problems[0]
    assert "dose = -1.0 is not allowed" in problems[1]
    assert "keys at, when do not fit" in problems[2]
    assert "timed order 'soon: stop haemorrhage' not understood" in problems[3]
    assert "order 'give fluids' not understood" in problems[4]
    assert str(caught.value).count("accepted orders:") == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("at: 60\norder: stop haemorrhage\n", "expected a YAML list of timed orders"),
        ("- [unclosed\n", "not valid YAML at line"),
    ],
)
def test_files_that_are_not_lists_of_orders(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ActionError, match=message) as caught:
        load_actions_file(path)
    assert str(caught.value).startswith(str(path))


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ActionError, match="cannot read the actions file"):
        load_actions_file(tmp_path / "missing.yaml")
