"""A patient's record read from FHIR R4: who they are, their conditions, medicines and vitals.

`read_record(bundle, reference_bundles)` reads one patient's Bundle (Synthea output:
transaction or batch, `urn:uuid` or conditional references, US Core profiles or not):
- the Patient (exactly one): birth date -> age on the record's date, gender;
- the latest body height and weight, and every vital-sign Observation by LOINC code
  (`fhir_vitals`), converted to medtwin's units;
- active Conditions, mapped from SNOMED CT to medtwin's conditions (`conditions_map`);
- active MedicationRequests, listed and matched to drug-library classes (`medications`).
Codes no rule knows are listed as ignored, with counts; they are not errors. The record's
date (`as_of`) is the time of its latest vital-sign Observation unless given.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from medtwin.interop.conditions_map import (
    ACTIVE_STATUSES,
    CONDITION_RULES,
    SNOMED_SYSTEM,
    severity_for,
)
from medtwin.interop.fhir_bundle import Entry, ResourceIndex, load_bundle
from medtwin.interop.fhir_resources import as_utc, codings, validated
from medtwin.interop.fhir_vitals import ObservedValue, known_code, observed_values
from medtwin.interop.measurement import InteropError
from medtwin.interop.medications import classify
from medtwin.patients import Patient, PatientError, hemoglobin_g_per_dL
from medtwin.patients.model import ALLOWED_RANGES

BundleSource = str | os.PathLike | Mapping[str, Any]


@dataclass(frozen=True)
class RecordCondition:
    """A medtwin condition found in the record, with the Conditions that gave it."""

    name: str
    severity: float
    severity_basis: str
    rule: str
    modelled: bool
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class RecordMedication:
    """An active MedicationRequest and the drug-library class it matches, if any."""

    resource: str
    name: str
    rxnorm: str
    authored: str | None
    drug_class: str | None
    atc: str | None
    library_drug: str | None


@dataclass(frozen=True)
class IgnoredCode:
    """Resources not used, grouped by type, code and reason, with how many there were."""

    resource_type: str
    system: str
    code: str
    display: str
    reason: str
    count: int


@dataclass(frozen=True)
class PatientRecord:
    """What the twin takes from one patient's FHIR record."""

    patient_resource: str
    name: str
    sex: str
    birth_date: date
    as_of: datetime
    age_years: float
    height: ObservedValue
    weight: ObservedValue
    conditions: tuple[RecordCondition, ...]
    medications: tuple[RecordMedication, ...]
    vitals: tuple[ObservedValue, ...]
    ignored: tuple[IgnoredCode, ...]
    bundles: tuple[str, ...]
    resource_counts: dict[str, int]
    unresolved_references: dict[str, int]

    def patient(self, overrides: Mapping[str, float] | None = None) -> Patient:
        """The record's Patient: demographics and the conditions the engine models."""
        modelled = {c.name: c.severity for c in self.conditions if c.modelled and c.severity > 0}
        try:
            return Patient(
                name=self.name,
                sex=self.sex,
                age_years=self.age_years,
                height_cm=self.height.value,
                weight_kg=self.weight.value,
                overrides=dict(overrides or {}),
                conditions=modelled,
                source=f"FHIR record {self.patient_resource} ({', '.join(self.bundles)}), "
                f"as of {self.as_of.date().isoformat()}",
            )
        except PatientError as error:
            raise InteropError(*(f"{self.patient_resource}: {p}" for p in error.problems)) from None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["birth_date"] = self.birth_date.isoformat()
        data["as_of"] = self.as_of.isoformat()
        for key in ("height", "weight"):
            data[key]["time"] = getattr(self, key).time.isoformat()
        for value in data["vitals"]:
            value["time"] = value["time"].isoformat()
        return data


