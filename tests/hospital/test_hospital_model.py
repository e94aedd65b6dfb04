"""Model files, arrival profiles, distributions and scenarios: loading, checking, fuzzing."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medtwin.hospital import ModelError, apply_scenario, load_model, model_from_dict
from medtwin.hospital.arrivals import arrival_times_min, read_profile_csv
from medtwin.hospital.distributions import Lognormal, TruncatedNormal

DATA = Path(__file__).parents[1] / "data" / "hospital"
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip


@pytest.fixture(scope="module")
def centre():
    return load_model("treatment-centre")


def test_the_bundled_model_has_nelsons_published_parameters(centre):
    """Nelson (2013) ex. 13 as in treat-sim 3.0.0's DEFAULT_* constants."""
    assert centre.activities["triage"].duration.mean == 3.0
    assert centre.activities["registration"].duration.variance == 2.0
    assert centre.activities["examination"].duration.minimum_min == 0.5
    assert centre.activities["trauma"].duration.mean == 90.0
    assert centre.classes["trauma"].probability == 0.12
    assert centre.classes["non_trauma"].routing["examination"] == {
        "treatment_non_trauma": 0.6, "exit": 0.4,
    }  # fmt: skip
    assert {r: centre.resources[r].count for r in ("triage", "exam", "trauma")} == {
        "triage": 1, "exam": 3, "trauma": 2,
    }  # fmt: skip
    assert centre.arrivals.start_hour == 6 and len(centre.arrivals.rates_per_hour) == 18
    assert centre.arrivals.rates_per_hour[6] == pytest.approx(31.4)  # 12-1 pm peak
    assert centre.run.length_min == 19 * 60


def error_of(change) -> str:
    data = load_model("treatment-centre").model_dump(by_alias=True)
    change(data)
    with pytest.raises(ModelError) as caught:
        model_from_dict(data)
    return str(caught.value)


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: d["classes"]["trauma"].update(probability=0.2),
     "classes: probabilities add up to 1.08; they must add up to 1"),
    (lambda d: d["classes"]["trauma"]["routing"].update(trauma="xray"),
     "classes.trauma.routing.trauma: 'xray' is not defined"),
    (lambda d: d["classes"]["trauma"]["routing"].update(treatment_trauma="trauma"),
     "can never reach 'exit'"),
    (lambda d: d["classes"]["non_trauma"]["routing"]["examination"].update(exit=0.5),
     "classes.non_trauma.routing.examination: branch probabilities add up to 1.1"),
    (lambda d: d["activities"]["triage"]["duration"].update(distribution="lognorm"),
     "activities.triage.duration: Input tag 'lognorm'"),
    (lambda d: d["activities"]["triage"]["duration"].update(mean=-1),
     "activities.triage.duration.mean: Input should be greater than 0 (got -1)"),
    (lambda d: d["resources"]["exam"].update(count=0),
     "resources.exam.count: count 0 must be a whole number of 1 or more, or 'unlimited'"),
    (lambda d: d["run"].update(warm_up_min=2000),
     "warm_up_min 2000 must be shorter than length_min 1140"),
    (lambda d: d["kpis"]["triage_wait"].update(resource="exam"),
     "kpis.triage_wait: measure 'mean_wait' does not take a resource"),
    (lambda d: d["activities"]["triage"].update(resource="robot"),
     "activities.triage.resource: 'robot' is not defined"),
    (lambda d: d.update(colour="red"), "colour: unknown field"),
])  # fmt: skip
def test_a_bad_model_is_refused_naming_the_field_and_the_value(change, expected):
    assert expected in error_of(change)


def test_unknown_model_names_the_bundled_ones():
    with pytest.raises(ModelError, match="unknown model 'tc'; bundled models: treatment-centre"):
        load_model("tc")


def test_a_fragment_extends_a_model_and_changes_one_field(tmp_path):
    fragment = tmp_path / "faster.yaml"
    fragment.write_text(yaml.safe_dump({
        "extends": str(DATA / "clinic.yaml"),
        "activities": {"consultation": {"duration": {"distribution": "fixed", "value": 1.0}}},
        "run": {"length_min": 300},
    }))  # fmt: skip
    model = load_model(fragment)
    assert model.activities["consultation"].duration.mean == 1.0
    assert model.activities["consultation"].resource == "nurse"  # kept from the base
    assert model.run.length_min == 300 and model.run.warm_up_min == 60
    assert model.arrivals.rates_per_hour == [30.0] * 10  # the base's CSV, beside the base


@pytest.mark.parametrize(("text", "message"), [
    ("hour,rate\n6,1\n", "columns are hour, rate; expected exactly hour, arrivals_per_hour"),
    ("hour,arrivals_per_hour\n6,1\n8,2\n", "row 3 hour 8 does not follow hour 6"),
    ("hour,arrivals_per_hour\n6,-1\n", "row 2 arrivals_per_hour '-1' must be a finite number"),
    ("hour,arrivals_per_hour\n6.5,1\n", "row 2 hour '6.5' must be a whole clock hour"),
    ("hour,arrivals_per_hour\n6,lots\n", "row 2 arrivals_per_hour 'lots' is not a number"),
    ("hour,arrivals_per_hour\n", "no rows"),
    ("", "the file is empty"),
])  # fmt: skip
def test_a_bad_arrival_profile_is_refused_naming_the_row(tmp_path, text, message):
    path = tmp_path / "profile.csv"
    path.write_text(text)
    with pytest.raises(ModelError, match=message.replace("(", r"\(")):
        read_profile_csv(path)


