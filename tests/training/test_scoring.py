"""Scoring reads only the run log: hand-written logs of a small case, judged by the rules
of medtwin.training.scoring (no twin is run here)."""

from __future__ import annotations

import pytest
import yaml

from medtwin.actions import parse_order
from medtwin.training import load_case
from medtwin.training.runlog import Entry, RunLog
from medtwin.training.scoring import score_run

CASE = """
name: scored
title: Scored
objectives:
  - {id: breathing, text: Breathing, weight: 3}
  - {id: circulation, text: Circulation, weight: 1}
audience: [nurse]
difficulty: 1
sources: [test]
duration: 10 min
patient: {name: standard-male}
phases:
  - name: first
    expected:
      - {id: o2, text: Oxygen, action: oxygen non-rebreather 15 L/min, window: [0 s, 1 min],
         class: critical, objective: breathing, points: 2}
      - {id: fluid, text: Fluid, action: normal saline 500 mL over 10 min, window: [30 s, 2 min],
         class: recommended, objective: circulation}
      - {id: noise, text: Needless, action: stop oxygen, class: unnecessary, objective: breathing}
    transitions:
      - {to: second, when: {after: 3 min}}
  - name: second
    expected:
      - {id: never, text: Never due, action: extubate, window: [1 min, null], class: critical,
         objective: breathing}
    transitions:
      - {to: done, when: {event: finish}}
  - {name: done, end: true, outcome: good}
instructor_events: [{name: finish}]
critical_errors:
  - {id: no_fluid, text: No fluid, when: {missed: fluid}}
scoring: {pass_score: 0.5, late_credit: 0.5}
"""


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    path = tmp_path_factory.mktemp("case") / "scored.yaml"
    path.write_text(CASE, encoding="utf-8")
    return load_case(path).case


def _log(*actions: tuple[float, str], end_s: float = 200.0) -> RunLog:
    entries = [
        Entry("start", 0.0, {"case": "scored", "trainee": "test"}),
        Entry("phase", 0.0, {"phase": "first", "trigger": "start"}),
    ]
    for time_s, order in actions:
        action = parse_order(order)
        entries.append(
            Entry(
                "action",
                time_s,
                {
                    "order": action.order(),
                    "source": "trainee",
                    "kind": action.kind,
                    "action": action.model_dump(),
                },
            )
        )
    entries += [
        Entry("phase", 180.0, {"phase": "second", "trigger": "after: 180 s"}),
        Entry("phase", 200.0, {"phase": "done", "trigger": "event: finish"}),
        Entry("end", end_s, {"reason": "phase done", "outcome": "good", "alive": True}),
    ]
    return RunLog(sorted(entries, key=lambda e: e.time_s))


def test_everything_on_time_scores_full_and_passes(case):
    score = score_run(
        case,
        _log((20, "oxygen non-rebreather 15 L/min"), (40, "normal saline 1000 mL over 20 min")),
    )
    by_id = {r.item.id: r for r in score.actions}
    assert by_id["o2"].status == "on time" and by_id["o2"].time_to_action_s == 20
    assert by_id["fluid"].status == "on time", "any saline counts: numbers only within a range"
    assert by_id["never"].status == "not due", "the phase ended before its window opened"
    assert score.total == 1.0 and score.passed and score.gate_failures == ()


def test_a_late_critical_action_fails_the_gate_and_earns_late_credit(case):
    score = score_run(
        case, _log((90, "oxygen non-rebreather 15 L/min"), (40, "normal saline 500 mL over 10 min"))
    )
    assert score.gate_failures == ("late:o2",)
    breathing = next(o for o in score.objectives if o.id == "breathing")
    assert breathing.score == 0.5  # 2 points x late credit 0.5 of 2
    assert score.total == pytest.approx((3 * 0.5 + 1 * 1.0) / 4)
    assert not score.passed


def test_early_actions_earn_late_credit_and_unnecessary_ones_cost_their_points(case):
    score = score_run(
        case,
        _log(
            (10, "oxygen non-rebreather 15 L/min"),
            (15, "normal saline 500 mL over 10 min"),
            (20, "stop oxygen"),
            (25, "oxygen non-rebreather 15 L/min"),
            (30, "stop oxygen"),
        ),
    )
    by_id = {r.item.id: r for r in score.actions}
    assert by_id["fluid"].status == "early" and by_id["fluid"].credit == 0.5
    assert by_id["noise"].status == "penalised" and by_id["noise"].count == 2
    breathing = next(o for o in score.objectives if o.id == "breathing")
    assert breathing.score == 0.0  # (2 - 2 penalties) / 2


def test_a_missed_action_named_by_a_critical_error_is_that_error(case):
    score = score_run(case, _log((20, "oxygen non-rebreather 15 L/min")))
    assert [e.id for e in score.errors] == ["no_fluid"]
    assert score.errors[0].time_s == 120.0  # the window's end
    assert score.gate_failures == ("no_fluid",)