def read_record(
    bundle: BundleSource,
    reference_bundles: Iterable[BundleSource] = (),
    as_of: datetime | None = None,
) -> PatientRecord:
    """Read one patient's record from a FHIR R4 Bundle (see the module docstring)."""
    entries = load_bundle(bundle)
    references = [entry for source in reference_bundles for entry in load_bundle(source)]
    index = ResourceIndex(entries, references)
    patient_entry = _the_patient(entries, entries[0].bundle if entries else str(bundle))
    patient = validated(patient_entry)
    ignored: Counter[tuple[str, str, str, str, str]] = Counter()
    values = _observations(index, patient_entry, ignored)
    vitals = sorted(
        (v for v in values if v.target not in ("height_cm", "weight_kg", "bmi")),
        key=lambda v: v.time,
    )
    if as_of is None:
        if not values:
            raise InteropError(f"{patient_entry.label}: the record has no vital-sign Observations")
        as_of = max(v.time for v in values)
    values = [v for v in values if v.time <= as_of]
    vitals = [v for v in vitals if v.time <= as_of]
    age = _age_years(patient, patient_entry, as_of)
    sex = _sex(patient, patient_entry)
    height = _latest(values, "height_cm", patient_entry, "8302-2 body height")
    weight = _latest(values, "weight_kg", patient_entry, "29463-7 body weight")
    measured = {
        "bmi": weight.value / (height.value / 100.0) ** 2,
        "hemoglobin": next((v.value for v in reversed(vitals) if v.target == "hemoglobin"), None),
        "normal_hemoglobin": hemoglobin_g_per_dL(
            Patient(name="reference", sex=sex, age_years=40, height_cm=170, weight_kg=70)
        ),
    }
    return PatientRecord(
        patient_resource=patient_entry.label,
        name=_name(patient) or patient_entry.label,
        sex=sex,
        birth_date=patient.birthDate,
        as_of=as_of,
        age_years=age,
        height=height,
        weight=weight,
        conditions=_conditions(index, patient_entry, as_of, measured, ignored),
        medications=_medications(index, patient_entry, ignored),
        vitals=tuple(vitals),
        ignored=tuple(IgnoredCode(*key, count) for key, count in sorted(ignored.items())),
        bundles=tuple(dict.fromkeys(e.bundle for e in (*entries, *references))),
        resource_counts=dict(sorted(index.type_counts().items())),
        unresolved_references=dict(sorted(index.unresolved.items())),
    )


def _the_patient(entries: list[Entry], bundle: str) -> Entry:
    patients = [entry for entry in entries if entry.type == "Patient"]
    if len(patients) != 1:
        found = ", ".join(p.label for p in patients) or "none"
        raise InteropError(
            f"{bundle}: a twin is built from one patient's Bundle: exactly one Patient "
            f"resource is needed, found {len(patients)} ({found})"
        )
    return patients[0]


def _subject_is(entry: Entry, index: ResourceIndex, patient: Entry) -> bool:
    subject = entry.resource.get("subject") or entry.resource.get("patient") or {}
    reference = subject.get("reference") if isinstance(subject, Mapping) else None
    return isinstance(reference, str) and index.resolve(reference) is patient


def _observations(index: ResourceIndex, patient: Entry, ignored: Counter) -> list[ObservedValue]:
    values = []
    for entry in index.of_type("Observation"):
        if not _subject_is(entry, index, patient):
            _ignore(ignored, entry, "another subject")
        elif known_code(entry.resource.get("code")) is None:
            _ignore(ignored, entry, "no rule for this code")
        else:
            values.extend(observed_values(entry))
    return values


def _ignore(ignored: Counter, entry: Entry, reason: str, concept_key: str = "code") -> None:
    system, code, display = (codings(entry.resource.get(concept_key)) or [("", "", "")])[0]
    ignored[(entry.type, system, code, display, reason)] += 1


def _age_years(patient: Any, entry: Entry, as_of: datetime) -> float:
    if patient.birthDate is None:
        raise InteropError(f"{entry.label}: no birthDate, so the patient's age is unknown")
    born = patient.birthDate
    years = as_of.year - born.year - ((as_of.month, as_of.day) < (born.month, born.day))
    low, high, _ = ALLOWED_RANGES["age_years"]
    if not low <= years <= high:
        raise InteropError(
            f"{entry.label}: age {years} years (born {born.isoformat()}, on "
            f"{as_of.date().isoformat()}) is outside the adult model's {low:g}-{high:g} years"
        )
    return float(years)


