"""The scenario validations, each with its protocol, expectations and sources.

Reading rules, shared by all: a baseline is the mean of the minute before the first
order; "ratio" is a mean over the reading window divided by the baseline. The ATLS 10th
edition gives signs as directions, read here as ratios to rest: "no change" 1,
"raised" at least 1.1, "decreased" at most 0.9 (graded by the README's rule, so a 10 %
miss is still good).
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Callable
from importlib.resources import files

import numpy as np

from medtwin.scenario_validation.acid_base import ACID_BASE
from medtwin.scenario_validation.airway_and_chest import AIRWAY_AND_CHEST
from medtwin.scenario_validation.arrhythmias import ARRHYTHMIAS
from medtwin.scenario_validation.model import Expectation, Run, Scenario
from medtwin.scenario_validation.reading import (
    BASELINE,
    START_S,
    change,
    change_from,
    ratio,
    value,
)
from medtwin.scenario_validation.ventilation import VENTILATION

ATLS = "ATLS 10th ed. 2018, signs by class (medtwin/data/hemorrhage_classes.csv)"
SCHADT = "Schadt JC, Ludbrook J. Am J Physiol 1991;260:H305 (two phases of blood loss)"
EGER_STOCK = "Eger & Severinghaus, Anesthesiology 1961;22:419; Stock MC, J Clin Anesth 1988;1:96"
BENUMOF = "Benumof JL et al. Anesthesiology 1997;87:979 (healthy 70 kg adult: about 8 min)"
SAFAR = "Safar P. Circulation 1986;74(suppl IV):IV138 (about 10 min of no-flow)"
ROSSEN = "Rossen R et al. Arch Neurol Psychiatry 1943;50:510 (6-10 s of no cerebral flow)"
ASPHYXIA = (
    "asphyxiated animals lose aortic pulsation within minutes of airway occlusion "
    "(Albaghdadi AS et al. Resuscitation 2010;81:353; Vaagenes P et al. Resuscitation "
    "1997;35:41)"
)


def _blood_volume_at_rest(twin) -> float:
    return twin.vitals()["blood_volume"]


# --- haemorrhage: ATLS classes ---------------------------------------------------------
BLEED_ML_PER_MIN = 100.0
WAIT_S = 300.0
READ_S = 120.0
ADMISSION_S = 3600.0
"""When a class's base deficit is read, from the start of the bleed: the table's base
deficit classes were measured at emergency-department admission (Mutschler M et al.
Crit Care 2013;17:R42, TraumaRegister DGU), about an hour after injury."""
MUTSCHLER = "Mutschler M et al. Crit Care 2013;17:R42 (base deficit at admission)"


def _class_bleed(loss: float) -> Callable:
    def protocol(twin) -> list[tuple[float, str]]:
        volume = loss * _blood_volume_at_rest(twin)
        return [(START_S, f"haemorrhage {volume:.0f} mL over {volume / BLEED_ML_PER_MIN:.3f} min")]

    return protocol


def _class_end_s(loss: float, blood_volume_mL: float = 5400.0) -> float:
    return START_S + loss * blood_volume_mL / BLEED_ML_PER_MIN * 60.0 + WAIT_S


Band = tuple[float | None, float | None, float | None]
"""(low, high, point) of an expectation."""

DIRECTIONS: dict[str, Band] = {
    "no change": (None, None, 1.0),
    "no change or raised": (1.0, None, None),
    "raised": (1.1, None, None),
    "raised or greatly raised": (1.1, None, None),
    "no change or decreased": (None, 1.0, None),
    "decreased": (None, 0.9, None),
    "greatly decreased": (None, 0.5, None),
}
"""The ATLS table's words as ratios to rest: a change of at least 10 % is a change, a
halving a great one."""
SIGNS = ("heart_rate", "systolic_bp", "pulse_pressure", "respiratory_rate", "urine_output")
"""The signs of the ATLS table that the scenarios read (its GCS is not modelled)."""
CLASS_TABLE = files("medtwin") / "data" / "hemorrhage_classes.csv"


def atls_classes() -> dict[str, dict[str, str]]:
    """The ATLS 10th-edition table by class (`medtwin/data/hemorrhage_classes.csv`)."""
    with CLASS_TABLE.open(encoding="utf-8") as handle:
        return {row["class"]: row for row in csv.DictReader(handle)}


def base_deficit_band(text: str) -> tuple[float | None, float | None]:
    """Base excess range (mmol/L) from the table's words: '-2 to -6', '-10 or lower'."""
    if text.endswith("or lower"):
        return None, float(text.split()[0])
    first, second = (float(x) for x in text.split(" to "))
    return min(first, second), max(first, second)


