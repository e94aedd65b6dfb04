"""Seeded populations of plausible adult patients, for cohorts and ensembles.

Demographics are drawn independently per patient from one `numpy.random.default_rng`
stream, so the same arguments always give the same list:

- sex: male or female with probability 1/2 each;
- age: uniform over `age_range` (a flat adult age mix, not a census pyramid);
- height: normal by sex, with the adult (≥ 20 y) mean heights of NHANES 2011–2014,
  175.7 cm for men and 161.8 cm for women (Fryar CD, Gu Q, Ogden CL, Flegal KM.
  Anthropometric reference data for children and adults: United States, 2011–2014.
  Vital Health Stat 3(39), 2016). The report tabulates means and percentiles rather
  than standard deviations; 7.5 cm (men) and 7.1 cm (women) are used here. Draws
  outside 145–205 cm are redrawn, so the tails are cut without piling up at the
  bounds;
- BMI: log-normal with mean 27 and standard deviation 5 kg/m² (a right-skewed adult
  BMI, a modelling choice rather than a fitted survey distribution), redrawn into
  `bmi_range`;
- weight = BMI · height²;
- each patient's individual factors (resting core temperature, lactate, urine output,
  baroreflex gain) with the published spreads between individuals
  (`medtwin.patients.variation`), drawn after the demographics so a seed gives the same
  sexes, ages and sizes as before the factors existed.
"""

import math
import numbers
from collections.abc import Callable

import numpy as np

from medtwin.patients.model import ALLOWED_RANGES, Patient, PatientError
from medtwin.patients.variation import draw_variations

HEIGHT_MEAN_SD_CM = {"male": (175.7, 7.5), "female": (161.8, 7.1)}
HEIGHT_LIMITS_CM = (145.0, 205.0)
BMI_MEAN, BMI_SD = 27.0, 5.0
MAX_REDRAW_ROUNDS = 10_000

_LOG_BMI_SIGMA = float(np.sqrt(np.log1p((BMI_SD / BMI_MEAN) ** 2)))
_LOG_BMI_MU = float(np.log(BMI_MEAN) - _LOG_BMI_SIGMA**2 / 2)


def generate_population(
    n: int,
    seed: int = 0,
    age_range: tuple[float, float] = (18, 90),
    bmi_range: tuple[float, float] = (17, 40),
) -> list[Patient]:
    """`n` adult patients named generated-0001, generated-0002, …; same seed, same list.

    `age_range` must lie within the patient model's ages; `bmi_range` within the BMIs
    that keep every height of 145–205 cm inside the model's weights.
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise PatientError(f"n = {n!r} must be a whole number of patients, at least 1")
    age_low, age_high, _ = ALLOWED_RANGES["age_years"]
    weight_low, weight_high, _ = ALLOWED_RANGES["weight_kg"]
    _check_range("age_range", age_range, age_low, age_high, "years")
    # Rounded inwards to 0.1 so the limits quoted in the error message are exact.
    bmi_low = math.ceil(10 * weight_low / (HEIGHT_LIMITS_CM[0] / 100) ** 2) / 10
    bmi_high = math.floor(10 * weight_high / (HEIGHT_LIMITS_CM[1] / 100) ** 2) / 10
    _check_range("bmi_range", bmi_range, bmi_low, bmi_high, "kg/m²")

    rng = np.random.default_rng(seed)
    is_male = rng.random(n) < 0.5
    age_years = rng.uniform(*age_range, size=n)
    male_mean, male_sd = HEIGHT_MEAN_SD_CM["male"]
    female_mean, female_sd = HEIGHT_MEAN_SD_CM["female"]
    height_mean = np.where(is_male, male_mean, female_mean)
    height_sd = np.where(is_male, male_sd, female_sd)
    height_cm = _draw_within(
        lambda index: rng.normal(height_mean[index], height_sd[index]),
        n,
        HEIGHT_LIMITS_CM,
        "height",
    )
    bmi = _draw_within(
        lambda index: rng.lognormal(_LOG_BMI_MU, _LOG_BMI_SIGMA, size=index.size),
        n,
        bmi_range,
        "bmi_range",
    )
    weight_kg = bmi * (height_cm / 100) ** 2
    variations = draw_variations(rng, n)
    return [
        Patient(
            name=f"generated-{i + 1:04d}",
            sex="male" if is_male[i] else "female",
            age_years=float(age_years[i]),
            height_cm=float(height_cm[i]),
            weight_kg=float(weight_kg[i]),
            variation=variations[i],
        )
        for i in range(n)
    ]


def _check_range(name: str, value: tuple[float, float], low: float, high: float, unit: str) -> None:
    try:
        start, stop = (float(v) for v in value)
    except (TypeError, ValueError):
        start = stop = float("nan")
    if not low <= start < stop <= high:
        raise PatientError(
            f"{name} = {value!r} must be (low, high) with {low:g} ≤ low < high ≤ {high:g} {unit}"
        )


def _draw_within(
    draw: Callable[[np.ndarray], np.ndarray],
    n: int,
    limits: tuple[float, float],
    what: str,
) -> np.ndarray:
    """`n` draws inside `limits`, redrawing those outside; `draw(index)` fills `index`."""
    values = draw(np.arange(n))
    for _ in range(MAX_REDRAW_ROUNDS):
        outside = np.flatnonzero((values < limits[0]) | (values > limits[1]))
        if outside.size == 0:
            return values
        values[outside] = draw(outside)
    raise PatientError(
        f"{what} = {tuple(limits)!r} is too unlikely to sample from this population; widen it"
    )
