"""Insulin controllers, and the plug-in interface for closed-loop algorithms.

A controller decides, every minute and for a whole batch of patients at once, the basal
rate (U/min) and the bolus (U) to ask of the pump, from the CGM reading and the
carbohydrate announced for that minute. Write a class with `dose(minute, cgm_mg_per_dL,
announced_carbs_g) -> (basal_U_per_min, bolus_U)` (arrays over the batch) and a
constructor taking the `VirtualPatients`, then `register_controller("name", YourClass)`;
`medtwin glucose run --controller name` and trials can then use it.

Built in:
- "basal": the patient's steady-state basal u2ss·BW/6000 U/min, nothing else
  (Dalla Man C et al. J Diabetes Sci Technol 2007;1:323–330).
- "basal-bolus": that basal, and at each announced meal a bolus of carbs/CR plus, when
  the CGM reads above `CORRECTION_ABOVE_mg_per_dL`, the correction (CGM − target)/CF
  (the carbohydrate-ratio and correction-factor method: Walsh J, Roberts R. Pumping
  Insulin, 4th ed., Torrey Pines Press 2006). CR and CF are each patient's (Quest.csv);
  the 150 mg/dL threshold and 140 mg/dL target are those of simglucose's basal–bolus
  controller (J. Xie, MIT).
- "pid": a proportional–integral–derivative controller on CGM glucose above basal, with
  no meal announcement, in the form of Steil GM, Rebrin K, Darwin C, et al. Feasibility
  of automating insulin delivery for the treatment of type 1 diabetes. Diabetes
  2006;55:3344–3350: u = basal + Kp·[(G − target) + ∫(G − target)dt/TI + TD·dG/dt],
  with Kp scaled to the patient's total daily insulin (TDI/135 U/day per mg/dL),
  TI = 450 min, TD = 90 min and a 120 mg/dL target. These are a tuning in the form of
  that paper, not checked against its methods; the integral stops growing while the
  output is held at zero (anti-windup). The closed loop's behaviour is checked against
  the published one: mean glucose and time in range of Steil 2006, daily insulin and
  hypoglycaemia of PID without insulin feedback (Ruiz JL, Sherr JL, Cengiz E, et al.
  J Diabetes Sci Technol 2012;6:1123–1130) in tests/glucose/test_glucose_closed_loop.py;
  its fasting glucose is lower than Steil's (docs/glucose.md).

Each class lists the bibliography keys of its sources in `SOURCES`; a run cites them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Protocol

import numpy as np

from medtwin.glucose.parameters import GlucosePatientError, VirtualPatients

CORRECTION_ABOVE_mg_per_dL = 150.0
CORRECTION_TARGET_mg_per_dL = 140.0
PID_TARGET_mg_per_dL = 120.0
PID_GAIN_TDI_DIVISOR = 135.0
PID_INTEGRAL_MIN = 450.0
PID_DERIVATIVE_MIN = 90.0
PID_SLOPE_WINDOW_MIN = 5
MIN_PER_DAY = 1440.0


class Controller(Protocol):
    """What the simulation asks of a controller each minute (arrays over the batch)."""

    def dose(
        self, minute: int, cgm_mg_per_dL: np.ndarray, announced_carbs_g: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(basal rate in U/min, bolus in U) to ask of the pump this minute."""
        ...


class BasalController:
    """The steady-state basal rate and nothing else."""

    SOURCES: tuple[str, ...] = ("dallaman2007gim",)
    """Bibliography keys of the controller's rule and figures (a plug-in may add its own)."""

    def __init__(self, patients: VirtualPatients) -> None:
        self.basal_U_per_min = patients.basal_insulin_U_per_min
        self._no_bolus = np.zeros(len(patients))

    def dose(self, minute, cgm_mg_per_dL, announced_carbs_g):
        return self.basal_U_per_min, self._no_bolus


class BasalBolusController(BasalController):
    """Basal, and a meal bolus carbs/CR with a correction above 150 mg/dL."""

    SOURCES = ("dallaman2007gim", "walsh2006pumping", "xie2018simglucose")

    def __init__(self, patients: VirtualPatients) -> None:
        super().__init__(patients)
        self.carb_ratio_g_per_U = patients.carb_ratio_g_per_U
        self.correction_factor = patients.correction_factor_mg_per_dL_per_U

    def dose(self, minute, cgm_mg_per_dL, announced_carbs_g):
        meal = announced_carbs_g > 0
        correction = np.where(
            cgm_mg_per_dL > CORRECTION_ABOVE_mg_per_dL,
            (cgm_mg_per_dL - CORRECTION_TARGET_mg_per_dL) / self.correction_factor,
            0.0,
        )
        bolus = np.where(meal, announced_carbs_g / self.carb_ratio_g_per_U + correction, 0.0)
        return self.basal_U_per_min, bolus


class PIDController(BasalController):
    """PID on CGM glucose around the basal rate, without meal announcement."""

    SOURCES = ("dallaman2007gim", "steil2006")

    def __init__(self, patients: VirtualPatients) -> None:
        super().__init__(patients)
        self.gain_U_per_min_per_mg_dL = (
            patients.total_daily_insulin_U / PID_GAIN_TDI_DIVISOR / MIN_PER_DAY
        )
        self._integral = np.zeros(len(patients))
        self._recent: deque[np.ndarray] = deque(maxlen=PID_SLOPE_WINDOW_MIN)

    def dose(self, minute, cgm_mg_per_dL, announced_carbs_g):
        error = cgm_mg_per_dL - PID_TARGET_mg_per_dL
        # The slope over the last 5 minutes: CGM readings are held between 5-min samples.
        slope = (cgm_mg_per_dL - self._recent[0]) / len(self._recent) if self._recent else 0.0
        self._recent.append(cgm_mg_per_dL.copy())
        proposed_integral = self._integral + error
        rate = self.basal_U_per_min + self.gain_U_per_min_per_mg_dL * (
            error + proposed_integral / PID_INTEGRAL_MIN + PID_DERIVATIVE_MIN * slope
        )
        self._integral = np.where(rate > 0, proposed_integral, self._integral)
        return np.maximum(rate, 0.0), self._no_bolus


ControllerFactory = Callable[[VirtualPatients], Controller]
CONTROLLERS: dict[str, ControllerFactory] = {
    "basal": BasalController,
    "basal-bolus": BasalBolusController,
    "pid": PIDController,
}


def register_controller(name: str, factory: ControllerFactory) -> None:
    """Make `factory(patients)` available as controller `name`."""
    CONTROLLERS[name] = factory


def make_controller(name: str, patients: VirtualPatients) -> Controller:
    """A new controller `name` for `patients`."""
    if name not in CONTROLLERS:
        raise GlucosePatientError(
            f"controller {name!r} is not known: allowed are {', '.join(sorted(CONTROLLERS))}"
        )
    return CONTROLLERS[name](patients)
