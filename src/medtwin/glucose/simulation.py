"""Run a batch of glucose twins through days of meals, a controller, a sensor and a pump.

Each minute, for all patients at once: the CGM reads (at its sample times), the
controller asks for a basal rate and a bolus, the pump delivers what it can, and the
compiled step advances every patient one minute with that insulin and the minute's
carbohydrate. Randomness (CGM noise, random meals) comes from one seeded Generator pair
per patient, keyed by (seed, patient key), so a patient's run does not depend on the
batch it is in - the same in one process or spread over a cluster.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from medtwin.glucose.controllers import CONTROLLERS, make_controller
from medtwin.glucose.layout import G
from medtwin.glucose.meals import MIN_PER_DAY, Meal, carbs_per_minute, random_day
from medtwin.glucose.metrics import SOURCES as METRIC_SOURCES
from medtwin.glucose.metrics import glucose_metrics, insulin_metrics
from medtwin.glucose.model import DEFAULT_SUBSTEPS, advance_minutes
from medtwin.glucose.parameters import SOURCES as PATIENT_MODEL_SOURCES
from medtwin.glucose.parameters import GlucosePatientError, P, VirtualPatients
from medtwin.glucose.pump import pump as pump_named
from medtwin.glucose.sensor import read, sensor, sensor_noise

MAX_DAYS = 366
CSV_COLUMNS = ("patient", "time_min", "plasma_glucose_mg_per_dL", "cgm_mg_per_dL",
               "insulin_U_per_min", "carbs_g")  # fmt: skip


@dataclass(frozen=True)
class Scenario:
    """What happens in a run: meals (None: a random day per patient and day), days,
    controller, sensor and pump names, and whether meals are announced to the controller."""

    meals: tuple[Meal, ...] | None = ()
    days: int = 1
    controller: str = "basal-bolus"
    sensor: str = "cgm"
    pump: str = "ideal"
    announce_meals: bool = True

    def check(self) -> None:
        """Refuse an impossible scenario with a message naming the field."""
        if (
            isinstance(self.days, bool)
            or not isinstance(self.days, int)
            or not (1 <= self.days <= MAX_DAYS)
        ):
            raise GlucosePatientError(f"days {self.days!r} must be a whole number from 1 to "
                                      f"{MAX_DAYS}")  # fmt: skip
        sensor(self.sensor)
        pump_named(self.pump)


@dataclass(frozen=True)
class GlucoseRun:
    """Per-minute arrays (n_patients, n_minutes) of a run, and the patients' names."""

    names: tuple[str, ...]
    plasma_glucose_mg_per_dL: np.ndarray
    cgm_mg_per_dL: np.ndarray
    insulin_U_per_min: np.ndarray
    bolus_U: np.ndarray
    carbs_g: np.ndarray
    sources: tuple[str, ...] = ()
    """Bibliography keys of what the run used: model, patients, controller, devices,
    measures (see `citations`)."""

    def frame(self) -> pd.DataFrame:
        """One row per patient and minute, with the columns of `CSV_COLUMNS`."""
        n, minutes = self.plasma_glucose_mg_per_dL.shape
        return pd.DataFrame(
            {
                "patient": np.repeat(np.array(self.names, dtype=object), minutes),
                "time_min": np.tile(np.arange(minutes), n),
                "plasma_glucose_mg_per_dL": self.plasma_glucose_mg_per_dL.ravel(),
                "cgm_mg_per_dL": self.cgm_mg_per_dL.ravel(),
                "insulin_U_per_min": self.insulin_U_per_min.ravel(),
                "carbs_g": self.carbs_g.ravel(),
            }
        )

    def citations(self) -> list[str]:
        """The full references of the sources this run used, sorted (as
        `Twin.citations` for the cardiopulmonary twin)."""
        from medtwin.citations import bibliography  # the drug library behind it: on use

        works = bibliography()
        return sorted({works[key].reference for key in self.sources})

    def metrics(self) -> pd.DataFrame:
        """One row per patient: the measures of `medtwin.glucose.metrics` (on plasma
        glucose, the true value a simulator knows)."""
        values = glucose_metrics(self.plasma_glucose_mg_per_dL)
        values |= insulin_metrics(self.insulin_U_per_min, self.bolus_U)
        return pd.DataFrame({"patient": list(self.names), **values})