def _class_scenario(name: str, loss: float) -> Scenario:
    signs = atls_classes()[name]
    end = _class_end_s(loss)
    window = (end - READ_S, end)
    expectations = [
        Expectation(f"{signal} / rest", "1", ratio(signal, *window), ATLS,
                    *DIRECTIONS[signs[signal]])
        for signal in SIGNS
    ]  # fmt: skip
    low, high = base_deficit_band(signs["base_deficit_mmol_per_L"])
    admission = START_S + ADMISSION_S
    expectations.append(
        Expectation("base_excess at 1 h", "mmol/L",
                    value("base_excess", admission - READ_S, admission),
                    f"{ATLS}; {MUTSCHLER}", low, high)
    )  # fmt: skip
    return Scenario(
        name=f"haemorrhage-class-{name.lower()}",
        title=f"Haemorrhage, ATLS class {name} ({loss:.0%} of blood volume), untreated",
        description=(
            f"{loss:.0%} of blood volume bled from an artery at {BLEED_ML_PER_MIN:g} mL/min, "
            f"the signs read over the last {READ_S:g} s of a {WAIT_S:g} s wait, the base "
            f"excess an hour after the bleed began"
        ),
        protocol=_class_bleed(loss),
        duration_s=max(end, admission),
        expectations=tuple(expectations),
        plotted=("heart_rate", "mean_arterial_pressure", "respiratory_rate", "base_excess"),
    )


CLASS_II, CLASS_III, CLASS_IV = (
    _class_scenario(name, loss) for name, loss in (("II", 0.225), ("III", 0.35), ("IV", 0.45))
)
"""Classes II and III at the middle of their bands (15-30 % and 30-40 %), IV inside its."""


def _class_iii_with_fluid(twin) -> list[tuple[float, str]]:
    orders = _class_bleed(0.35)(twin)
    return [*orders, (_class_end_s(0.35), "lactated Ringer's 1000 mL over 15 min")]


_FLUID_START = _class_end_s(0.35)
_FLUID_END = _FLUID_START + 15 * 60.0


def _after_over_before(signal: str) -> Callable[[Run], float]:
    def measure(run: Run) -> float:
        before = run.window(signal, _FLUID_START - READ_S, _FLUID_START)
        return run.window(signal, _FLUID_END, _FLUID_END + READ_S) / before

    return measure


CLASS_III_FLUID = Scenario(
    name="haemorrhage-class-iii-crystalloid",
    title="Haemorrhage, class III, then 1 L of lactated Ringer's",
    description="the class III bleed, then 1000 mL over 15 min; read the 2 min after",
    protocol=_class_iii_with_fluid,
    duration_s=_FLUID_END + READ_S,
    expectations=(
        Expectation(
            "MAP after / before fluid",
            "1",
            _after_over_before("mean_arterial_pressure"),
            "ATLS 10th ed. 2018 (class III: a transient or sustained response to a "
            "crystalloid bolus)",
            1.05,
            None,
        ),
        Expectation(
            "HR after / before fluid",
            "1",
            _after_over_before("heart_rate"),
            "ATLS 10th ed. 2018 (responders: heart rate falls)",
            None,
            1.0,
        ),
    ),
    plotted=("heart_rate", "mean_arterial_pressure", "central_venous_pressure"),
)


# --- haemorrhage: the two phases ---------------------------------------------------------
RAPID_ML_PER_MIN = 200.0


def _lost_fraction(run: Run) -> np.ndarray:
    volume = run.history["blood_volume"].to_numpy()
    return 1.0 - volume / run.window("blood_volume", *BASELINE)


def _map_at_loss(share: float) -> Callable[[Run], float]:
    def measure(run: Run) -> float:
        when = run.first_time(_lost_fraction(run) >= share)
        return run.at("mean_arterial_pressure", when) / run.window(
            "mean_arterial_pressure", *BASELINE
        )

    return measure


def _heart_rate_fall_in_phase_two(run: Run) -> float:
    """Heart rate at 37.5 % loss against its peak before: below 1 once the second phase
    withdraws sympathetic drive (NaN if the loss was never reached)."""
    when = run.first_time(_lost_fraction(run) >= 0.375)
    before = run.history.loc[run.history["time_s"] <= when, "heart_rate"]
    return float(before.iloc[-1] / before.max()) if len(before) else np.nan


RAPID_BLEED = Scenario(
    name="haemorrhage-rapid",
    title="Rapid arterial haemorrhage, 200 mL/min",
    description="bleeding at 200 mL/min from an artery for 20 minutes",
    protocol=lambda twin: [(START_S, f"haemorrhage {RAPID_ML_PER_MIN:g} mL/min")],
    duration_s=START_S + 20 * 60.0,
    expectations=(
        Expectation(
            "MAP / rest at 20 % loss",
            "1",
            _map_at_loss(0.20),
            SCHADT + ": phase 1, pressure held",
            None,
            None,
            1.0,
        ),
        Expectation(
            "MAP / rest at 37.5 % loss",
            "1",
            _map_at_loss(0.375),
            SCHADT + ": phase 2, pressure falls to about half",
            0.4,
            0.6,
        ),
        Expectation(
            "HR at 37.5 % loss / its peak",
            "1",
            _heart_rate_fall_in_phase_two,
            SCHADT + ": heart rate falls in phase 2",
            None,
            0.95,
        ),
    ),
    plotted=("heart_rate", "mean_arterial_pressure", "cardiac_output", "blood_volume"),
)