def test_profile_hours_may_cross_midnight(tmp_path):
    path = tmp_path / "night.csv"
    path.write_text("hour,arrivals_per_hour\n22,1\n23,2\n0,3\n")
    assert read_profile_csv(path) == (22, [1.0, 2.0, 3.0])


def test_arrivals_follow_the_profile_hour_by_hour():
    """The NSPP count in each hour is Poisson with that hour's rate: mean and variance."""
    rates = np.array([5.0, 0.0, 40.0])
    counts = np.array([
        np.histogram(arrival_times_min(rates, 180.0, np.random.default_rng(s)),
                     bins=[0, 60, 120, 180])[0]
        for s in range(400)
    ])  # fmt: skip
    np.testing.assert_allclose(counts.mean(axis=0), rates, atol=0.8)
    assert counts[:, 1].sum() == 0
    assert counts[:, 2].var() == pytest.approx(40.0, rel=0.2)


def test_a_lognormal_by_mean_and_variance_has_that_mean_and_variance():
    draws = Lognormal(distribution="lognormal", mean=5.0, variance=2.0).sample(
        np.random.default_rng(1), 200_000
    )
    assert draws.mean() == pytest.approx(5.0, rel=0.01)
    assert draws.var() == pytest.approx(2.0, rel=0.03)


def test_a_truncated_normal_stays_within_its_bounds_with_the_truncated_mean():
    spec = TruncatedNormal(distribution="truncated_normal", mean=1.0, variance=4.0, minimum=0.5)
    draws = spec.sample(np.random.default_rng(2), 100_000)
    assert draws.min() >= 0.5
    assert draws.mean() == pytest.approx(spec.mean, rel=0.01)
    assert spec.mean > 1.0  # cutting off the low tail raises the mean


def test_scenarios_change_counts_rates_and_parameters(centre):
    changed = apply_scenario(centre, "exam=4, arrivals*1.2@11-14, examination.mean=12")
    assert changed.resources["exam"].count == 4
    rates, base = changed.arrivals.rates_per_hour, centre.arrivals.rates_per_hour
    assert rates[5:8] == pytest.approx([r * 1.2 for r in base[5:8]])  # 11:00, 12:00, 13:00
    assert rates[:5] == base[:5] and rates[8:] == base[8:]
    assert changed.activities["examination"].duration.mean_min == 12
    assert centre.resources["exam"].count == 3  # the base is left as it was


@pytest.mark.parametrize(("text", "message"), [
    ("xray=2", "'xray' is not a resource; resources: triage"),
    ("arrivals*1.2@14-11", "hours 14-11 must be clock hours"),
    ("examination.sd=2", "the truncated_normal duration of examination has parameters mean"),
    ("exam=0", "resources.exam.count: count 0 must be"),
    ("exam==4", "is not understood"),
    ("", "empty change"),
])  # fmt: skip
def test_a_bad_scenario_is_refused_with_what_is_allowed(centre, text, message):
    with pytest.raises(ModelError, match=message.replace("*", r"\*")):
        apply_scenario(centre, text)


@FUZZ
@given(st.text(alphabet="abcdegimnorstux_=*.,@-0123456789 ", max_size=30))
def test_fuzz_scenario_texts_apply_or_are_refused_cleanly(centre, text):
    try:
        changed = apply_scenario(centre, text)
    except ModelError as error:
        assert str(error)
    else:
        assert changed.run == centre.run


@FUZZ
@given(st.text(max_size=120))
def test_fuzz_arrival_profile_files_load_or_are_refused_cleanly(tmp_path, text):
    path = tmp_path / "fuzz.csv"
    path.write_text("hour,arrivals_per_hour\n" + text, encoding="utf-8")
    try:
        start_hour, rates = read_profile_csv(path)
    except ModelError as error:
        assert str(path) in str(error)
    else:
        assert 0 <= start_hour <= 23 and all(math.isfinite(r) and r >= 0 for r in rates)


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=True),
                    st.text(max_size=6))  # fmt: skip


@FUZZ
@given(st.data())
def test_fuzz_model_mappings_validate_or_are_refused_cleanly(centre, data):
    """Replace one value anywhere in the bundled model: a valid model or a ModelError."""
    model = copy.deepcopy(centre.model_dump(by_alias=True))
    node, path = model, []
    while isinstance(node, dict) and node:
        key = data.draw(st.sampled_from(sorted(node, key=str)))
        path.append(key)
        if not isinstance(node[key], dict) or data.draw(st.booleans()):
            node[key] = data.draw(SCALARS)
            break
        node = node[key]
    try:
        model_from_dict(model)
    except ModelError as error:
        assert str(error).startswith("model: ")


def test_a_run_longer_than_a_year_is_refused_before_any_memory_is_taken():
    """Found by the fuzz test: length_min 2.7e11 tried to allocate 33 GiB."""
    assert "run.length_min: Input should be less than or equal to 527040" in error_of(
        lambda d: d["run"].update(length_min=269541319088.0)
    )
