"""Who the virtual patient is: demographics, named patients, body-size equations, cohorts.

`load_patient("standard-male")` gives a named patient from the bundled library,
`load_patient("path/to/patient.yaml")` one from a file; `generate_population(n, seed)`
a seeded cohort. The anthropometry functions turn demographics into the quantities the
physiology and drug models scale with, each by a cited published equation.
"""

from medtwin.patients.anthropometry import (
    blood_volume_mL,
    body_surface_area_m2,
    functional_residual_capacity_L,
    hematocrit_fraction,
    hemoglobin_g_per_dL,
    ideal_body_weight_kg,
    lean_body_mass_kg,
    maximal_inspiratory_pressure_cmH2O,
    resting_energy_kcal_per_day,
)
from medtwin.patients.loading import load_patient, named_patients, patient_from_dict
from medtwin.patients.model import Patient, PatientError
from medtwin.patients.population import generate_population

__all__ = [
    "Patient",
    "PatientError",
    "blood_volume_mL",
    "body_surface_area_m2",
    "functional_residual_capacity_L",
    "generate_population",
    "hematocrit_fraction",
    "hemoglobin_g_per_dL",
    "ideal_body_weight_kg",
    "lean_body_mass_kg",
    "load_patient",
    "maximal_inspiratory_pressure_cmH2O",
    "named_patients",
    "patient_from_dict",
    "resting_energy_kcal_per_day",
]