# --- haemorrhage: the point of no return -------------------------------------------------
GUYTON = (
    "Guyton & Hall, Textbook of Medical Physiology, 11th ed., 2006, ch. 24 and its figure "
    "of dogs bled rapidly to different pressures: those left above about 45 mmHg "
    "recovered, those taken below it went on falling after the bleeding stopped and died"
)
THRESHOLD_BLEED_ML_PER_MIN = 300.0
OBSERVED_AFTER_S = 3600.0
THRESHOLD_AVERAGE_S = 10.0
"""Seconds of 1 Hz mean-pressure readings averaged to decide that the target is reached."""


def _bleed_until_map(target_mmHg: float) -> Callable:
    """Guyton's protocol: bleed fast from an artery and stop once the mean pressure has
    fallen to `target_mmHg` (found on a fork of the twin, so the run is one timed plan).
    The pressure is averaged over `THRESHOLD_AVERAGE_S`, so that one breath's dip does
    not stop the bleed early."""

    def protocol(twin) -> list[tuple[float, str]]:
        probe = twin.fork()
        probe.advance(START_S - probe.time_s)
        probe.apply(f"haemorrhage {THRESHOLD_BLEED_ML_PER_MIN:g} mL/min")
        recent = deque(maxlen=int(THRESHOLD_AVERAGE_S))
        while len(recent) < recent.maxlen or np.mean(recent) > target_mmHg:
            if probe.time_s > START_S + 1800.0:
                raise RuntimeError(f"the bleed never took MAP down to {target_mmHg} mmHg")
            probe.advance(1.0)
            recent.append(probe.vitals()["mean_arterial_pressure"])
        return [
            (START_S, f"haemorrhage {THRESHOLD_BLEED_ML_PER_MIN:g} mL/min"),
            (probe.time_s, "stop haemorrhage"),
        ]

    return protocol


def _bleeding_stopped_s(run: Run) -> float:
    return next(e.time_s for e in run.twin.events if e.action.kind == "stop_haemorrhage")


def _map_after_stop(after_s: float) -> Callable[[Run], float]:
    """Mean pressure over a minute `after_s` after the bleeding stopped, against the
    pressure when it stopped."""

    def measure(run: Run) -> float:
        stop = _bleeding_stopped_s(run)
        later = run.window("mean_arterial_pressure", stop + after_s - 60.0, stop + after_s)
        return later / run.at("mean_arterial_pressure", stop)

    return measure


def _hours_from_stop_to_death(run: Run) -> float:
    deaths = [e.time_s for e in run.twin.events if e.action.kind == "death"]
    return (deaths[0] - _bleeding_stopped_s(run)) / 3600.0 if deaths else np.inf


def _threshold_scenario(target_mmHg: float, recovers: bool) -> Scenario:
    fate = "recovers" if recovers else "past the point of no return"
    expectations = (
        Expectation("MAP 1 h after the bleed / at its end", "1",
                    _map_after_stop(OBSERVED_AFTER_S), GUYTON,
                    *((1.1, None) if recovers else (None, 0.5))),
        Expectation("MAP 30 min after the bleed / at its end", "1",
                    _map_after_stop(1800.0), GUYTON, *((1.1, None) if recovers else (None, 0.5))),
    )  # fmt: skip
    if not recovers:
        expectations += (
            Expectation("hours from the end of the bleed to death", "h",
                        _hours_from_stop_to_death, GUYTON, None, 4.0),
        )  # fmt: skip
    return Scenario(
        name=f"haemorrhage-to-{target_mmHg:g}-mmHg",
        title=f"Rapid haemorrhage to MAP {target_mmHg:g} mmHg, then stopped: {fate}",
        description=(
            f"bleeding at {THRESHOLD_BLEED_ML_PER_MIN:g} mL/min from an artery until the "
            f"mean pressure is {target_mmHg:g} mmHg, then untreated for an hour"
        ),
        protocol=_bleed_until_map(target_mmHg),
        duration_s=START_S + 1800.0 + OBSERVED_AFTER_S,
        expectations=expectations,
        plotted=("mean_arterial_pressure", "heart_rate", "cardiac_output", "blood_volume"),
    )


ABOVE_THRESHOLD = _threshold_scenario(55.0, recovers=True)
BELOW_THRESHOLD = _threshold_scenario(30.0, recovers=False)


