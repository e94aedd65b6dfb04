"""Action kinds: validation and refusals, the fluid table, and what each writes into
the engine's inputs for a patient."""

import math

import numpy as np
import pytest

from medtwin.actions import (
    FLUIDS,
    SITES,
    ActionContext,
    ActionError,
    DrugBolus,
    DrugInfusion,
    FluidInfusion,
    FollowUp,
    Haemorrhage,
    StopDrugInfusion,
    StopFluid,
    StopHaemorrhage,
    Treatments,
    UnknownFluidError,
    action_from_dict,
    fluid,
)
from medtwin.patients import Patient
from medtwin.physiology.heart import Heart
from medtwin.physiology.inputs import EngineInputs
from medtwin.physiology.layout import DRUG_SLOTS, DRUG_STATES, N_STATE
from medtwin.physiology.parameters import N_PARAM


def patient(weight_kg: float) -> Patient:
    return Patient(name="test", sex="male", age_years=40, height_cm=175, weight_kg=weight_kg)


def refusal(build, *args, **kwargs) -> str:
    with pytest.raises(ActionError) as caught:
        build(*args, **kwargs)
    return str(caught.value)


def test_drug_names_and_units_are_canonical():
    bolus = DrugBolus(drug="Propofol", dose=2, unit="MG/KG")
    assert (bolus.drug, bolus.dose, bolus.unit, bolus.route) == ("propofol", 2.0, "mg/kg", "IV")
    assert DrugBolus(drug="fentanyl", dose=1, unit="µg").unit == "mcg"
    assert DrugBolus(drug="fentanyl", dose=1, unit="ug/kg").unit == "mcg/kg"
    assert DrugInfusion(drug="norepinephrine", rate=0.1, unit="ug/kg/min").unit == "mcg/kg/min"


def test_actions_are_frozen_and_refuse_unknown_fields():
    bolus = DrugBolus(drug="propofol", dose=2, unit="mg/kg")
    with pytest.raises(ValueError):
        bolus.dose = 3.0  # type: ignore[misc]
    message = refusal(DrugBolus, drug="propofol", dose=2, unit="mg/kg", speed="fast")
    assert "unknown field speed = 'fast'" in message and "allowed fields" in message


@pytest.mark.parametrize(
    ("dose", "shown"), [(-2.0, "dose = -2.0"), (0.0, "dose = 0.0"), (math.nan, "dose = nan")]
)
def test_non_positive_or_nan_doses_are_refused(dose, shown):
    message = refusal(DrugBolus, drug="propofol", dose=dose, unit="mg/kg")
    assert shown in message
    assert "more than 0" in message or "not a finite number" in message


def test_a_refusal_names_every_problem_on_its_own_line():
    message = refusal(DrugInfusion, drug="propofol", rate=-1, unit="mL")
    lines = message.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("rate = -1")
    assert lines[1].startswith("unit = 'mL' does not fit drug propofol; use one of: mg/h")


def test_unknown_drug_names_close_matches_and_the_library():
    message = refusal(DrugBolus, drug="propfol", dose=2, unit="mg/kg")
    assert message.startswith("drug = 'propfol' is not in the drug library")
    assert "propofol" in message.split("library", 1)[1]


def test_units_that_do_not_fit_a_drug_are_refused_with_the_allowed_units():
    message = refusal(DrugBolus, drug="propofol", dose=20, unit="mL")
    assert (
        message == "unit = 'mL' does not fit drug propofol; use one of: g, mg, mcg, mg/kg, mcg/kg"
    )
    message = refusal(DrugBolus, drug="propofol", dose=2, unit="mg/kg/h")
    assert "a rate unit: order an infusion" in message
    message = refusal(DrugInfusion, drug="propofol", rate=2, unit="mg/kg")
    assert "a dose unit: order a bolus" in message and "mcg/kg/min" in message


def test_only_the_intravenous_route():
    message = refusal(DrugBolus, drug="propofol", dose=2, unit="mg/kg", route="IM")
    assert message == "route = 'IM' is not one of: 'IV'"


def test_fluid_forms_volume_over_time_or_rate():
    bag = FluidInfusion(fluid="Hartmann's", volume_mL=1000, duration_min=15)
    assert (bag.fluid, bag.volume_mL, bag.duration_min) == ("lactated Ringer's", 1000.0, 15.0)
    assert FluidInfusion(fluid="NS", rate_mL_per_h=125).fluid == "normal saline"
    assert StopFluid(fluid="0.9% sodium chloride").fluid == "normal saline"


