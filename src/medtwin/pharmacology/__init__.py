"""Drugs: published compartmental PK models with an effect site, and their effects.

`drug("propofol")` gives a `Drug` from the library (one data file per drug in `drugs/`,
with its PK models, effects, units, dose limits and sources). A model turns a patient
into `PKParameters` (`drug("propofol").model("schnider").parameters(patient)`);
`transition` gives the exact discrete-time map the engine steps with, and `simulate`
the exact concentrations for boluses and infusions. `to_amount` and `to_rate_per_s`
convert doses as clinicians write them ("2 mg/kg", "10 mg/kg/h").
"""

from medtwin.pharmacology.formulas import COVARIATES, FormulaError
from medtwin.pharmacology.kinetics import (
    PKParameters,
    effect_site_peak_time_s,
    ke0_for_peak_time,
    simulate,
    simulate_states,
    transition,
)
from medtwin.pharmacology.library import (
    DRUG_CLASSES,
    EFFECT_TARGETS,
    DoseLimit,
    DoseLimitError,
    Drug,
    DrugFileError,
    Effect,
    UnknownDrugError,
    drug,
    drug_from_dict,
    drugs,
)
from medtwin.pharmacology.model import ModelError, PKModel, patient_covariates
from medtwin.pharmacology.units import (
    Dose,
    DoseError,
    parse_dose,
    to_amount,
    to_rate_per_s,
    to_seconds,
)

__all__ = [
    "COVARIATES",
    "DRUG_CLASSES",
    "EFFECT_TARGETS",
    "Dose",
    "DoseError",
    "DoseLimit",
    "DoseLimitError",
    "Drug",
    "DrugFileError",
    "Effect",
    "FormulaError",
    "ModelError",
    "PKModel",
    "PKParameters",
    "UnknownDrugError",
    "drug",
    "drug_from_dict",
    "drugs",
    "effect_site_peak_time_s",
    "ke0_for_peak_time",
    "parse_dose",
    "patient_covariates",
    "simulate",
    "simulate_states",
    "to_amount",
    "to_rate_per_s",
    "to_seconds",
    "transition",
]