# --- apnoea ------------------------------------------------------------------------------
PARALYSE = "rocuronium 1.2 mg/kg IV bolus"


def _apnoea_onset(run: Run) -> float:
    """The first second with no breath moving air."""
    return run.first_time(run.history["respiratory_rate"].to_numpy() == 0.0, after_s=START_S)


def _paco2_rise(from_min: float, to_min: float, per_minute: bool) -> Callable[[Run], float]:
    def measure(run: Run) -> float:
        onset = _apnoea_onset(run)
        start = run.at("paco2", onset + 60.0 * from_min)
        rise = run.at("paco2", onset + 60.0 * to_min) - start
        return rise / (to_min - from_min) if per_minute else rise

    return measure


def _minutes_to(condition: Callable[[Run], np.ndarray]) -> Callable[[Run], float]:
    def measure(run: Run) -> float:
        onset = _apnoea_onset(run)
        return (run.first_time(condition(run), after_s=onset) - onset) / 60.0

    return measure


def _spo2_below_90(run: Run) -> np.ndarray:
    return run.history["spo2"].to_numpy() < 90.0


def _arrested(run: Run) -> np.ndarray:
    return run.rhythm != "sinus"


PREOXYGENATION_S = 300.0
"""Five minutes of tidal breathing of O2 through a tight face mask (Edmark 2003)."""


APNOEA_PREOXYGENATED = Scenario(
    name="apnoea-preoxygenated",
    title="Apnoea after preoxygenation (face mask, FiO2 1.0)",
    description=(
        "5 min breathing O2 through a tight face mask, then paralysed and not ventilated "
        "(the mask stays on)"
    ),
    protocol=lambda twin: [(0.0, "oxygen facemask FiO2 1"), (PREOXYGENATION_S, PARALYSE)],
    duration_s=PREOXYGENATION_S + 15 * 60.0,
    expectations=(
        Expectation(
            "PaCO2 rise, first minute", "mmHg", _paco2_rise(0.0, 1.0, False), EGER_STOCK, 8.0, 16.0
        ),
        Expectation(
            "PaCO2 rise, minutes 1-5", "mmHg/min", _paco2_rise(1.0, 5.0, True), EGER_STOCK, 3.0, 6.0
        ),
        Expectation(
            "minutes to SpO2 < 90 %", "min", _minutes_to(_spo2_below_90), BENUMOF, 6.0, 10.0
        ),
    ),
    plotted=("spo2", "paco2", "heart_rate", "mean_arterial_pressure"),
)


def _minutes_from_arrest_to_death(run: Run) -> float:
    arrest = run.first_time(_arrested(run))
    deaths = [e.time_s for e in run.twin.events if e.action.kind == "death"]
    return (deaths[0] - arrest) / 60.0 if deaths else np.nan


DEATH_AFTER_ARREST = Expectation(
    "minutes from arrest to death", "min", _minutes_from_arrest_to_death, SAFAR, None, None, 10.0
)


def _heart_rate_before_arrest(run: Run) -> float:
    arrest = run.first_time(_arrested(run))
    return run.at("heart_rate", arrest - 15.0) / run.window("heart_rate", *BASELINE)


HYPOXIC_ARREST = Scenario(
    name="apnoea-room-air-arrest",
    title="Apnoea on room air: hypoxic arrest and death",
    description="breathing air, paralysed and not ventilated, untreated for 25 minutes",
    protocol=lambda twin: [(START_S, PARALYSE)],
    duration_s=START_S + 25 * 60.0,
    expectations=(
        Expectation(
            "minutes from apnoea to arrest", "min", _minutes_to(_arrested), ASPHYXIA, 5.0, 12.0
        ),
        Expectation(
            "HR before arrest / rest",
            "1",
            _heart_rate_before_arrest,
            "Vatner SF. Circ Res 1980;47:201; Senges J et al. Circ Res 1979;44:856 "
            "(hypoxic bradycardia precedes arrest)",
            None,
            0.8,
        ),
        DEATH_AFTER_ARREST,
    ),
    plotted=("spo2", "paco2", "heart_rate", "mean_arterial_pressure", "consciousness_index"),
)


def _seconds_after_vf(condition: Callable[[Run], np.ndarray]) -> Callable[[Run], float]:
    return lambda run: run.first_time(condition(run), after_s=START_S) - START_S


