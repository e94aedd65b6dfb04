"""Body size and blood of a patient from their demographics, by published equations.

Each function takes a `Patient` and returns one quantity, the unit in its name. The
equations are the ones the physiology and drug models scale with; each docstring names
the paper and the form used, and the coefficients are copied from it.
"""

from medtwin.patients.model import Patient, PatientError

CM_PER_INCH = 2.54

# Nadler SB, Hidalgo JH, Bloch T. Surgery 1962;51:224–232: BV [L] = a·H³ + b·W + c.
_NADLER = {"male": (0.3669, 0.03219, 0.6041), "female": (0.3561, 0.03308, 0.1833)}
# Devine BJ. Drug Intell Clin Pharm 1974;8:650–655: base [kg] at 5 ft (60 in).
_DEVINE_BASE_KG = {"male": 50.0, "female": 45.5}
_DEVINE_KG_PER_INCH = 2.3
# James WPT. Research on obesity. HMSO, 1976: LBM [kg] = a·W − b·(W/H)², H in cm.
_JAMES = {"male": (1.1, 128.0), "female": (1.07, 148.0)}
# Mifflin MD, St Jeor ST et al. Am J Clin Nutr 1990;51:241–247: sex constant, kcal/day.
_MIFFLIN_SEX_CONSTANT = {"male": 5.0, "female": -161.0}
# Quanjer PhH et al. Eur Respir J 1993;6 Suppl 16:5–40: FRC [L] = a·H + b·A + c, H in m.
_QUANJER_FRC = {"male": (2.34, 0.009, -1.09), "female": (2.24, 0.001, -1.00)}
# Black LF, Hyatt RE. Am Rev Respir Dis 1969;99:696: intercept and slope on age.
_BLACK_HYATT_PIMAX = {"male": (143.0, -0.55), "female": (104.0, -0.51)}
# Guyton AC, Hall JE. Textbook of Medical Physiology, 11th ed., 2006, ch. 32.
_HEMOGLOBIN_G_PER_DL = {"male": 15.0, "female": 14.0}
_MCHC_G_PER_DL = 34.0


def blood_volume_mL(p: Patient) -> float:
    """Total blood volume [mL] by Nadler, Hidalgo & Bloch (Surgery 1962;51:224–232).

    Men BV = 0.3669·H³ + 0.03219·W + 0.6041; women BV = 0.3561·H³ + 0.03308·W + 0.1833;
    BV in L, H in m, W in kg. Fitted on healthy adults.
    """
    a, b, c = _NADLER[p.sex]
    return 1000.0 * (a * p.height_m**3 + b * p.weight_kg + c)


def body_surface_area_m2(p: Patient) -> float:
    """Body surface area [m²] by Du Bois & Du Bois (Arch Intern Med 1916;17:863–871).

    BSA = 0.007184·W^0.425·H^0.725, W in kg, H in cm.
    """
    return 0.007184 * p.weight_kg**0.425 * p.height_cm**0.725


def ideal_body_weight_kg(p: Patient) -> float:
    """Ideal body weight [kg] by Devine (Drug Intell Clin Pharm 1974;8:650–655).

    Men 50 kg, women 45.5 kg, plus 2.3 kg per inch of height over 5 ft (60 in). Below
    5 ft the same line is followed down rather than clamped at the base value; a
    height so small that the line reaches zero is refused.
    """
    inches_over_5_ft = p.height_cm / CM_PER_INCH - 60.0
    ibw_kg = _DEVINE_BASE_KG[p.sex] + _DEVINE_KG_PER_INCH * inches_over_5_ft
    if ibw_kg <= 0.0:
        zero_at_cm = (60.0 - _DEVINE_BASE_KG[p.sex] / _DEVINE_KG_PER_INCH) * CM_PER_INCH
        raise PatientError(
            f"height_cm = {p.height_cm!r} gives a Devine ideal body weight of "
            f"{ibw_kg:.1f} kg; the formula needs a {p.sex} taller than {zero_at_cm:.1f} cm"
        )
    return ibw_kg