def test_rescoring_after_the_case_changed_reads_the_same_log_by_the_new_rules(tmp_path, case):
    log = _log((20, "oxygen non-rebreather 15 L/min"), (40, "normal saline 500 mL over 10 min"))
    stricter = yaml.safe_load(CASE)
    stricter["phases"][0]["expected"][0]["window"] = ["0 s", "10 s"]
    path = tmp_path / "stricter.yaml"
    path.write_text(yaml.safe_dump(stricter), encoding="utf-8")
    assert score_run(case, log).passed
    assert score_run(load_case(path).case, log).gate_failures == ("late:o2",)


def _ward_log(*actions: tuple[float, str]) -> RunLog:
    """A log of the bundled ward case that stays in its first phase for 20 minutes."""
    entries = [
        Entry("start", 0.0, {"case": "deteriorating-ward-patient", "trainee": "test"}),
        Entry("phase", 0.0, {"phase": "observations", "trigger": "start"}),
    ]
    for time_s, order in actions:
        action = parse_order(order)
        entries.append(Entry("action", time_s, {"order": action.order(), "source": "trainee",
                                                "kind": action.kind,
                                                "action": action.model_dump()}))  # fmt: skip
    entries.append(Entry("end", 1200.0, {"reason": "duration", "outcome": None, "alive": True}))
    return RunLog(entries)


@pytest.mark.parametrize(
    ("actions", "status"),
    [
        ([(60.0, "NIBP every 5 min")], "on time"),
        ([(30.0, "NIBP every 15 min")], "on time"),  # any cycle counts
        ([(240.0, "measure NIBP")], "on time"),
        ([(600.0, "measure NIBP")], "late"),
        ([(60.0, "stop NIBP")], "missed"),  # letting the cuff down measures nothing
        ([], "missed"),
    ],
)
def test_the_ward_case_expects_a_blood_pressure_early(actions, status):
    """Issue 13: the cuff is an order, so a case scores the first blood pressure."""
    ward = load_case("deteriorating-ward-patient").case
    result = next(r for r in score_run(ward, _ward_log(*actions)).actions
                  if r.item.id == "blood_pressure")  # fmt: skip
    assert result.status == status
    assert (result.objective, result.item.action_class) == ("assessment", "recommended")


CALLOUT_CASE = """
name: callouts
title: Call-outs
objectives: [{id: team, text: Closed-loop communication}]
audience: [team]
difficulty: 1
sources: [test]
duration: 10 min
patient: {name: standard-male}
phases:
  - name: vf
    expected:
      - {id: shock, text: VF and shock, callout: {words: [VF, shock], within: 60},
         class: recommended}
      - {id: clear, text: Stand clear, callout: {words: [all clear], within: 5 min},
         class: recommended}
    transitions:
      - {to: done, when: {after: 8 min}}
  - {name: done, end: true}
"""


def _callout_log(*said: tuple[float, str]) -> RunLog:
    entries = [
        Entry("start", 0.0, {"case": "callouts", "trainee": "test"}),
        Entry("phase", 0.0, {"phase": "vf", "trigger": "start"}),
        *(Entry("callout", t, {"author": "tom", "text": text}) for t, text in said),
        Entry("end", 480.0, {"reason": "phase done", "outcome": None, "alive": True}),
    ]
    return RunLog(entries)


@pytest.fixture(scope="module")
def callout_case(tmp_path_factory):
    path = tmp_path_factory.mktemp("case") / "callouts.yaml"
    path.write_text(CALLOUT_CASE, encoding="utf-8")
    return load_case(path).case


@pytest.mark.parametrize(
    ("said", "status"),
    [
        ([(20.0, "vf on the monitor, shock at 200 J")], "on time"),  # any case
        ([(20.0, "VF!"), (40.0, "Shock now")], "missed"),  # both words in one message
        ([(20.0, "VFib, shocking")], "missed"),  # whole words only
        ([(90.0, "VF - shock")], "late"),
        ([], "missed"),
    ],
)
def test_a_callout_is_met_by_one_message_with_its_words_in_time(callout_case, said, status):
    score = score_run(callout_case, _callout_log(*said))
    assert {r.item.id: r.status for r in score.actions}["shock"] == status


def test_the_callouts_table_names_what_each_message_met(callout_case):
    from medtwin.training.scoring import callout_rows

    log = _callout_log((10.0, "Charging"), (20.0, "VF, shock, all clear"), (30.0, "VF shock"))
    rows = callout_rows(log, score_run(callout_case, log))
    assert [(r["time_s"], r["author"], [m["id"] for m in r["met"]]) for r in rows] == [
        (10.0, "tom", []),
        (20.0, "tom", ["shock", "clear"]),
        (30.0, "tom", []),  # already met
    ]
