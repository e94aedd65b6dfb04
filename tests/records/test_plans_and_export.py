"""What-if plans and FHIR export of the twin's vitals."""

import json
from datetime import UTC, datetime

import pytest
from fhir.resources.R4B.observation import Observation

from medtwin import Patient
from medtwin.assimilation.enkf import EnsembleKalmanFilter
from medtwin.interop.fhir_write import check_vital_signs, vital_observations
from medtwin.planning import PlanError, compare_plans, parse_plan

from .conftest import DATA

PATIENT = Patient(name="plans", sex="female", age_years=60, height_cm=165, weight_kg=70)


def test_refused_order_is_an_error_naming_the_plan():
    with pytest.raises(PlanError, match=r"plan .unobtainium 5 mg IV bolus.*drug library"):
        parse_plan("unobtainium 5 mg IV bolus", PATIENT)
    assert parse_plan("no change").orders == ()
    timed = parse_plan(
        "5 min: normal saline 250 mL over 10 min; norepinephrine 0.05 mcg/kg/min IV infusion"
    )
    assert [round(t) for t, _ in timed.orders] == [0, 300]


def test_norepinephrine_raises_pressure_against_no_change():
    members = EnsembleKalmanFilter(members=3, seed=0).fit(PATIENT).ensemble.snapshots()
    plans = [parse_plan("no change"), parse_plan("norepinephrine 0.1 mcg/kg/min IV infusion")]
    none, norepinephrine = compare_plans(members, plans, 600.0, every_s=60.0)
    # norepinephrine, an alpha-1 agonist, raises mean arterial pressure within minutes
    # (Surviving Sepsis Campaign 2021: first-line vasopressor to reach MAP 65 mmHg)
    assert norepinephrine.forecast.mean("mean_arterial_pressure")[-1] > (
        none.forecast.mean("mean_arterial_pressure")[-1] + 5
    )
    assert set(none.outcomes) == {"time_map_ge_65", "time_spo2_ge_92", "time_hr_41_130"}


def _profile_codes(name):
    profile = json.loads((DATA / f"{name}.profile.json").read_text(encoding="utf-8"))
    return {e["id"]: e.get("fixedCode") for e in profile["snapshot"]["element"] if "fixedCode" in e}


def test_exported_observations_validate_against_the_vital_signs_profiles():
    values = {"heart_rate": 72.0, "systolic_bp": 120.0, "diastolic_bp": 80.0, "spo2": 97.0}
    observations = vital_observations(
        values,
        datetime(2024, 5, 1, 12, tzinfo=UTC),
        "Patient/p1",
        ["Observation/a", "Observation/b"],
    )
    by_id = {o["id"]: o for o in observations}
    for observation in observations:
        Observation.model_validate(observation)
        assert check_vital_signs(observation) == []
        assert [d["reference"] for d in observation["derivedFrom"]] == [
            "Observation/a",
            "Observation/b",
        ]
    heart = _profile_codes("heartrate")
    assert (
        by_id["twin-heart-rate"]["code"]["coding"][0]["code"]
        == heart["Observation.code.coding:HeartRateCode.code"]
    )
    assert (
        by_id["twin-heart-rate"]["valueQuantity"]["code"]
        == heart["Observation.value[x]:valueQuantity.code"]
    )
    bp = _profile_codes("bp")
    components = [c["code"]["coding"][0]["code"] for c in by_id["twin-blood-pressure"]["component"]]
    assert components == [
        bp["Observation.component:SystolicBP.code.coding:SBPCode.code"],
        bp["Observation.component:DiastolicBP.code.coding:DBPCode.code"],
    ]
    units = [c["valueQuantity"]["code"] for c in by_id["twin-blood-pressure"]["component"]]
    assert units == [bp["Observation.component:SystolicBP.value[x].code"]] * 2
    assert (
        by_id["twin-blood-pressure"]["code"]["coding"][0]["code"]
        == bp["Observation.code.coding:BPCode.code"]
    )
    broken = dict(by_id["twin-heart-rate"], category=[])
    assert "category must include vital-signs" in check_vital_signs(broken)