def patient_generators(seed: int, keys: Sequence[int]) -> list[tuple[np.random.Generator, ...]]:
    """(meal, noise) Generators for each patient key, independent of the batch."""
    return [
        tuple(
            np.random.default_rng(child) for child in np.random.SeedSequence([seed, key]).spawn(2)
        )
        for key in keys
    ]


def simulate(
    patients: VirtualPatients,
    scenario: Scenario,
    *,
    seed: int = 0,
    keys: Sequence[int] | None = None,
    carbs_g: np.ndarray | None = None,
    extra_bolus_U: np.ndarray | None = None,
    substeps: int = DEFAULT_SUBSTEPS,
) -> GlucoseRun:
    """Simulate `patients` through `scenario`, starting at their basal state at 00:00.

    `keys` identify the patients for their random streams (default 0, 1, …).
    `carbs_g` (n_patients, minutes), if given, replaces the scenario's meals (plans with
    meal uncertainty); `extra_bolus_U` adds planned boluses to the controller's.
    """
    scenario.check()
    n, minutes = len(patients), scenario.days * MIN_PER_DAY
    streams = patient_generators(seed, range(n) if keys is None else keys)
    if carbs_g is None:
        carbs_g = _scenario_carbs(scenario, streams, minutes)
    spec, device = sensor(scenario.sensor), pump_named(scenario.pump)
    noise = sensor_noise(spec, [noise_rng for _, noise_rng in streams], minutes)
    controller = make_controller(scenario.controller, patients)
    state = patients.basal_state.copy()
    params = patients.params
    announced = carbs_g if scenario.announce_meals else np.zeros_like(carbs_g)
    plasma, interstitial = np.empty((n, minutes)), np.empty((n, minutes))
    cgm, insulin, bolus = np.empty((n, minutes)), np.empty((n, minutes)), np.empty((n, minutes))
    reading = np.zeros(n)
    for minute in range(minutes):
        if minute % spec.sample_min == 0:
            now = state[:, G.G_S] / params[:, P.Vg]
            reading = read(spec, now, noise[:, minute], minute)
        cgm[:, minute] = reading
        basal_asked, bolus_asked = controller.dose(minute, reading, announced[:, minute])
        if extra_bolus_U is not None:
            bolus_asked = bolus_asked + extra_bolus_U[:, minute]
        basal, bolus[:, minute] = device.deliver(basal_asked, bolus_asked)
        insulin[:, minute] = basal + bolus[:, minute]
        advance_minutes(
            state, params, carbs_g[:, minute : minute + 1], insulin[:, minute : minute + 1],
            substeps, plasma[:, minute : minute + 1], interstitial[:, minute : minute + 1],
        )  # fmt: skip
    return GlucoseRun(patients.names, plasma, cgm, insulin, bolus, carbs_g,
                      run_sources(scenario))  # fmt: skip


def run_sources(scenario: Scenario) -> tuple[str, ...]:
    """Bibliography keys of what a run of `scenario` uses: the model and patients, the
    measures, the controller's, sensor's and pump's sources, and the random meal days
    (a modelling choice, `meals.random_day`) when there are no fixed meals."""
    keys = (*PATIENT_MODEL_SOURCES, *METRIC_SOURCES,
            *getattr(CONTROLLERS.get(scenario.controller), "SOURCES", ()),
            *sensor(scenario.sensor).sources, *pump_named(scenario.pump).sources)  # fmt: skip
    if scenario.meals is None:
        keys += ("medtwin-assumption",)
    return tuple(dict.fromkeys(keys))


def _scenario_carbs(
    scenario: Scenario, streams: list[tuple[np.random.Generator, ...]], minutes: int
) -> np.ndarray:
    if scenario.meals is not None:
        return np.tile(carbs_per_minute(scenario.meals, scenario.days), (len(streams), 1))
    carbs = np.zeros((len(streams), minutes))
    for row, (meal_rng, _) in enumerate(streams):
        for day in range(scenario.days):
            for meal in random_day(meal_rng):
                carbs[row, day * MIN_PER_DAY + meal.minute] += meal.grams
    return carbs