VF_ARREST = Scenario(
    name="ventricular-fibrillation",
    title="Ventricular fibrillation at rest, untreated",
    description="an instructor's ventricular fibrillation at rest, no treatment",
    protocol=lambda twin: [(START_S, "rhythm ventricular fibrillation")],
    duration_s=START_S + 11 * 60.0,
    expectations=(
        Expectation(
            "seconds to unconsciousness (index < 40)",
            "s",
            _seconds_after_vf(lambda run: run.history["consciousness_index"].to_numpy() < 40.0),
            ROSSEN,
            5.0,
            15.0,
        ),
        Expectation(
            "seconds to MAP < 20 mmHg",
            "s",
            _seconds_after_vf(lambda run: run.history["mean_arterial_pressure"].to_numpy() < 20.0),
            "no ejection in fibrillation: pressure falls to "
            "the mean systemic filling pressure within seconds (Guyton & Hall 2006 "
            "ch. 20)",
            None,
            10.0,
        ),
        DEATH_AFTER_ARREST,
    ),
    plotted=("mean_arterial_pressure", "consciousness_index", "etco2"),
)


# --- resuscitation -------------------------------------------------------------------------
AHA_ETCO2 = (
    "Link MS et al. Circulation 2015;132:S444 (AHA 2015: end-tidal CO2 under 10 mmHg "
    "during CPR means poor compressions; 10-20 mmHg with good CPR); Weil MH et al. Crit "
    "Care Med 1985;13:907 (end-tidal CO2 follows cardiac output)"
)
VOORHEES = (
    "Voorhees WD et al. Crit Care Med 1980;8:134 (CPR gives a fifth to a quarter of normal output)"
)
CPR_START_S = START_S + 60.0
CPR_WINDOW = (CPR_START_S + 60.0, CPR_START_S + 120.0)


def _vf_with(*orders: str) -> Callable:
    def protocol(twin) -> list[tuple[float, str]]:
        return [(START_S, "rhythm ventricular fibrillation"), *((CPR_START_S, o) for o in orders)]

    return protocol


CPR_IN_VF = Scenario(
    name="cpr-in-ventricular-fibrillation",
    title="Ventricular fibrillation: a minute untreated, then good CPR with a bag",
    description=(
        "fibrillation, then compressions at 110/min, 5.5 cm and bag ventilation 10/min "
        "of 500 mL O2; read over the second minute of CPR"
    ),
    protocol=_vf_with(
        "start CPR rate 110 depth 5.5 cm", "bag-valve-mask rate 10 volume 500 mL FiO2 1"
    ),
    duration_s=CPR_WINDOW[1],
    seed=2,
    expectations=(
        Expectation(
            "cardiac output / rest", "1", ratio("cardiac_output", *CPR_WINDOW), VOORHEES, 0.17, 0.27
        ),
        Expectation("end-tidal CO2", "mmHg", value("etco2", *CPR_WINDOW), AHA_ETCO2, 10.0, 20.0),
    ),
    plotted=("cardiac_output", "mean_arterial_pressure", "etco2", "coronary_perfusion_pressure"),
)
VF_VENTILATED_ONLY = Scenario(
    name="ventricular-fibrillation-ventilated-without-cpr",
    title="Ventricular fibrillation, bag ventilation but no compressions",
    description="fibrillation, then bag ventilation 10/min of 500 mL O2 and no compressions",
    protocol=_vf_with("bag-valve-mask rate 10 volume 500 mL FiO2 1"),
    duration_s=CPR_WINDOW[1],
    seed=2,
    expectations=(
        Expectation(
            "end-tidal CO2 in the second minute",
            "mmHg",
            value("etco2", *CPR_WINDOW),
            AHA_ETCO2 + ": no flow, no CO2 to the lungs",
            None,
            2.0,
        ),
    ),
    plotted=("cardiac_output", "etco2"),
)


def _oesophageal_intubation(twin) -> list[tuple[float, str]]:
    return [(START_S, PARALYSE), (START_S + 30.0, "intubate oesophagus"),
            (START_S + 30.0, "ventilator VC rate 12 VT 500 mL PEEP 5 FiO2 1")]  # fmt: skip


OESOPHAGEAL_WINDOW = (START_S + 240.0, START_S + 300.0)
OESOPHAGEAL_INTUBATION = Scenario(
    name="oesophageal-intubation",
    title="Paralysed, a tube in the oesophagus, on a ventilator",
    description="rocuronium, a misplaced tube and volume control at FiO2 1.0 for 5 min",
    protocol=_oesophageal_intubation,
    duration_s=OESOPHAGEAL_WINDOW[1],
    expectations=(
        Expectation(
            "end-tidal CO2",
            "mmHg",
            value("etco2", *OESOPHAGEAL_WINDOW),
            "Link 2015 (AHA: no CO2 on the capnogram of an oesophageal tube)",
            None,
            None,
            0.0,
        ),
        Expectation(
            "exhaled tidal volume",
            "mL",
            value("exhaled_tidal_volume", *OESOPHAGEAL_WINDOW),
            "Link 2015 (AHA: an oesophageal tube ventilates no lung)",
            None,
            None,
            0.0,
        ),
        Expectation(
            "PaCO2 rise",
            "mmHg",
            change("paco2", *OESOPHAGEAL_WINDOW),
            EGER_STOCK + " (apnoea)",
            8.0,
            None,
        ),
    ),
    plotted=("spo2", "paco2", "etco2", "exhaled_tidal_volume"),
)


