"""Scenario validations of the ventilator: SIMV in a paralysed patient, and the circuit
disconnected from a paralysed, ventilated patient."""

from __future__ import annotations

import numpy as np

from medtwin.scenario_validation.model import Expectation, Run, Scenario
from medtwin.scenario_validation.reading import START_S, value

SIMV_SOURCE = (
    "Tobin MJ. Principles and Practice of Mechanical Ventilation, 3rd ed., 2013; Chatburn "
    "RL et al. Respir Care 2014;59:1747 (SIMV gives a patient who makes no effort its "
    "set rate of mandatory breaths)"
)
PLATEAU_SOURCE = (
    "Tobin 2013 (plateau = PEEP + VT / static compliance); the Rescue issue's expectation "
    "of about 15 cmH2O for a healthy adult at 500 mL and PEEP 5"
)
PLATEAU_GAP = (
    "the engine's respiratory system compliance is the awake adult's 100 mL/cmH2O "
    "(Levitzky 2013), so 500 mL over PEEP 5 gives 10 cmH2O; the lower compliance of the "
    "supine, anaesthetised adult is not modelled yet"
)
ALARM_SOURCE = (
    "ISO 80601-2-12:2020 (a critical care ventilator alarms on a disconnected breathing "
    "system); Mindray SynoVent E5 manual (Paw low limit PEEP + 4 cmH2O, judged each "
    "mandatory breath)"
)
DESATURATION_SOURCE = (
    "Edmark L et al. Anesthesiology 2003;98:28 (in apnoea the SpO2 of a healthy adult "
    "falls below 90 % within minutes unless the lungs were filled with oxygen)"
)
PARALYSED = ((START_S, "rocuronium 1.2 mg/kg IV bolus"), (START_S, "intubate"))
SIMV_ORDER = "ventilator SIMV rate 8 VT 500 mL PS 10 cmH2O PEEP 5 FiO2 0.4"
SIMV_WINDOW = (START_S + 240.0, START_S + 360.0)
DISCONNECT_S = START_S + 180.0


def _simv(twin) -> list[tuple[float, str]]:
    return [*PARALYSED, (START_S, SIMV_ORDER)]


def _disconnected(twin) -> list[tuple[float, str]]:
    return [*_simv(twin), (DISCONNECT_S, "disconnect ventilator")]


def _seconds_to_alarm(run: Run) -> float:
    """Seconds from the disconnection to the low airway pressure alarm (NaN if none)."""
    times = [event.time_s for event in run.twin.events
             if event.order() == "ventilator alarm low airway pressure"
             and event.time_s >= DISCONNECT_S]  # fmt: skip
    return times[0] - DISCONNECT_S if times else np.nan


SIMV_PARALYSED = Scenario(
    name="simv-paralysed",
    title="SIMV 8/min, 500 mL, PS 10, PEEP 5 in a paralysed patient",
    description="rocuronium and intubation, then SIMV: every breath is a mandatory one",
    protocol=_simv,
    duration_s=SIMV_WINDOW[1],
    expectations=(
        Expectation(
            "respiratory rate at 4-6 min", "/min", value("respiratory_rate", *SIMV_WINDOW),
            SIMV_SOURCE, 7.9, 8.1,
        ),
        Expectation(
            "exhaled tidal volume at 4-6 min", "mL",
            value("exhaled_tidal_volume", *SIMV_WINDOW), SIMV_SOURCE, 475.0, 525.0,
        ),
        Expectation(
            "plateau pressure at 4-6 min", "cmH2O", value("plateau_pressure", *SIMV_WINDOW),
            PLATEAU_SOURCE, 12.0, 18.0, 15.0, known_gap=PLATEAU_GAP,
        ),
    ),
    plotted=("respiratory_rate", "plateau_pressure", "paco2", "spo2"),
)  # fmt: skip
DISCONNECTION = Scenario(
    name="ventilator-disconnection",
    title="The circuit disconnected from a paralysed patient on SIMV",
    description="SIMV on FiO2 0.4 for 3 min, then the circuit comes off the tube",
    protocol=_disconnected,
    duration_s=DISCONNECT_S + 240.0,
    expectations=(
        Expectation(
            "seconds from disconnection to the low-pressure alarm", "s", _seconds_to_alarm,
            ALARM_SOURCE, 0.0, 60.0 / 8 + 1.0,
        ),
        Expectation(
            "airway pressure after the disconnection", "cmH2O",
            value("airway_pressure", DISCONNECT_S + 30.0, DISCONNECT_S + 60.0),
            ALARM_SOURCE, None, 1.0,
        ),
        Expectation(
            "SpO2 4 min after the disconnection", "%",
            value("spo2", DISCONNECT_S + 230.0, DISCONNECT_S + 240.0), DESATURATION_SOURCE,
            None, 92.0,
        ),
    ),
    plotted=("airway_pressure", "exhaled_minute_volume", "spo2", "ventilator_alarms"),
)  # fmt: skip

VENTILATION = (SIMV_PARALYSED, DISCONNECTION)
"""The scenarios of this module, in report order."""