@pytest.mark.parametrize(
    "fields",
    [
        {"volume_mL": 1000, "duration_min": 15, "rate_mL_per_h": 125},
        {"volume_mL": 1000},
        {"rate_mL_per_h": 125, "duration_min": 15},
        {},
    ],
)
def test_fluid_needs_exactly_one_form(fields):
    message = refusal(FluidInfusion, fluid="normal saline", **fields)
    assert "give volume_mL with duration_min, or rate_mL_per_h alone" in message
    for name, value in fields.items():
        assert f"{name} = {value!r}" in message


def test_unknown_fluid_suggests_close_names_and_lists_the_vocabulary():
    message = refusal(FluidInfusion, fluid="ringers", volume_mL=1000, duration_min=15)
    assert message.startswith("fluid = 'ringers' is not a known fluid; did you mean: lactated")
    assert "known fluids: lactated Ringer's, normal saline" in message
    with pytest.raises(UnknownFluidError, match="unknown fluid 'lemonade'"):
        fluid("lemonade")


def test_fluid_volume_and_rate_ranges():
    message = refusal(FluidInfusion, fluid="normal saline", volume_mL=20_000, duration_min=60)
    assert message == "volume_mL = 20000 is not allowed: must be more than 0 and at most 10000 mL"


def test_fluid_table_is_complete_and_cited():
    categories = {f.name: f.category for f in FLUIDS}
    assert categories == {
        "lactated Ringer's": "crystalloid",
        "normal saline": "crystalloid",
        "Plasma-Lyte": "crystalloid",
        "albumin 5 %": "colloid",
        "albumin 20 %": "colloid",
        "hydroxyethyl starch 6 %": "colloid",
        "packed red cells": "blood_product",
        "fresh frozen plasma": "blood_product",
        "whole blood": "blood_product",
    }
    assert fluid("PRBC").haematocrit == pytest.approx(0.6)
    assert fluid("FFP").protein_g_per_dL == pytest.approx(6.0)
    assert fluid("whole blood").haematocrit == pytest.approx(0.4)
    assert all(f.source and 0.0 <= f.haematocrit < 1.0 for f in FLUIDS)


def test_haemorrhage_forms_and_sites():
    assert Haemorrhage(rate_mL_per_min=150).site == "arterial"
    assert Haemorrhage(volume_mL=500, duration_min=10, site="splanchnic").site == "splanchnic"
    assert Haemorrhage(rate_mL_per_min=100, duration_min=5).duration_min == 5.0
    message = refusal(Haemorrhage, rate_mL_per_min=100, site="spleen")
    assert (
        message == "site = 'spleen' is not one of: 'arterial', 'venous', 'splanchnic', "
        "'muscle', 'chest_left' or 'chest_right'"
    )


@pytest.mark.parametrize(
    "fields",
    [{"rate_mL_per_min": 100, "volume_mL": 500}, {"volume_mL": 500}, {"duration_min": 5}, {}],
)
def test_haemorrhage_needs_a_rate_or_a_volume_over_a_time(fields):
    message = refusal(Haemorrhage, **fields)
    assert message.startswith("haemorrhage: give rate_mL_per_min (optionally with duration_min)")


def test_actions_from_dicts_round_trip_and_refuse_unknown_kinds():
    for action in (
        DrugBolus(drug="propofol", dose=2, unit="mg/kg"),
        StopDrugInfusion(drug="norepinephrine"),
        StopHaemorrhage(),
        FluidInfusion(fluid="albumin 5 %", volume_mL=250, duration_min=30),
    ):
        assert action_from_dict(action.model_dump()) == action
        assert action_from_dict(action.model_dump(mode="json")) == action
    message = str(refusal(action_from_dict, {"kind": "intubation"}))
    assert message.startswith("kind = 'intubation' is not one of: ")
    assert {"drug_bolus", "drug_infusion", "haemorrhage"} <= set(message.split(": ")[1].split(", "))


