"""The twin's one scheduler: timed orders, scheduled ends, snapshots that carry them,
and replay that does not depend on who gave an order."""

from __future__ import annotations

import numpy as np
import pytest

from medtwin import Twin
from medtwin.actions import ActionError

PROTOCOL = [
    (30.0, "haemorrhage 500 mL over 2 min from splanchnic site"),
    (200.0, "lactated Ringer's 500 mL over 1 min"),
    (240.0, "propofol 1 mg/kg IV bolus"),
]


def test_run_plays_timed_orders_and_their_scheduled_ends_in_time_order():
    twin = Twin("standard-male", waveform_seconds=0.0)
    twin.run(PROTOCOL, until=300.0, source="protocol")
    log = [(e.id, e.time_s, e.order(), e.source, e.queued, e.cause) for e in twin.events]
    assert log == [
        (1, 30.0, "haemorrhage 500 mL over 2 min from splanchnic site", "protocol", True, None),
        (2, 150.0, "stop haemorrhage from splanchnic site", "schedule", True, 1),
        (3, 200.0, "lactated Ringer's 500 mL over 1 min", "protocol", True, None),
        (4, 240.0, "propofol 1 mg/kg IV bolus", "protocol", True, None),
        (5, 260.0, "stop lactated Ringer's", "schedule", True, 3),
    ]
    assert twin.time_s == 300.0 and len(twin.scheduler) == 0
    # the bleed follows the pressure at its site, so the ordered 500 mL is an upper mark
    assert 300.0 < twin.blood_lost_mL <= 500.0 * 1.05


def test_run_is_the_same_as_giving_each_order_at_its_time():
    played = Twin("standard-male", waveform_seconds=0.0)
    played.run(PROTOCOL, until=300.0)
    by_hand = Twin("standard-male", waveform_seconds=0.0)
    for at, order in PROTOCOL:
        by_hand.advance(at - by_hand.time_s)
        by_hand.apply(order)
    by_hand.advance(300.0 - by_hand.time_s)
    assert played.history().equals(by_hand.history())  # exact, NaN where NaN


def test_a_new_order_on_a_line_cancels_its_scheduled_end():
    twin = Twin("standard-male", waveform_seconds=0.0)
    twin.apply("normal saline 1000 mL over 10 min")
    twin.advance(60)
    twin.apply("normal saline 125 mL/h")  # the bag's end no longer applies
    twin.advance(900)
    assert [e.order() for e in twin.events] == [
        "normal saline 1000 mL over 10 min",
        "normal saline 125 mL/h",
    ]


def test_a_refused_protocol_queues_nothing_and_names_the_order():
    twin = Twin("standard-male", waveform_seconds=0.0)
    with pytest.raises(ActionError, match="fentanyl"):
        twin.run([(10.0, "propofol 1 mg/kg IV bolus"), (20.0, "fentanyl 50 g IV bolus")], 60.0)
    assert len(twin.scheduler) == 0 and twin.time_s == 0.0
    with pytest.raises(ActionError, match="after the end of the run"):
        twin.run([(90.0, "propofol 1 mg/kg IV bolus")], until=60.0)


@pytest.mark.parametrize("cut_s", [10.0, 100.0, 155.0, 230.0])
def test_snapshot_carries_the_queue_and_settings(cut_s):
    """A twin restored mid-protocol finishes it bit for bit, queue and settings included."""
    straight = Twin("standard-male", waveform_seconds=5.0, history_seconds=30.0)
    straight.run(PROTOCOL, until=300.0)
    cut = Twin("standard-male", waveform_seconds=5.0, history_seconds=30.0)
    for at, order in PROTOCOL:
        cut.schedule(at, order)
    cut.advance(cut_s)
    resumed = Twin.from_snapshot(cut.snapshot())
    resumed.advance(300.0 - cut_s)
    assert resumed.history_seconds == 30.0 and resumed.waveform_seconds == 5.0
    assert list(resumed.events) == list(straight.events)
    assert np.array_equal(resumed.snapshot().state, straight.snapshot().state)


def test_a_fork_of_a_twin_with_bounded_history_advances():
    """Twin(history_seconds=10).fork().advance(20) raised IndexError (issue 8)."""
    forked = Twin("standard-male", history_seconds=10).fork()
    forked.advance(20)
    assert forked.history()["time_s"].iloc[-1] == 20.0


def test_replay_gives_again_what_was_not_queued_whoever_gave_it():
    """A service restart restores the last snapshot (with its queue) and replays the
    events after it that were not queued: a user named 'schedule' keeps their orders
    (issue 8), and queued orders are not given twice."""
    original = Twin("standard-male", waveform_seconds=0.0)
    original.schedule(30.0, "propofol 1 mg/kg IV bolus", source="protocol")
    checkpoint = original.snapshot()
    original.apply("normal saline 500 mL over 1 min", source="schedule")
    original.advance(90.0)

    restarted = Twin.from_snapshot(checkpoint)
    restarted.replay(original.events)
    restarted.advance(90.0 - restarted.time_s)
    assert [(e.time_s, e.order(), e.source) for e in restarted.events] == [
        (0.0, "normal saline 500 mL over 1 min", "schedule"),
        (30.0, "propofol 1 mg/kg IV bolus", "protocol"),
        (60.0, "stop normal saline", "schedule"),
    ]
    assert list(restarted.events) == list(original.events)
    assert np.array_equal(restarted.snapshot().state, original.snapshot().state)
