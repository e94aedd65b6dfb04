"""TRIAL.yaml validation: every refusal names the field, the value and what is allowed."""

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from medtwin.trials import TrialError, load_trial, parse_trial
from medtwin.trials.commands import bundled_trials

GLUCOSE = {"name": "t", "twin": "glucose", "arms": [{"name": "a", "controller": "basal"}]}


def test_bundled_trials_load():
    trials = bundled_trials()
    assert {"controllers-t1d", "vasopressors-post-induction"} <= set(trials)
    cardio = load_trial(trials["vasopressors-post-induction"])
    assert cardio.cohort.size() == 1000
    assert [arm.name for arm in cardio.arms] == ["no-vasopressor", "phenylephrine", "ephedrine"]
    assert load_trial(trials["controllers-t1d"]).cohort.size() == 30


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"twin": "kidney"}, "twin = 'kidney': allowed: 'glucose' or 'cardiopulmonary'"),
        (
            {"arms": [{"name": "a", "controller": "mpc"}]},
            "arms[0].controller = 'mpc': controller is not known; allowed: basal, basal-bolus",
        ),
        ({"days": 0}, "days = 0: Input should be greater than or equal to 1"),
        ({"meals": "7:00 45g, 25:00 3g"}, "meals = '7:00 45g, 25:00 3g'"),
        ({"outcomes": ["tir"]}, "outcomes = ['tir']: outcome 'tir' is not known; allowed:"),
        ({"cohort": {"patients": ["adult#042"]}}, "cohort.patients"),
        ({"colour": "red"}, "colour = 'red': Extra inputs are not permitted"),
        (
            {"arms": [{"name": "a", "controller": "basal"}, {"name": "a", "controller": "pid"}]},
            "must be different",
        ),
        ({"reference_arm": "b"}, "reference_arm = 'b': not an arm; allowed: a"),
    ],
)
def test_refusals_name_field_value_and_allowed(change, words):
    with pytest.raises(TrialError) as refused:
        parse_trial(GLUCOSE | change, "t.yaml")
    assert str(refused.value).startswith("t.yaml: ")
    assert words in str(refused.value)


def test_missing_field_and_bad_yaml(tmp_path):
    with pytest.raises(TrialError, match=r"t.yaml: arms: Field required"):
        parse_trial({"name": "t", "twin": "glucose"}, "t.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed", encoding="utf-8")
    with pytest.raises(TrialError, match="not valid YAML"):
        load_trial(bad)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.sampled_from(["name", "twin", "arms", "cohort",
                                                       "controller", "days", "meals"]),
                                      inner, max_size=4), max_leaves=12))  # fmt: skip
@settings(max_examples=150, deadline=None)
def test_any_data_loads_or_is_refused_with_a_message(data):
    try:
        parse_trial(data)
    except TrialError as refused:
        assert str(refused).startswith("trial: ")


def test_yaml_round_trip(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(GLUCOSE), encoding="utf-8")
    assert load_trial(path).arms[0].controller == "basal"
