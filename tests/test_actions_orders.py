"""Readable orders: every example formats and parses; any action survives a round trip."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medtwin.actions import (
    FLUIDS,
    SITES,
    ActionError,
    DrugBolus,
    DrugInfusion,
    FluidInfusion,
    Haemorrhage,
    StopDrugInfusion,
    StopFluid,
    StopHaemorrhage,
    parse_order,
)
from medtwin.actions.units import BOLUS_UNITS, INFUSION_UNITS
from medtwin.pharmacology import drugs

EXAMPLES = {
    "propofol 2 mg/kg IV bolus": DrugBolus(drug="propofol", dose=2, unit="mg/kg"),
    "norepinephrine 0.1 mcg/kg/min IV infusion": DrugInfusion(
        drug="norepinephrine", rate=0.1, unit="mcg/kg/min"
    ),
    "stop norepinephrine infusion": StopDrugInfusion(drug="norepinephrine"),
    "haemorrhage 150 mL/min": Haemorrhage(rate_mL_per_min=150),
    "haemorrhage 100 mL/min for 5 min": Haemorrhage(rate_mL_per_min=100, duration_min=5),
    "haemorrhage 500 mL over 10 min from splanchnic site": Haemorrhage(
        volume_mL=500, duration_min=10, site="splanchnic"
    ),
    "stop haemorrhage": StopHaemorrhage(),
    "stop haemorrhage from venous site": StopHaemorrhage(site="venous"),
    "lactated Ringer's 1000 mL over 15 min": FluidInfusion(
        fluid="lactated Ringer's", volume_mL=1000, duration_min=15
    ),
    "normal saline 125 mL/h": FluidInfusion(fluid="normal saline", rate_mL_per_h=125),
    "stop normal saline": StopFluid(fluid="normal saline"),
    "packed red cells 300 mL over 20 min": FluidInfusion(
        fluid="packed red cells", volume_mL=300, duration_min=20
    ),
}


@pytest.mark.parametrize(("text", "action"), EXAMPLES.items())
def test_examples_format_and_parse(text, action):
    assert action.order() == text
    assert action.order() == text
    assert str(action) == text
    assert parse_order(text) == action


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Propofol   2mg/kg bolus", "propofol 2 mg/kg IV bolus"),
        ("PROPOFOL 200 MG", "propofol 200 mg IV bolus"),
        ("fentanyl 1e2 µg", "fentanyl 100 mcg IV bolus"),
        ("fentanyl 50 ug IV", "fentanyl 50 mcg IV bolus"),
        ("Norepinephrine .1 mcg/kg/min", "norepinephrine 0.1 mcg/kg/min IV infusion"),
        ("norepinephrine 5 ug/min iv infusion", "norepinephrine 5 mcg/min IV infusion"),
        ("stop Norepinephrine", "stop norepinephrine infusion"),
        ("Hartmann’s 1,000 ml over 0.25 h", "lactated Ringer's 1000 mL over 15 min"),
        ("Ringer's lactate 500 mL over 900 s", "lactated Ringer's 500 mL over 15 min"),
        ("0.9% sodium chloride 125 ml/hr", "normal saline 125 mL/h"),
        ("albumin 5% 250 mL over 30 min", "albumin 5 % 250 mL over 30 min"),
        ("FFP 250 mL over 30 min", "fresh frozen plasma 250 mL over 30 min"),
        ("stop saline infusion", "stop normal saline"),
        ("Hemorrhage 150 ml/min.", "haemorrhage 150 mL/min"),
        ("bleeding 100 mL/min for 5 min from muscle",
         "haemorrhage 100 mL/min for 5 min from muscle site"),
        ("haemorrhage 500 mL over 10 min from arterial site", "haemorrhage 500 mL over 10 min"),
        ("Stop bleeding", "stop haemorrhage"),
    ],
)  # fmt: skip
def test_flexible_spellings_parse_to_the_canonical_order(text, canonical):
    assert parse_order(text).order() == canonical


def refusal(text: str) -> ActionError:
    with pytest.raises(ActionError) as caught:
        parse_order(text)
    return caught.value


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("propofol -2 mg/kg IV bolus", "dose = -2.0 is not allowed: must be more than 0"),
        ("propofol 0 mg", "dose = 0.0 is not allowed"),
        ("propofol nan mg", "dose = nan is not a finite number"),
        ("propfol 2 mg/kg IV bolus", "drug = 'propfol' is not in the drug library"),
        ("propofol 20 mL", "unit = 'mL' does not fit drug propofol; use one of: g, mg"),
        ("propofol 2 mg/kg IM bolus", "route = 'IM' is not one of: 'IV'"),
        ("propofol 2 mg/kg infusion", "unit = 'mg/kg' does not fit drug propofol (a dose unit"),
        ("dextrose 5% 1000 mL over 1 h", "fluid = 'dextrose 5%' is not a known fluid"),
        ("haemorrhage 100 mL/min from spleen", "site = 'spleen' is not one of: 'arterial'"),
        ("haemorrhage 500 mL over -10 min", "duration_min = -10.0 is not allowed"),
        ("stop ringers", "stop 'ringers': neither a drug nor a fluid"),
    ],
)
def test_orders_that_are_read_but_refused(text, start):
    assert str(refusal(text)).startswith(start)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("normal saline 2 mg/kg/min", "unit 'mg/kg/min' does not fit a fluid"),
        ("normal saline 1000 mL", "give '<volume> mL over <time>' or '<rate> mL/h'"),
        ("haemorrhage 500 mL", "a haemorrhage is '<rate> mL/min [for <time>]'"),
        ("haemorrhage 500 mL over 10 fortnights", "time unit 'fortnights' is not one of"),
        ("give the patient some propofol", "expected a drug, fluid or haemorrhage order"),
        ("", "an order is a non-empty line of text"),
    ],
)
def test_orders_not_understood_say_why_and_show_the_accepted_forms(text, reason):
    error = refusal(text)
    assert reason in error.problems[0]
    assert error.problems[0].startswith(f"order {text!r} not understood")
    assert "accepted orders:" in str(error)
    assert "lactated Ringer's 1000 mL over 15 min" in str(error)


DRUGS = tuple(found.name for found in drugs())
positive = st.floats(min_value=0.0, exclude_min=True, allow_nan=False, allow_infinity=False)


def bounded(high: float) -> st.SearchStrategy[float]:
    return st.floats(min_value=0.0, max_value=high, exclude_min=True, allow_nan=False)


fluid_names = st.sampled_from([f.name for f in FLUIDS])


@st.composite
def volume_over_time(draw, fastest_mL_per_min: float) -> dict[str, float]:
    """A volume and a duration no faster than `fastest_mL_per_min` (the kinds refuse
    faster: a rapid infuser, a whole cardiac output)."""
    volume = draw(bounded(10_000))
    shortest_min = max(volume / fastest_mL_per_min * 1.000001, 1e-9)  # never 0 (refused)
    slowest = st.floats(min_value=shortest_min, max_value=1440)
    return {"volume_mL": volume, "duration_min": draw(slowest)}


def _just(values: dict[str, float]) -> dict[str, st.SearchStrategy[float]]:
    return {name: st.just(value) for name, value in values.items()}


actions = st.one_of(
    st.builds(DrugBolus, drug=st.sampled_from(DRUGS), dose=positive,
              unit=st.sampled_from(BOLUS_UNITS)),
    st.builds(DrugInfusion, drug=st.sampled_from(DRUGS), rate=positive,
              unit=st.sampled_from(INFUSION_UNITS)),
    st.builds(StopDrugInfusion, drug=st.sampled_from(DRUGS)),
    volume_over_time(1000.0).flatmap(
        lambda given: st.builds(FluidInfusion, fluid=fluid_names, **_just(given))),
    st.builds(FluidInfusion, fluid=fluid_names, rate_mL_per_h=bounded(60_000)),
    st.builds(StopFluid, fluid=fluid_names),
    st.builds(Haemorrhage, rate_mL_per_min=bounded(5000),
              duration_min=st.none() | bounded(1440), site=st.sampled_from(SITES)),
    volume_over_time(5000.0).flatmap(
        lambda given: st.builds(Haemorrhage, site=st.sampled_from(SITES), **_just(given))),
    st.builds(StopHaemorrhage, site=st.none() | st.sampled_from(SITES)),
)  # fmt: skip


@given(actions)
def test_every_action_survives_a_round_trip_through_its_order(action):
    assert parse_order(action.order()) == action
