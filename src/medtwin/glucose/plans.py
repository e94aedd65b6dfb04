"""Insulin plans tried on a patient's twin: predicted glucose with uncertainty bands.

A plan is text, comma-separated boluses on top of the patient's steady-state basal:
`"bolus 6 U at 12:00"`, `"bolus 4 U at 7:00, bolus 8 U at 11:45"`, or `"none"` (basal
only). Each plan runs on an ensemble of copies of the patient that differ in what is
uncertain before the day happens:

- meal size: each member's meal is the planned size times (1 + 0.2·z), z ~ N(0, 1),
  cut at ±2 SD. Adults with type 1 diabetes misjudge the carbohydrate of a meal by about
  20 % (Brazeau AS, Mircescu H, Desjardins K, et al. Carbohydrate counting accuracy and
  blood glucose variability in adults with type 1 diabetes. Diabetes Res Clin Pract
  2013;99:19–23);
- meal time: planned time plus N(0, 15 min), cut at ±2 SD (a modelling choice);
- CGM noise: each member's own sensor noise (`medtwin.glucose.sensor`).

Every member shares the plan's random draws with the same member of the other plans
(common random numbers), so the plans differ only by their insulin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from medtwin.glucose.meals import MIN_PER_DAY, Meal, MealError, parse_clock
from medtwin.glucose.parameters import VirtualPatients
from medtwin.glucose.pump import PUMPS
from medtwin.glucose.simulation import GlucoseRun, Scenario, simulate

SOURCES = ("brazeau2013",)
"""Bibliography keys of the ensemble's uncertainty (the meal-size error)."""
MEAL_SIZE_CV = 0.2
MEAL_TIME_SD_MIN = 15.0
CUT_SD = 2.0
MAX_BOLUS_U = PUMPS["cozmo"].max_bolus_U
_BOLUS = re.compile(r"^\s*bolus\s+(\d+(?:\.\d+)?)\s*U\s+at\s+(\S+)\s*$", re.IGNORECASE)


class PlanError(MealError):
    """A plan text that cannot be read."""


@dataclass(frozen=True)
class Plan:
    """Boluses (minute of the day, U) on top of the steady-state basal."""

    text: str
    boluses: tuple[tuple[int, float], ...]


def parse_plan(text: str) -> Plan:
    """The plan of `text` ("bolus 6 U at 12:00, bolus 2 U at 15:00" or "none")."""
    if text.strip().lower() == "none":
        return Plan(text.strip(), ())
    boluses = []
    for item in text.split(","):
        match = _BOLUS.match(item)
        if not match:
            raise PlanError(f"plan item {item.strip()!r} is not understood: write e.g. "
                            f"'bolus 6 U at 12:00' (or 'none')")  # fmt: skip
        units = float(match[1])
        if not 0 < units <= MAX_BOLUS_U:
            raise PlanError(f"plan item {item.strip()!r}: {units:g} U is not allowed, a bolus "
                            f"is above 0 and at most {MAX_BOLUS_U:g} U")  # fmt: skip
        boluses.append((parse_clock(match[2], f"plan item {item.strip()!r}:"), units))
    return Plan(text.strip(), tuple(boluses))


def run_plans(
    patient: VirtualPatients, meals: tuple[Meal, ...], plans: list[Plan], *,
    members: int = 100, seed: int = 0, sensor: str = "cgm",
) -> list[GlucoseRun]:  # fmt: skip
    """One ensemble run of `members` copies of `patient` (a batch of one) per plan."""
    if members < 2:
        raise PlanError(f"members {members!r} must be at least 2 to give bands")
    rng = np.random.default_rng(seed)
    carbs = np.zeros((members, MIN_PER_DAY))
    for meal in meals:
        size = meal.grams * (1 + MEAL_SIZE_CV * _cut_normal(rng, members))
        shift = np.rint(MEAL_TIME_SD_MIN * _cut_normal(rng, members)).astype(int)
        minute = np.clip(meal.minute + shift, 0, MIN_PER_DAY - 1)
        np.add.at(carbs, (np.arange(members), minute), size)
    ensemble = patient.take(np.zeros(members, dtype=int))
    scenario = Scenario(meals=(), days=1, controller="basal", sensor=sensor)
    runs = []
    for plan in plans:
        boluses = np.zeros((members, MIN_PER_DAY))
        for minute, units in plan.boluses:
            boluses[:, minute] += units
        run = simulate(ensemble, scenario, seed=seed, carbs_g=carbs, extra_bolus_U=boluses)
        runs.append(replace(run, sources=(*run.sources, *SOURCES)))
    return runs


def _cut_normal(rng: np.random.Generator, size: int) -> np.ndarray:
    return np.clip(rng.standard_normal(size), -CUT_SD, CUT_SD)


def bands(run: GlucoseRun, quantiles: tuple[float, ...] = (0.05, 0.5, 0.95)) -> dict:
    """Per-minute quantiles over the ensemble of plasma and CGM glucose, by name."""
    out = {}
    for name, values in (("plasma", run.plasma_glucose_mg_per_dL), ("cgm", run.cgm_mg_per_dL)):
        for q in quantiles:
            out[f"{name}_p{round(100 * q):02d}_mg_per_dL"] = np.quantile(values, q, axis=0)
    return out
