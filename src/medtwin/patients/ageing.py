"""How resting physiology changes with age and differs by sex, where surveys publish it.

Each rule moves a parameter so that the patient's resting value departs from the
engine's reference value as the published curve departs from its value at
`REFERENCE_AGE_YEARS`, the age of the standard patients (44 y, Pulse's StandardMale and
StandardFemale) for whom the engine's reference values hold. The standard patients are
therefore unchanged, and a patient of another age differs from them as the surveys
say. The curves are those of `population_references.csv` (source per row), linear
between the middles of its age bands and flat beyond the first and last:

- Blood pressure by age and sex (WHO MONICA, Catalonia, 25-64 y; LIDNS, 65 y and over):
  systolic pressure rises throughout adult life, diastolic rises to the fifties and then
  falls, and women's pressure is lower than men's when young and rises faster. The rise
  of mean pressure to middle age comes from peripheral resistance and the widening of
  pulse pressure from large-artery stiffening (Franklin SS et al., Circulation
  1997;96:308-315): the baroreflex and renal set points and the arteriolar resistances
  rise together (at unchanged cardiac output and reflex activity, as in
  `conditions.hypertension`) and the systemic arterial elastances are scaled, by the
  amounts that move the engine's systolic and diastolic pressure as the survey's move.
- Arterial PO2 falls 0.39 mmHg a year from 40 to 74 y and no further after (Cerveri 1995);
  below 40 it is held at its 40-y value (the regression's range). It falls because
  ventilation-perfusion matching worsens; the engine's venous admixture (`SHUNT`) is set
  by the shunt equation to give the fall.
- Spontaneous baroreflex sensitivity falls with age (Kardos 2001): the vagal
  heart-period gain scales with it.
"""

from __future__ import annotations

import numpy as np

from medtwin.patients.anthropometry import resting_energy_kcal_per_day
from medtwin.patients.model import Patient
from medtwin.patients.population_references import references_for
from medtwin.physiology.bloodgas import o2_content
from medtwin.physiology.layout import span
from medtwin.physiology.parameters import P

REFERENCE_AGE_YEARS = 44.0
"""Age of the standard patients, at which the engine's reference values hold."""

PRESSURE_PER_SET_POINT = (0.86, 0.94)
"""(systolic, diastolic) mmHg of resting pressure per mmHg the set points, and with them
the resistances, are raised: the engine's own sensitivity, measured on the standard male
(+20 mmHg: 126.7/80.3 -> 143.8/99.0)."""
PRESSURE_PER_STIFFNESS = (6.3, -6.3)
"""(systolic, diastolic) mmHg per unit rise of the arterial elastance factor, measured
likewise (factor 2: 126.7/80.3 -> 132.9/73.9)."""
LEAST_STIFFNESS = 0.5
"""Floor of the arterial elastance factor (twice the compliance of the reference)."""
STANDARD_PCO2_MMHG = 40.0
WATER_VAPOUR_MMHG = 47.0


def _survey(signal: str, statistic: str, sex: str, age_years: float) -> float:
    rows = references_for(signal, statistic, sex)
    middles = [row.band_middle_years for row in rows]
    values = [row.reference_value for row in rows]
    return float(np.interp(age_years, middles, values))


def _change_since_reference(signal: str, statistic: str, sex: str, age: float) -> float:
    return _survey(signal, statistic, sex, age) - _survey(
        signal, statistic, sex, REFERENCE_AGE_YEARS
    )


