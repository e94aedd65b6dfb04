"""Reading a FHIR R4 record: demographics, conditions, medications, vitals, errors."""

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medtwin.interop import InteropError
from medtwin.interop.fhir_bundle import load_bundle
from medtwin.interop.record import read_record

from .conftest import DATA

MARTINA = DATA / "martina_murazik.json"


def _bundle() -> dict:
    return json.loads(MARTINA.read_text(encoding="utf-8"))


def test_martina_demographics_conditions_and_medications():
    record = read_record(MARTINA)
    # Patient resource: born 1953-05-22, female; latest vital sign 2020-08-29 -> 67 years
    assert record.sex == "female"
    assert record.birth_date.isoformat() == "1953-05-22"
    assert record.age_years == 67
    assert {c.name for c in record.conditions} == {"copd", "heart_failure"}
    assert all(c.modelled and c.evidence[0].startswith("Condition/") for c in record.conditions)
    metoprolol = [m for m in record.medications if "metoprolol" in m.name]
    assert metoprolol[0].drug_class == "beta_blocker" and metoprolol[0].library_drug == "esmolol"
    # the 2019 set codes blood pressure as the old 55284-4 panel: both parts are read
    signals = {v.target for v in record.vitals}
    assert {"systolic_bp", "diastolic_bp"} <= signals


def test_unknown_codes_are_listed_with_counts_not_fatal():
    record = read_record(MARTINA)
    stroke = [i for i in record.ignored if i.code == "230690007"]  # Stroke: no model condition
    assert stroke and stroke[0].count == 1 and stroke[0].reason == "no rule for this code"
    pain = [i for i in record.ignored if i.code == "72514-3"]  # pain score, 10 in the bundle
    assert pain[0].count == 10


def test_a_childs_record_is_refused_naming_the_patient_and_age():
    with pytest.raises(InteropError) as error:
        read_record(DATA / "bibi_schowalter_juvenile.json")
    message = str(error.value)
    assert "Patient/475d72ca-91c7-7211-97e3-f000af33fc04" in message
    assert "age 10 years" in message and "18-100" in message


def test_a_unit_that_will_not_convert_names_the_resource():
    bundle = _bundle()
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if (
            resource["resourceType"] == "Observation"
            and resource["code"]["coding"][0]["code"] == "29463-7"
        ):
            resource["valueQuantity"]["code"] = "[stone_av]"
            rid = resource["id"]
            break
    with pytest.raises(InteropError, match=rf"Observation/{rid}.*'\[stone_av\]'.*allowed: .*kg"):
        read_record(bundle)


def test_weight_in_pounds_is_converted():
    bundle = _bundle()
    weights = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"]["code"]["coding"][0]["code"] == "29463-7"
    ]
    latest = max(weights, key=lambda r: r["effectiveDateTime"])
    kg = latest["valueQuantity"]["value"]
    latest["valueQuantity"] = {
        "value": kg / 0.45359237,
        "unit": "lb",
        "system": "http://unitsofmeasure.org",
        "code": "[lb_av]",
    }
    assert read_record(bundle).weight.value == pytest.approx(kg, rel=1e-9)


def test_missing_patient_and_malformed_entries_are_clear_errors():
    bundle = _bundle()
    no_patient = copy.deepcopy(bundle)
    no_patient["entry"] = [e for e in bundle["entry"] if e["resource"]["resourceType"] != "Patient"]
    with pytest.raises(InteropError, match="exactly one Patient resource is needed, found 0"):
        read_record(no_patient)
    broken = copy.deepcopy(bundle)
    broken["entry"][3] = {"fullUrl": "urn:uuid:x"}
    with pytest.raises(InteropError, match=r"Bundle.entry\[3\] has no resource"):
        read_record(broken)
    with pytest.raises(InteropError, match="is not a FHIR Bundle"):
        read_record({"resourceType": "Patient"})


def test_an_invalid_resource_is_named():
    bundle = _bundle()
    patient = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    patient["birthDate"] = "not-a-date"
    with pytest.raises(
        InteropError, match=f"Patient/{patient['id']}: not a valid FHIR R4 Patient: birthDate"
    ):
        read_record(bundle)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["resourceType", "type", "entry", "id"]), json_values, max_size=4
    )
)
def test_fuzz_bundle_envelope_gives_entries_or_interop_error(data):
    try:
        entries = load_bundle(data)
    except InteropError as error:
        assert str(error)
    else:
        assert all(isinstance(e.type, str) for e in entries)