LEIGH_SMITH = (
    "Leigh-Smith S, Harris T. Emerg Med J 2005;22:8 (in breathing patients: respiratory "
    "distress and hypoxaemia first and nearly always, hypotension uncommon and late, as "
    "the tension grows only while inspiration draws air through the tear)"
)
PTX_START_S = START_S
NEEDLE_S = PTX_START_S + 720.0


def _tension_pneumothorax(twin) -> list[tuple[float, str]]:
    return [(PTX_START_S, "tension pneumothorax left 0.6"), (NEEDLE_S, "needle decompression left")]


TENSION_PNEUMOTHORAX = Scenario(
    name="tension-pneumothorax",
    title="Tension pneumothorax while breathing (left, 0.6), needle at 12 min",
    description="an air leak into the left pleural space, untreated for 12 min, then a needle",
    protocol=_tension_pneumothorax,
    duration_s=NEEDLE_S + 120.0,
    expectations=(
        Expectation(
            "PaO2 at 3 min / rest",
            "1",
            ratio("pao2", PTX_START_S + 160, PTX_START_S + 180),
            LEIGH_SMITH,
            None,
            0.8,
        ),
        Expectation(
            "MAP at 3 min / rest",
            "1",
            ratio("mean_arterial_pressure", PTX_START_S + 160, PTX_START_S + 180),
            LEIGH_SMITH + ": pressure held while the lung collapses",
            0.95,
            None,
        ),
        Expectation(
            "respiratory rate rise at 12 min",
            "/min",
            change("respiratory_rate", NEEDLE_S - 60, NEEDLE_S),
            LEIGH_SMITH,
            3.0,
            None,
        ),
        Expectation(
            "heart rate at 12 min / rest",
            "1",
            ratio("heart_rate", NEEDLE_S - 60, NEEDLE_S),
            LEIGH_SMITH + "; ATLS 10th ed. 2018 ch. 4 (tension pneumothorax: tachycardia)",
            1.1,
            None,
        ),
        Expectation(
            "SpO2 at 12 min",
            "%",
            value("spo2", NEEDLE_S - 20, NEEDLE_S),
            LEIGH_SMITH,
            None,
            92.0,
        ),
        Expectation(
            "MAP at 12 min / rest",
            "1",
            ratio("mean_arterial_pressure", NEEDLE_S - 20, NEEDLE_S),
            LEIGH_SMITH,
            0.7,
            1.0,
        ),
        Expectation(
            "MAP 2 min after the needle / rest",
            "1",
            ratio("mean_arterial_pressure", NEEDLE_S + 100, NEEDLE_S + 120),
            "ATLS 10th ed. 2018 ch. 4 (decompression relieves the tension)",
            0.9,
            None,
        ),
    ),
    plotted=("pao2", "respiratory_rate", "mean_arterial_pressure", "pleural_pressure_left"),
)


BTS = "BTS/SIGN British guideline on the management of asthma, 2019 (acute severe asthma)"
SPASM_S = START_S
SALBUTAMOL_S = SPASM_S + 600.0
SPASM_WINDOW = (SALBUTAMOL_S - 60.0, SALBUTAMOL_S)
DISTRESS_GAP = (
    "the distress of an asthma attack (dyspnoea, anxiety, its catecholamines) is not "
    "modelled: heart rate rises only as far as the blood gases drive it"
)


def _severe_asthma(twin) -> list[tuple[float, str]]:
    return [(SPASM_S, "bronchospasm 0.6"), (SALBUTAMOL_S, "salbutamol 250 mcg IV bolus")]


MCFADDEN = "McFadden ER, Lyons HA. N Engl J Med 1968;278:1027 (101 acute attacks)"