def context(weight_kg: float = 70.0) -> ActionContext:
    """A patient's engine inputs and drug amounts, empty, as an action sees them."""
    someone = patient(weight_kg)
    inputs = EngineInputs(np.zeros(N_PARAM))
    inputs.clear()
    return ActionContext(someone, 0.0, inputs, np.zeros((DRUG_SLOTS, DRUG_STATES)),
                         Treatments(someone), Heart(np.zeros(N_STATE)))  # fmt: skip


def test_per_kg_doses_are_given_for_the_patients_weight():
    for weight, expected_mg in ((70, 140.0), (50, 100.0)):
        given = context(weight)
        assert DrugBolus(drug="propofol", dose=2, unit="mg/kg").apply(given) == []
        slot = given.treatments.slots["propofol"]
        assert given.drug_amounts[slot, 0] == pytest.approx(expected_mg)
    given = context(80)
    DrugInfusion(drug="norepinephrine", rate=0.1, unit="mcg/kg/min").apply(given)
    slot = given.treatments.slots["norepinephrine"]
    assert given.inputs["DRUG_RATE"][slot] == pytest.approx(0.1 * 80 / 60)  # mcg/s
    StopDrugInfusion(drug="norepinephrine").apply(given)
    assert given.inputs["DRUG_RATE"][slot] == 0.0


def test_stopping_an_infusion_that_does_not_run_is_refused_and_changes_nothing():
    given = context()
    message = refusal(StopDrugInfusion(drug="norepinephrine").apply, given)
    assert message == "drug = 'norepinephrine': no norepinephrine infusion runs"
    assert given.treatments.slots == {}


def test_fifty_grams_of_fentanyl_are_refused_with_amount_and_limit():
    bolus = DrugBolus(drug="fentanyl", dose=50, unit="g")
    message = refusal(bolus.check, patient(70))
    assert message.startswith("dose = 50 g of fentanyl for a 70 kg patient: ")
    assert "5e+07 mcg" in message and "above the largest plausible bolus" in message
    given = context()
    assert refusal(bolus.apply, given) == message
    assert given.treatments.slots == {} and not given.drug_amounts.any()


def test_an_infusion_above_the_limit_is_refused():
    action = DrugInfusion(drug="norepinephrine", rate=50, unit="mcg/kg/min")
    message = refusal(action.check, patient(70))
    assert message.startswith("rate = 50 mcg/kg/min of norepinephrine for a 70 kg patient")


def test_fluids_and_haemorrhage_set_rates_and_schedule_their_ends():
    given = context()
    bag = FluidInfusion(fluid="LR", volume_mL=1000, duration_min=15).apply(given)
    assert given.inputs["INFUSION_RATE"] == pytest.approx(1000 / 900)
    assert bag == [FollowUp(900.0, StopFluid(fluid="lactated Ringer's"))]
    assert FluidInfusion(fluid="normal saline", rate_mL_per_h=125).apply(given) == []
    assert given.inputs["INFUSION_RATE"] == pytest.approx(1000 / 900 + 125 / 3600)
    StopFluid(fluid="normal saline").apply(given)
    assert given.inputs["INFUSION_RATE"] == pytest.approx(1000 / 900)
    bleed = Haemorrhage(volume_mL=500, duration_min=10, site="muscle").apply(given)
    muscle = SITES.index("muscle")
    assert given.inputs["HAEMORRHAGE_RATE"][muscle] == pytest.approx(500 / 600)
    assert bleed == [FollowUp(600.0, StopHaemorrhage(site="muscle"))]
    assert Haemorrhage(rate_mL_per_min=150).apply(given) == []
    assert given.inputs["HAEMORRHAGE_RATE"][SITES.index("arterial")] == pytest.approx(2.5)
    StopHaemorrhage().apply(given)
    assert not given.inputs["HAEMORRHAGE_RATE"].any()


def test_packed_red_cells_bring_red_cells_and_oxygen():
    """Stored red cells: the product's haematocrit (fluid table, AABB Technical Manual)
    carrying O2 at the saturation assumed for stored blood (0.75)."""
    given = context()
    FluidInfusion(fluid="packed red cells", volume_mL=300, duration_min=30).apply(given)
    red_cells = fluid("packed red cells")
    assert given.inputs["INFUSION_HCT"] == pytest.approx(red_cells.haematocrit)
    expected_o2 = 1.34 * 0.34 * red_cells.haematocrit * 0.75
    assert given.inputs["INFUSION_O2"] == pytest.approx(expected_o2)
