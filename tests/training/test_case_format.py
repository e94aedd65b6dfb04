"""The case format: a malformed or inconsistent case is refused at validation, every
problem with its line and path, so nothing fails at run time."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from medtwin.training import CaseError, load_case
from medtwin.training.conditions import condition_error, parse_condition
from medtwin.training.loading import bundled_cases
from medtwin.training.schema import case_schema, shipped_schema_text

MINIMAL = {
    "name": "mini",
    "title": "A minimal case",
    "objectives": [{"id": "care", "text": "Care well"}],
    "audience": ["nurse"],
    "difficulty": 1,
    "sources": ["a source"],
    "duration": "10 min",
    "patient": {"name": "standard-male"},
    "phases": [
        {
            "name": "one",
            "expected": [
                {
                    "id": "o2",
                    "text": "Oxygen",
                    "action": "oxygen nasal cannula 2 L/min",
                    "window": ["0 s", "2 min"],
                    "class": "critical",
                }
            ],
            "transitions": [{"to": "two", "when": {"after": "3 min"}}],
        },
        {"name": "two", "end": True},
    ],
}


def _write(tmp_path: Path, data: dict, name: str = "case.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(CaseError) as caught:
        load_case(path)
    return caught.value.lines()


def test_a_minimal_case_is_valid(tmp_path):
    loaded = load_case(_write(tmp_path, MINIMAL))
    assert loaded.case.duration == 600.0
    assert loaded.case.phases[0].expected[0].window == (0.0, 120.0)
    assert loaded.patient.name == "standard-male"


def test_every_problem_is_reported_at_once_with_its_line_and_path(tmp_path):
    bad = json.loads(json.dumps(MINIMAL))
    phase = bad["phases"][0]
    phase["on_enter"] = ["propofl 2 mg/kg IV bolus"]  # unknown drug
    phase["transitions"].append({"to": "nowhere", "when": {"condition": "sats < 85 for 30 s"}})
    phase["expected"].append(
        {
            "id": "late",
            "text": "x",
            "action": "stop CPR",
            "window": ["4 min", None],
            "class": "recommended",
        }
    )
    bad["phases"].append({"name": "island", "end": True})
    path = _write(tmp_path, bad)
    problems = _problems(path)
    lines = path.read_text().splitlines()
    expected = {
        "phases[0].on_enter[0]": "drug = 'propofl' is not in the drug library",
        "phases[0].transitions[1].to": "to = 'nowhere' is not a phase of the case",
        "phases[0].transitions[1].when.condition": "unknown signal 'sats'",
        "phases[0].expected[1].window": "the phase is left after 3:00 at the latest",
        "phases[2].name": "phase 'island' cannot be reached",
    }
    assert len(problems) == len(expected)
    for path_text, words in expected.items():
        (line,) = [p for p in problems if f": {path_text}: " in p]
        assert words in line
        number = int(re.match(rf"{re.escape(str(path))}:(\d+): ", line)[1])
        key = path_text.rsplit(".", 1)[-1].split("[")[0]
        assert key in lines[number - 1] or "- " in lines[number - 1], (line, lines[number - 1])


def test_a_dose_over_the_limit_for_this_patient_is_refused(tmp_path):
    bad = json.loads(json.dumps(MINIMAL))
    bad["start"] = ["epinephrine 50 mg IV bolus"]
    (problem,) = _problems(_write(tmp_path, bad))
    assert "start[0]" in problem and "epinephrine" in problem


def test_a_window_that_opens_after_the_case_ends_is_refused(tmp_path):
    bad = json.loads(json.dumps(MINIMAL))
    bad["phases"][0]["expected"][0]["window"] = ["11 min", None]
    bad["phases"][0]["expected"][0]["relative_to"] = "case"
    (problem,) = _problems(_write(tmp_path, bad))
    assert "window opens at 11:00 at the earliest, not before the case ends at 10:00" in problem


def test_format_errors_name_the_key_the_value_and_what_is_allowed(tmp_path):
    bad = json.loads(json.dumps(MINIMAL))
    bad["difficulty"] = 9
    bad["phases"][0]["expected"][0]["class"] = "important"
    bad["phases"][0]["transitions"][0]["when"] = {"after": "3 min", "event": "bell"}
    bad["colour"] = "blue"
    problems = _problems(_write(tmp_path, bad))
    text = "\n".join(problems)
    assert "difficulty = 9 is not allowed: must be at least 1 and at most 5" in text
    assert "class = 'important' is not one of: 'critical'" in text
    assert "when: give exactly one of after, at, condition" in text
    assert "unknown key colour = 'blue'" in text
    assert all(re.match(r".*case\.yaml:\d+: ", p) for p in problems)


def test_a_key_given_twice_and_broken_yaml_are_refused_with_their_lines(tmp_path):
    path = tmp_path / "twice.yaml"
    path.write_text("name: a\ntitle: x\nname: b\n", encoding="utf-8")
    assert _problems(path) == [f"{path}:3: name: is given twice (a key may appear once)"]
    path.write_text("name: a\ntitle: [x\n", encoding="utf-8")
    (problem,) = _problems(path)
    assert problem.startswith(f"{path}:") and "not valid YAML" in problem


def test_every_bundled_case_is_valid():
    for name in bundled_cases():
        assert load_case(name).case.name == name


def test_the_shipped_json_schema_is_the_models_schema():
    """Regenerate with `python -m medtwin.training.schema` when the models change."""
    assert json.loads(shipped_schema_text()) == case_schema()
    schema = case_schema()
    assert {"phases", "objectives", "patient", "duration"} <= set(schema["required"])
    assert schema["$defs"]["ExpectedAction"]["properties"]["class"]["enum"] == [
        "critical",
        "recommended",
        "neutral",
        "unnecessary",
        "harmful",
    ]


def test_conditions_read_signals_comparisons_holds_and_rhythms():
    condition = parse_condition("spo2 < 85 for 30 s")
    assert (condition.signal, condition.op, condition.threshold, condition.hold_s) == (
        "spo2",
        "<",
        85.0,
        30.0,
    )
    assert condition.holds({"spo2": 80.0}, "sinus")
    assert not condition.holds({"spo2": float("nan")}, "vf"), "no reading meets no comparison"
    assert parse_condition("mean_arterial_pressure <= 50 mmHg").unit == "mmHg"
    rhythm = parse_condition("rhythm is not ventricular fibrillation for 1 min")
    assert (rhythm.rhythm, rhythm.negated, rhythm.hold_s) == ("vf", True, 60.0)
    assert condition_error("spo2 < 85 mmHg") == "condition 'spo2 < 85 mmHg': spo2 is in %, not mmHg"
    assert "did you mean spo2" in condition_error("spo3 < 85")
    assert "engine does not compute it yet" in condition_error("sodium < 120")
    assert condition_error("news2 >= 7 for 60 s") is None


CONDITION_TEXT = st.one_of(
    st.text(max_size=40),
    st.builds(
        lambda s, op, n, h: f"{s} {op} {n}{h}",
        st.sampled_from(["spo2", "heart_rate", "news2", "rhythm", "x"]),
        st.sampled_from(["<", "<=", ">", ">=", "==", "!=", "=<", "is"]),
        st.one_of(st.floats(allow_nan=True), st.integers()),
        st.sampled_from(["", " for 30 s", " for soon", " for -1 s", " mmHg"]),
    ),
)


@settings(max_examples=300, deadline=None)
@given(CONDITION_TEXT)
def test_any_condition_text_is_read_or_refused_in_words(text):
    problem = condition_error(text)
    assert problem is None or (isinstance(problem, str) and problem.strip())


@pytest.mark.fuzz
@settings(max_examples=10_000, deadline=None)
@given(CONDITION_TEXT)
def test_fuzz_the_condition_parser(text):
    test_any_condition_text_is_read_or_refused_in_words.hypothesis.inner_test(text)


@st.composite
def mutated_cases(draw):
    data = json.loads(json.dumps(MINIMAL))
    path = draw(
        st.sampled_from(
            [
                ("difficulty",),
                ("duration",),
                ("phases", 0, "name"),
                ("phases", 0, "expected", 0, "window"),
                ("phases", 0, "transitions", 0, "when"),
                ("patient",),
                ("phases", 0, "expected", 0, "action"),
            ]
        )
    )
    value = draw(
        st.one_of(
            st.none(),
            st.integers(),
            st.text(max_size=20),
            st.lists(st.text(max_size=5), max_size=3),
            st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
        )
    )
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


@settings(max_examples=60, deadline=None)
@given(mutated_cases())
def test_any_mangled_case_is_loaded_or_refused_with_located_problems(tmp_path_factory, data):
    path = _write(tmp_path_factory.mktemp("fuzz"), data)
    try:
        load_case(path)
    except CaseError as error:
        assert error.problems and all(p.message.strip() for p in error.problems)


def test_a_callout_is_expected_within_its_time_and_needs_no_order(tmp_path):
    data = json.loads(json.dumps(MINIMAL))
    data["phases"][0]["expected"].append(
        {
            "id": "say",
            "text": "Call for help",
            "callout": {"words": ["help"], "within": 60},
            "class": "recommended",
        }
    )
    item = load_case(_write(tmp_path, data)).case.phases[0].expected[1]
    assert (item.callout.words, item.window, item.action) == (["help"], (0.0, 60.0), None)
    for change, says in (
        ({"action": "stop oxygen"}, "give either action (orders) or callout"),
        ({"window": ["0 s", "2 min"]}, "a call-out's window is its within"),
        ({"callout": {"words": [], "within": 60}}, "words"),
    ):
        bad = json.loads(json.dumps(data))
        bad["phases"][0]["expected"][1].update(change)
        problems = "\n".join(_problems(_write(tmp_path, bad)))
        assert says in problems, problems


def test_a_cases_monitor_may_show_any_lead_the_monitor_offers(tmp_path):
    case = {**MINIMAL, "monitor": {"waves": ["ecg_v1", "ecg_ii", "arterial_pressure"]}}
    assert load_case(_write(tmp_path, case)).case.monitor.waves[0] == "ecg_v1"
    problems = "\n".join(_problems(_write(tmp_path, {**MINIMAL, "monitor": {"waves": ["ecg_v3"]}})))
    assert "monitor.waves[0]: 'ecg_v3' is not one of: 'ecg_ii'," in problems
    assert "'ecg_v1' or 'ecg_v5'" in problems  # what is allowed