SEVERE_ASTHMA = Scenario(
    name="acute-severe-asthma",
    title="Acute severe asthma (bronchospasm 0.6), then IV salbutamol at 10 min",
    description="bronchospasm taking 60 % of the small airways, salbutamol 250 mcg at 10 min",
    protocol=_severe_asthma,
    duration_s=SALBUTAMOL_S + 300.0,
    expectations=(
        Expectation(
            "peak flow, % predicted",
            "%",
            value("peak_flow_percent_predicted", *SPASM_WINDOW),
            BTS,
            33.0,
            50.0,
        ),
        Expectation(
            "respiratory rate",
            "/min",
            value("respiratory_rate", *SPASM_WINDOW),
            BTS,
            25.0,
            None,
        ),
        Expectation(
            "heart rate",
            "/min",
            value("heart_rate", *SPASM_WINDOW),
            BTS,
            110.0,
            None,
            known_gap=DISTRESS_GAP,
        ),
        Expectation(
            "PaO2",
            "mmHg",
            value("pao2", *SPASM_WINDOW),
            MCFADDEN + ": hypoxaemia from altered V/Q in 91 of 101",
            50.0,
            80.0,
        ),
        Expectation(
            "PaCO2",
            "mmHg",
            value("paco2", *SPASM_WINDOW),
            MCFADDEN + ": hypocapnia in most, CO2 retention only at extreme obstruction",
            None,
            42.0,
        ),
        Expectation(
            "peak flow rise 5 min after salbutamol",
            "% predicted",
            lambda run: (
                run.window("peak_flow_percent_predicted", SALBUTAMOL_S + 240, SALBUTAMOL_S + 300)
                - run.window("peak_flow_percent_predicted", *SPASM_WINDOW)
            ),
            BTS + ": bronchodilators within minutes",
            8.0,
            None,
        ),
    ),
    plotted=("peak_flow_percent_predicted", "respiratory_rate", "spo2", "paco2"),
)


NEAR_FATAL_S = START_S + 600.0
NEAR_FATAL_END_S = NEAR_FATAL_S + 1800.0
NEAR_FATAL_ASTHMA = Scenario(
    name="near-fatal-asthma",
    title="Near-fatal asthma (bronchospasm 0.85), untreated for 40 min",
    description="bronchospasm taking 85 % of the small airways; the breathing muscles tire",
    protocol=lambda twin: [(START_S, "bronchospasm 0.85")],
    duration_s=NEAR_FATAL_END_S,
    expectations=(
        Expectation(
            "peak flow, % predicted",
            "%",
            value("peak_flow_percent_predicted", NEAR_FATAL_S - 60.0, NEAR_FATAL_S),
            BTS + ": life-threatening below 33 %",
            None,
            33.0,
        ),
        Expectation(
            "SpO2 at 40 min",
            "%",
            value("spo2", NEAR_FATAL_END_S - 60.0, NEAR_FATAL_END_S),
            BTS + ": life-threatening below 92 %",
            None,
            92.0,
        ),
        Expectation(
            "PaCO2 rise from 10 to 40 min",
            "mmHg",
            change_from(
                "paco2",
                (NEAR_FATAL_END_S - 60.0, NEAR_FATAL_END_S),
                (NEAR_FATAL_S - 60.0, NEAR_FATAL_S),
            ),
            MCFADDEN + "; Bellemare F, Grassino A. J Appl Physiol 1982;53:1190 (fatigue "
            "above the critical tension-time index): CO2 retention as the muscles fail",
            5.0,
            None,
        ),
    ),
    plotted=("paco2", "spo2", "respiratory_rate", "tidal_volume"),
)


# --- drugs ---------------------------------------------------------------------------------
DRUG_PATIENTS = ("standard-male", "standard-female")
FORSTER_BABER = (
    "Forster A et al. Br J Anaesth 1980;52:907 (121 to 115 mmHg, 77 to 88-90 /min); "
    "Baber R et al. Anaesth Intensive Care 1982;10:29 (128 to 114 mmHg, 81 to 88 /min)"
)
GUINARD = "Guinard JP et al. Anesthesiology 1990;73:386 (10 mcg IV test dose, within 2 min)"
ENSINGER = "Ensinger H et al. Crit Care Med 1992;20:1250 (healthy volunteers)"
KOPMAN = "Kopman AF et al. Anesthesiology 2003;99:1050 (1 mg/kg: 9.3 +/- 1.2 min)"
MORPHINE_HR = (
    "Leaman DM et al. Am J Cardiol 1978;41:324 (0.2 mg/kg: 69.5 to 72.6 /min at 15 min, "
    "n.s.); Timmis AD et al. Br Med J 1980;280:980 (109 to 101 /min in infarction)"
)


def _after_order(signal: str, start_s: float, end_s: float) -> Callable[[Run], float]:
    """Mean of `signal` from `start_s` to `end_s` after the order."""
    return value(signal, START_S + start_s, START_S + end_s)


def _peak_rise(signal: str, within_s: float) -> Callable[[Run], float]:
    """The highest value of `signal` within `within_s` of the order, minus its baseline."""

    def measure(run: Run) -> float:
        times = run.history["time_s"]
        rows = run.history.loc[(times > START_S) & (times <= START_S + within_s), signal]
        return float(rows.max() - run.window(signal, *BASELINE))

    return measure


def _lowest_ratio(signal: str) -> Callable[[Run], float]:
    """The lowest value of `signal` after the order over its baseline."""

    def measure(run: Run) -> float:
        rows = run.history.loc[run.history["time_s"] > START_S, signal]
        return float(rows.min() / run.window(signal, *BASELINE))

    return measure