def _sex(patient: Any, entry: Entry) -> str:
    if patient.gender not in ("male", "female"):
        raise InteropError(
            f"{entry.label}: gender {patient.gender!r}: the model's equations are "
            "sex-specific and need male or female"
        )
    return patient.gender


def _name(patient: Any) -> str:
    for name in patient.name or []:
        parts = [*(name.given or []), name.family or ""]
        text = " ".join(part for part in parts if part)
        if text:
            return text
    return ""


def _latest(values: list[ObservedValue], target: str, patient: Entry, what: str) -> ObservedValue:
    found = [v for v in values if v.target == target]
    if not found:
        raise InteropError(f"{patient.label}: the record has no {what} Observation")
    return max(found, key=lambda v: v.time)


def _conditions(
    index: ResourceIndex, patient: Entry, as_of: datetime, measured: dict, ignored: Counter
) -> tuple[RecordCondition, ...]:
    from medtwin.patients.conditions import CONDITIONS

    found: dict[str, RecordCondition] = {}
    for entry in index.of_type("Condition"):
        condition = validated(entry)
        if not _subject_is(entry, index, patient):
            _ignore(ignored, entry, "another subject")
            continue
        snomed = [c for c in codings(entry.resource.get("code")) if c[0] == SNOMED_SYSTEM]
        rule = next((CONDITION_RULES[c[1]] for c in snomed if c[1] in CONDITION_RULES), None)
        if rule is None:
            _ignore(ignored, entry, "no rule for this code")
            continue
        if not _active(condition, as_of):
            _ignore(ignored, entry, "not active")
            continue
        severity, basis = severity_for(rule, measured)
        previous = found.get(rule.condition)
        evidence = (*(previous.evidence if previous else ()), entry.label)
        if previous is None or severity > previous.severity:
            found[rule.condition] = RecordCondition(
                rule.condition,
                severity,
                basis,
                rule.why.strip(),
                rule.condition in CONDITIONS,
                evidence,
            )
        else:
            found[rule.condition] = RecordCondition(**{**asdict(previous), "evidence": evidence})
    return tuple(found[name] for name in sorted(found))


def _active(condition: Any, as_of: datetime) -> bool:
    statuses = [
        c.code for c in (condition.clinicalStatus.coding if condition.clinicalStatus else [])
    ]
    if statuses and not set(statuses) & set(ACTIVE_STATUSES):
        return False
    abated = condition.abatementDateTime
    return abated is None or as_utc(abated, "abatementDateTime") > as_of


def _medications(
    index: ResourceIndex, patient: Entry, ignored: Counter
) -> tuple[RecordMedication, ...]:
    listed = []
    for entry in index.of_type("MedicationRequest"):
        request = validated(entry)
        if not _subject_is(entry, index, patient):
            _ignore(ignored, entry, "another subject", "medicationCodeableConcept")
            continue
        if request.status != "active":
            continue
        concept = entry.resource.get("medicationCodeableConcept")
        if concept is None and request.medicationReference is not None:
            target = index.resolve(request.medicationReference.reference or "")
            concept = target.resource.get("code") if target else None
        coding = (codings(concept) or [("", "", "(medication not coded)")])[0]
        match = classify(coding[2])
        listed.append(
            RecordMedication(
                resource=entry.label,
                name=coding[2],
                rxnorm=coding[1],
                authored=request.authoredOn.isoformat() if request.authoredOn else None,
                drug_class=match[0] if match else None,
                atc=match[1] if match else None,
                library_drug=match[2] if match else None,
            )
        )
    return tuple(listed)


def utc_date(text: str) -> datetime:
    """An ISO date or datetime given on the command line, as an aware UTC datetime."""
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