def age_circulation(
    values: np.ndarray, patient: Patient, bed_pressure_drops_mmHg: np.ndarray
) -> None:
    """Set points, resistances and arterial stiffness for the patient's age and sex.

    `bed_pressure_drops_mmHg` are the design pressure drops, bed by bed, that the
    systemic beds' resting resistances carry the resting flow over.
    """
    systolic = _change_since_reference("systolic_bp", "mean", patient.sex, patient.age_years)
    diastolic = _change_since_reference("diastolic_bp", "mean", patient.sex, patient.age_years)
    sensitivity = np.array([PRESSURE_PER_SET_POINT, PRESSURE_PER_STIFFNESS]).T
    set_point, stiffening = np.linalg.solve(sensitivity, [systolic, diastolic])
    stiffness = max(1.0 + stiffening, LEAST_STIFFNESS)
    values[P.E_SA] *= stiffness
    values[P.E_SP] *= stiffness
    values[P.P_N] += set_point
    values[P.URINE_PRESSURE_THRESHOLD] += set_point
    values[span(P, "R")] *= 1.0 + set_point / bed_pressure_drops_mmHg


def age_baroreflex(values: np.ndarray, patient: Patient) -> None:
    """Vagal heart-period gain in proportion to the age's baroreflex sensitivity."""
    at_age = _survey("baroreflex_sensitivity", "mean", "all", patient.age_years)
    at_reference = _survey("baroreflex_sensitivity", "mean", "all", REFERENCE_AGE_YEARS)
    values[P.G_TV] *= at_age / at_reference


def pao2_change_mmHg(age_years: float) -> float:
    """Resting PaO2 at `age_years` minus at the reference age (Cerveri 1995)."""
    (slope,) = references_for("pao2", "slope")
    held = min(max(age_years, slope.age_min), slope.age_max + 1)
    reference = min(max(REFERENCE_AGE_YEARS, slope.age_min), slope.age_max + 1)
    return slope.reference_value * (held - reference)


def age_gas_exchange(values: np.ndarray, patient: Patient, cardiac_output_mL_per_s: float) -> None:
    """Venous admixture that moves resting PaO2 by `pao2_change_mmHg`.

    Shunt equation: arterial content Ca = Cc' - d·s/(1 - s), with Cc' the end-capillary
    content at the ideal alveolar PO2 (alveolar gas equation) and d = VO2 / cardiac
    output the arteriovenous difference, so the admixture that gives an arterial PO2 is
    found in closed form. The change is counted from the PO2 the same patient would have
    at the reference age with the present admixture (their resting O2 use, Mifflin-St
    Jeor, is higher then), so that the whole cross-sectional fall is the published one.
    """
    change = pao2_change_mmHg(patient.age_years)
    if change == 0.0:
        return
    fio2, hb, rq = values[P.FIO2], values[P.HB], values[P.RQ]
    alveolar = fio2 * (values[P.PB] - WATER_VAPOUR_MMHG) - STANDARD_PCO2_MMHG * (
        fio2 + (1.0 - fio2) / rq
    )
    end_capillary = o2_content(alveolar, STANDARD_PCO2_MMHG, hb)
    difference = values[span(P, "VO2")].sum() / cardiac_output_mL_per_s
    at_reference_age = patient.model_copy(update={"age_years": REFERENCE_AGE_YEARS})
    difference_at_reference = difference * (
        resting_energy_kcal_per_day(at_reference_age) / resting_energy_kcal_per_day(patient)
    )
    shunt = values[P.SHUNT]
    ratio = shunt / (1.0 - shunt)
    present = _po2_of_content(end_capillary - difference_at_reference * ratio, hb)
    wanted = o2_content(present + change, STANDARD_PCO2_MMHG, hb)
    ratio = max(end_capillary - wanted, 0.0) / difference
    values[P.SHUNT] = ratio / (1.0 + ratio)


def _po2_of_content(content: float, hb: float) -> float:
    """The PO2 (mmHg) at which blood of `hb` g/dL holds `content` mL O2/mL (bisection)."""
    low, high = 1.0, 700.0
    for _ in range(60):
        middle = 0.5 * (low + high)
        if o2_content(middle, STANDARD_PCO2_MMHG, hb) < content:
            low = middle
        else:
            high = middle
    return 0.5 * (low + high)