def lean_body_mass_kg(p: Patient) -> float:
    """Lean body mass [kg] by James (Research on obesity, DHSS/MRC report, HMSO 1976).

    Men LBM = 1.1·W − 128·(W/H)²; women LBM = 1.07·W − 148·(W/H)²; W in kg, H in cm.
    This is the LBM of the Schnider (propofol) and Minto (remifentanil) models. As a
    function of weight the formula peaks at BMI = 10⁴·a/(2·b) (about 43 kg/m² for men,
    36 kg/m² for women) and then falls, which is not physiology: beyond that BMI the
    formula is refused rather than returning a lean mass that shrinks as weight grows.
    """
    a, b = _JAMES[p.sex]
    bmi_at_peak = 1e4 * a / (2.0 * b)
    if p.bmi > bmi_at_peak:
        raise PatientError(
            f"bmi = {p.bmi:.1f} kg/m² is above {bmi_at_peak:.1f} kg/m², where the James "
            f"lean body mass formula for {p.sex}s peaks and stops being valid"
        )
    return a * p.weight_kg - b * (p.weight_kg / p.height_cm) ** 2


def resting_energy_kcal_per_day(p: Patient) -> float:
    """Resting energy expenditure [kcal/day] by Mifflin, St Jeor et al. (1990).

    Am J Clin Nutr 1990;51:241–247: REE = 10·W + 6.25·H − 5·A + 5 (men) or − 161
    (women); W in kg, H in cm, A in years.
    """
    return (
        10.0 * p.weight_kg + 6.25 * p.height_cm - 5.0 * p.age_years + _MIFFLIN_SEX_CONSTANT[p.sex]
    )


def functional_residual_capacity_L(p: Patient) -> float:
    """Predicted functional residual capacity [L], ECSC 1993 reference equations.

    Quanjer PhH, Tammeling GJ, Cotes JE, Pedersen OF, Peslin R, Yernault JC. Lung volumes
    and forced ventilatory flows. Eur Respir J 1993;6 Suppl 16:5–40, summary equations
    for adults: men FRC = 2.34·H + 0.009·A − 1.09; women FRC = 2.24·H + 0.001·A − 1.00;
    H in m, A in years. The equations were derived for ages 18–70; older ages
    extrapolate.
    """
    a, b, c = _QUANJER_FRC[p.sex]
    return a * p.height_m + b * p.age_years + c


def maximal_inspiratory_pressure_cmH2O(p: Patient) -> float:
    """Predicted maximal inspiratory mouth pressure at residual volume [cmH2O], Black LF,
    Hyatt RE. Maximal respiratory pressures: normal values and relationship to age and
    sex. Am Rev Respir Dis 1969;99:696-702: men 143 - 0.55·A, women 104 - 0.51·A (A in
    years; derived for ages 20-86, extrapolated beyond)."""
    intercept, slope = _BLACK_HYATT_PIMAX[p.sex]
    return intercept + slope * p.age_years


def hemoglobin_g_per_dL(p: Patient) -> float:
    """Reference blood haemoglobin concentration [g/dL] for a healthy adult of this sex.

    Guyton & Hall, Textbook of Medical Physiology, 11th ed., 2006, ch. 32 ("Quantity of
    hemoglobin in the cells"): whole blood of men averages 15 g/100 mL, of women
    14 g/100 mL. The men's value lies inside the 13.8–17.2 g/dL normal range the
    reference table quotes from the same book (p. 506).
    """
    return _HEMOGLOBIN_G_PER_DL[p.sex]


def hematocrit_fraction(p: Patient) -> float:
    """Haematocrit (red-cell volume fraction) as haemoglobin over MCHC.

    Hct = Hb / MCHC with a mean corpuscular haemoglobin concentration of 34 g/dL, the
    concentration to which red cells fill with haemoglobin (Guyton & Hall, 11th ed.,
    2006, ch. 32). Gives 0.44 for men and 0.41 for women.
    """
    return hemoglobin_g_per_dL(p) / _MCHC_G_PER_DL