def _minutes_to_twitch_recovery(run: Run) -> float:
    """Minutes from the order to 90 % single-twitch height, after the block."""
    recovered = run.history["twitch_height"].to_numpy() >= 0.9
    return (run.first_time(recovered, after_s=START_S + 60.0) - START_S) / 60.0


def _lowest_ratio_during_block(run: Run) -> float:
    """The lowest train-of-four ratio while the twitch is depressed (10-90 %)."""
    twitch = run.history["twitch_height"]
    return float(run.history.loc[(twitch > 0.1) & (twitch < 0.9), "train_of_four_ratio"].min())


def _drug_scenarios(
    name: str, order: str, title: str, minutes: float, effects: tuple[Expectation, ...]
) -> tuple[Scenario, ...]:
    """One scenario of `order` at rest per standard patient."""
    return tuple(
        Scenario(
            name=f"drug-{name}-{patient.removeprefix('standard-')}",
            title=f"{title} ({patient})",
            description=f"at rest: {order}",
            protocol=lambda twin: [(START_S, order)],
            duration_s=START_S + minutes * 60.0,
            expectations=effects,
            patient=patient,
            plotted=("heart_rate", "mean_arterial_pressure", "systolic_bp", "respiratory_rate"),
        )
        for patient in DRUG_PATIENTS
    )


DRUGS = (
    *_drug_scenarios("midazolam", "midazolam 0.15 mg/kg IV bolus", "Midazolam 0.15 mg/kg IV", 10, (
        Expectation("systolic / rest at 3-5 min", "1", ratio("systolic_bp", START_S + 180,
                    START_S + 300), FORSTER_BABER, 0.89, 0.95),
        Expectation("HR / rest at 3-5 min", "1", ratio("heart_rate", START_S + 180,
                    START_S + 300), FORSTER_BABER, 1.09, 1.17),
        Expectation("lowest minute ventilation / rest", "1", _lowest_ratio("minute_ventilation"),
                    "Baber 1982 (apnoea in 14 of 57 patients, respiratory rate falls)",
                    None, 0.9),
    )),
    *_drug_scenarios("epinephrine", "epinephrine 10 mcg IV bolus", "Epinephrine 10 mcg IV", 5, (
        Expectation("peak HR rise, 2 min", "/min", _peak_rise("heart_rate", 120), GUINARD,
                    31.0, 38.0),
        Expectation("peak systolic rise, 2 min", "mmHg", _peak_rise("systolic_bp", 120),
                    GUINARD, 17.0, 26.0),
    )),
    *_drug_scenarios("norepinephrine", "norepinephrine 0.2 mcg/kg/min IV infusion",
                     "Norepinephrine 0.2 mcg/kg/min", 15, (
        Expectation("systolic / rest at 5-10 min", "1", ratio("systolic_bp", START_S + 300,
                    START_S + 600), ENSINGER + ": systolic pressure rises about 30-40 %",
                    1.3, 1.4),
        Expectation("plasma level at 14-15 min", "ng/mL",
                    _after_order("norepinephrine_plasma_concentration_ng_per_mL", 840, 900),
                    ENSINGER + ": 0.199 to 7.475 ng/mL", None, None, 7.475 - 0.199),
    )),
    *_drug_scenarios("succinylcholine", "succinylcholine 1 mg/kg IV bolus",
                     "Succinylcholine 1 mg/kg IV", 15, (
        Expectation("minutes to 90 % twitch height", "min", _minutes_to_twitch_recovery,
                    KOPMAN, 8.1, 10.5),
        Expectation("lowest TOF ratio during the block", "1", _lowest_ratio_during_block,
                    "Lee C. Br J Anaesth 1975;47:841 (phase I block: no train-of-four fade)",
                    None, None, 1.0),
    )),
    *_drug_scenarios("morphine", "morphine 0.2 mg/kg IV bolus", "Morphine 0.2 mg/kg IV", 16, (
        Expectation("HR / rest at 14-15 min", "1", ratio("heart_rate", START_S + 840,
                    START_S + 900), MORPHINE_HR, 0.9, 1.05),
    )),
)  # fmt: skip

SCENARIOS: tuple[Scenario, ...] = (
    CLASS_II,
    CLASS_III,
    CLASS_IV,
    CLASS_III_FLUID,
    RAPID_BLEED,
    ABOVE_THRESHOLD,
    BELOW_THRESHOLD,
    APNOEA_PREOXYGENATED,
    HYPOXIC_ARREST,
    VF_ARREST,
    CPR_IN_VF,
    VF_VENTILATED_ONLY,
    OESOPHAGEAL_INTUBATION,
    TENSION_PNEUMOTHORAX,
    SEVERE_ASTHMA,
    NEAR_FATAL_ASTHMA,
    *ACID_BASE,
    *AIRWAY_AND_CHEST,
    *VENTILATION,
    *ARRHYTHMIAS,
    *DRUGS,
)
"""Every scenario validation, in report order."""
