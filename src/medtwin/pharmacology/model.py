"""A published population PK model: covariate formulas → one patient's PK parameters.

A model is written in its paper's own parameterisation, either volumes and clearances
(``v1_L``, ``cl1_L_per_min`` …) or a central volume and micro-rate constants
(``v1_L``, ``k10_per_min`` …), each a formula in the patient covariates of
`medtwin.pharmacology.formulas.COVARIATES`. The effect site is either the published
``ke0_per_min`` or, where a paper reports only the time to peak effect, ``t_peak_min``,
from which ke0 is derived for each patient by the t_peak method.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from medtwin.patients import Patient, lean_body_mass_kg
from medtwin.pharmacology.formulas import COVARIATES, FormulaError, evaluate, formula_names
from medtwin.pharmacology.kinetics import PKParameters, ke0_for_peak_time

_CLEARANCE_KEYS = {
    1: ("v1_L", "cl1_L_per_min"),
    2: ("v1_L", "v2_L", "cl1_L_per_min", "cl2_L_per_min"),
    3: ("v1_L", "v2_L", "v3_L", "cl1_L_per_min", "cl2_L_per_min", "cl3_L_per_min"),
}
_RATE_KEYS = {
    1: ("v1_L", "k10_per_min"),
    2: ("v1_L", "k10_per_min", "k12_per_min", "k21_per_min"),
    3: ("v1_L", "k10_per_min", "k12_per_min", "k21_per_min", "k13_per_min", "k31_per_min"),
}
_DESCRIPTIVE_KEYS = {"source", "compartments", "constants", "ke0_source", "notes", "population"}


class ModelError(ValueError):
    """A drug model that cannot be read or gives impossible parameters for a patient."""


def patient_covariates(patient: Patient, needed: set[str] | None = None) -> dict[str, float]:
    """The formula covariates of `patient`.

    Lean body mass (James 1976) is only computed when `needed` asks for it (or when
    `needed` is None), because `lean_body_mass_kg` refuses very obese patients and a
    model that does not use LBM (Marsh) must still work for them. Its `PatientError`
    propagates unchanged.
    """
    values = {
        "age": float(patient.age_years),
        "weight": float(patient.weight_kg),
        "height": float(patient.height_cm),
        "male": 1.0 if patient.sex == "male" else 0.0,
        "bmi": float(patient.bmi),
    }
    if needed is None or "lbm" in needed:
        values["lbm"] = float(lean_body_mass_kg(patient))
    return values


@dataclass(frozen=True)
class PKModel:
    """One published PK model of one drug, with covariate formulas and its source."""

    name: str
    source: str
    n_compartments: int
    formulas: Mapping[str, str | float]
    constants: Mapping[str, float] = field(default_factory=dict)
    ke0_per_min: str | float | None = None
    t_peak_min: float | None = None
    ke0_source: str | None = None
    notes: str | None = None

    @classmethod
    def from_dict(cls, name: str, data: Mapping[str, Any], where: str) -> PKModel:
        """Read and check one entry of a drug file's ``models`` (`where` names the file)."""
        if not isinstance(data, Mapping):
            raise ModelError(f"{where}: model {name!r} must be a mapping of keys to formulas")
        n = data.get("compartments")
        if n not in (1, 2, 3):
            raise ModelError(f"{where}: model {name!r} compartments = {n!r} must be 1, 2 or 3")
        if not data.get("source"):
            raise ModelError(f"{where}: model {name!r} has no source")
        keys = set(data) - _DESCRIPTIVE_KEYS - {"ke0_per_min", "t_peak_min"}
        for layout in (_CLEARANCE_KEYS[n], _RATE_KEYS[n]):
            if keys == set(layout):
                break
        else:
            raise ModelError(
                f"{where}: model {name!r} has keys {sorted(keys)}; a {n}-compartment model "
                f"needs exactly {list(_CLEARANCE_KEYS[n])} or {list(_RATE_KEYS[n])}"
            )
        if ("ke0_per_min" in data) and ("t_peak_min" in data):
            raise ModelError(f"{where}: model {name!r} gives both ke0_per_min and t_peak_min")
        constants = dict(data.get("constants") or {})
        model = cls(
            name=name,
            source=str(data["source"]),
            n_compartments=n,
            formulas={key: data[key] for key in layout},
            constants={key: float(value) for key, value in constants.items()},
            ke0_per_min=data.get("ke0_per_min"),
            t_peak_min=None if data.get("t_peak_min") is None else float(data["t_peak_min"]),
            ke0_source=data.get("ke0_source"),
            notes=data.get("notes"),
        )
        allowed = set(COVARIATES) | set(model.constants)
        try:
            for formula in (*model.formulas.values(), model.ke0_per_min or 0.0):
                formula_names(formula, allowed)
        except FormulaError as error:
            raise ModelError(f"{where}: model {name!r}: {error}") from None
        if (model.ke0_per_min is not None or model.t_peak_min is not None) and not model.ke0_source:
            raise ModelError(f"{where}: model {name!r} has an effect site but no ke0_source")
        return model

    @property
    def covariates(self) -> set[str]:
        """The patient covariates the model's formulas use."""
        allowed = set(COVARIATES) | set(self.constants)
        used: set[str] = set()
        for formula in (*self.formulas.values(), self.ke0_per_min or 0.0):
            used |= formula_names(formula, allowed)
        return used - set(self.constants)

    @property
    def has_effect_site(self) -> bool:
        return self.ke0_per_min is not None or self.t_peak_min is not None

    def values(self, covariates: Mapping[str, float]) -> dict[str, float]:
        """Every formula of the model evaluated with `covariates` (and its constants)."""
        names = {**covariates, **self.constants}
        result = {}
        for key, formula in self.formulas.items():
            try:
                result[key] = evaluate(formula, names)
            except FormulaError as error:
                raise ModelError(f"model {self.name!r}: {key}: {error}") from None
        return result

    def parameters(self, patient: Patient) -> PKParameters:
        """This patient's V1 and micro-rate constants (per minute), and ke0.

        Raises `PatientError` (from the lean body mass formula) for a patient the model's
        covariates cannot describe, and `ModelError` when the formulas give a volume or
        rate that is not positive for this patient.
        """
        return self.parameters_from_covariates(patient_covariates(patient, self.covariates))

    def parameters_from_covariates(self, covariates: Mapping[str, float]) -> PKParameters:
        """As `parameters`, from covariate values (age, weight, height, lbm, male, bmi)."""
        values = self.values(covariates)
        bad = {key: value for key, value in values.items() if not value > 0.0}
        if bad:
            shown = ", ".join(f"{key} = {value:.4g}" for key, value in bad.items())
            given = ", ".join(f"{key} {covariates[key]:g}" for key in sorted(self.covariates))
            raise ModelError(
                f"model {self.name!r} gives {shown} (must be above 0) for {given}: "
                "the patient is outside the range the model was fitted on"
            )
        rates = self._rates(values)
        n = self.n_compartments
        if self.ke0_per_min is not None:
            ke0 = evaluate(self.ke0_per_min, {**covariates, **self.constants})
            if not ke0 > 0.0:
                raise ModelError(f"model {self.name!r} gives ke0 = {ke0:.4g} /min (must be > 0)")
        elif self.t_peak_min is not None:
            ke0 = ke0_for_peak_time(values["v1_L"], *rates, n, self.t_peak_min)
        else:
            ke0 = 0.0
        return PKParameters(values["v1_L"], *rates, ke0=ke0, n_compartments=n)

    @staticmethod
    def _rates(values: Mapping[str, float]) -> tuple[float, float, float, float, float]:
        """(k10, k12, k21, k13, k31) per minute from either parameterisation."""
        if "k10_per_min" in values:
            return tuple(  # type: ignore[return-value]
                values.get(f"{key}_per_min", 0.0) for key in ("k10", "k12", "k21", "k13", "k31")
            )
        v1 = values["v1_L"]
        k12 = values.get("cl2_L_per_min", 0.0) / v1
        k21 = values["cl2_L_per_min"] / values["v2_L"] if "v2_L" in values else 0.0
        k13 = values.get("cl3_L_per_min", 0.0) / v1
        k31 = values["cl3_L_per_min"] / values["v3_L"] if "v3_L" in values else 0.0
        return values["cl1_L_per_min"] / v1, k12, k21, k13, k31
