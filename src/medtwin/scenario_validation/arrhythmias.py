"""Scenario validations of arrhythmias and their treatment: complete heart block through
atropine to pacing, AV-nodal re-entry ended by adenosine, and atrial fibrillation ended
by a synchronised shock."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from medtwin.scenario_validation.model import Expectation, Run, Scenario
from medtwin.scenario_validation.reading import START_S, ratio, value

RCUK = "Resuscitation Council UK, Advanced Life Support, 8th ed. 2021, ch. 11 (bradycardia)"
BRUGADA = "Brugada J et al. 2019 ESC Guidelines for SVT, Eur Heart J 2020;41:655"
DIMARCO = "DiMarco JP et al. Ann Intern Med 1990;113:104 (adenosine: 91 % by 12 mg)"
TATENO = "Tateno K, Glass L. Med Biol Eng Comput 2001;39:664 (RR variation about 0.2 in AF)"
PAGE = "Page RL et al. J Am Coll Cardiol 2002;39:1956 (biphasic cardioversion of AF)"


def share_in(rhythm: str, start_s: float, end_s: float) -> Callable[[Run], float]:
    """The share of the rows of [start_s, end_s] in `rhythm`."""

    def measure(run: Run) -> float:
        times = run.history["time_s"].to_numpy()
        rows = (times >= start_s) & (times <= end_s)
        return float(np.mean(run.rhythm[rows] == rhythm))

    return measure


def interval_variation(start_s: float, end_s: float) -> Callable[[Run], float]:
    """Coefficient of variation of the beat intervals the monitor counted (1 Hz)."""

    def measure(run: Run) -> float:
        times = run.history["time_s"]
        rate = run.history.loc[(times >= start_s) & (times <= end_s), "heart_rate"]
        intervals = 60.0 / rate.to_numpy()
        return float(np.std(intervals) / np.mean(intervals))

    return measure


ATROPINE_S, PACING_S, BLOCK_END_S = 240.0, 540.0, 720.0
BLOCK_WINDOW = (180.0, ATROPINE_S)
ATROPINE_WINDOW = (420.0, PACING_S)
PACED_WINDOW = (600.0, BLOCK_END_S)


def _block_heart_rate_after_atropine(run: Run) -> float:
    return run.window("heart_rate", *ATROPINE_WINDOW) / run.window("heart_rate", *BLOCK_WINDOW)


COMPLETE_BLOCK = Scenario(
    name="complete-heart-block-atropine-then-pacing",
    title="Complete heart block: atropine, then transcutaneous pacing",
    description=(
        "complete heart block with a ventricular escape; atropine 1 mg after 3 min; "
        "pacing at 70/min and 80 mA 5 min later"
    ),
    protocol=lambda twin: [
        (START_S, "rhythm complete heart block"),
        (ATROPINE_S, "atropine 1 mg IV bolus"),
        (PACING_S, "pace rate 70 current 80 mA"),
    ],
    duration_s=BLOCK_END_S,
    expectations=(
        Expectation("escape rate", "/min", value("heart_rate", *BLOCK_WINDOW), RCUK, 20.0, 40.0),
        Expectation(
            "systolic pressure in block (an adverse feature: shock)",
            "mmHg",
            value("systolic_bp", *BLOCK_WINDOW),
            RCUK + ": systolic below 90 mmHg",
            None,
            90.0,
        ),
        Expectation(
            "escape rate after atropine / before",
            "1",
            _block_heart_rate_after_atropine,
            RCUK + ": atropine does not speed a ventricular escape",
            0.9,
            1.1,
        ),
        Expectation(
            "paced rate",
            "/min",
            value("heart_rate", *PACED_WINDOW),
            "the pacemaker's rate once it captures (40-80 mA: Epstein AE et al. "
            "Circulation 2008;117:e350)",
            68.0,
            72.0,
        ),
        Expectation(
            "systolic pressure when paced",
            "mmHg",
            value("systolic_bp", *PACED_WINDOW),
            RCUK + ": pacing corrects the shock",
            90.0,
            None,
        ),
    ),
    plotted=("heart_rate", "mean_arterial_pressure", "cardiac_output"),
)

FIRST_DOSE_S, SECOND_DOSE_S, SVT_END_S = 180.0, 300.0, 480.0
SVT_ADENOSINE = Scenario(
    name="svt-adenosine-6-then-12-mg",
    title="AV-nodal re-entrant tachycardia: adenosine 6 mg, then 12 mg",
    description=(
        "AV-nodal re-entry at 180/min; adenosine 6 mg IV after 2 min and 12 mg 2 min "
        "later (seed 1: the 6 mg dose fails, as in a third of patients)"
    ),
    protocol=lambda twin: [
        (START_S, "rhythm supraventricular tachycardia"),
        (FIRST_DOSE_S, "adenosine 6 mg IV bolus"),
        (SECOND_DOSE_S, "adenosine 12 mg IV bolus"),
    ],
    duration_s=SVT_END_S,
    seed=1,
    expectations=(
        Expectation(
            "rate in re-entry",
            "/min",
            value("heart_rate", 120.0, FIRST_DOSE_S),
            BRUGADA,
            140.0,
            250.0,
        ),
        Expectation(
            "cardiac output in re-entry / rest",
            "1",
            ratio("cardiac_output", 120.0, FIRST_DOSE_S),
            "Ross J Jr, Linhart JW, Braunwald E. Circulation 1965;32:549 (pacing the resting "
            "heart up to about 150/min leaves cardiac output unchanged: stroke volume falls "
            "in proportion)",
            None,
            1.05,
            known_gap=(
                "the model's ventricles fill almost fully in any diastole, so output rises "
                "with rate (about 1.35 times rest at 180/min) and pressure with it"
            ),
        ),
        Expectation(
            "share of the last 2 min in sinus rhythm",
            "1",
            share_in("sinus", SVT_END_S - 120.0, SVT_END_S),
            DIMARCO,
            1.0,
            None,
        ),
        Expectation(
            "sinus rate after conversion / rest",
            "1",
            ratio("heart_rate", SVT_END_S - 60.0, SVT_END_S),
            DIMARCO + ": sinus rhythm restored, at the resting rate",
            0.85,
            1.15,
        ),
    ),
    plotted=("heart_rate", "mean_arterial_pressure", "cardiac_output"),
)

CARDIOVERSION_S, AF_END_S = 240.0, 360.0
AF_CARDIOVERSION = Scenario(
    name="atrial-fibrillation-cardioversion",
    title="Atrial fibrillation with a fast ventricular response, cardioverted at 120 J",
    description=(
        "atrial fibrillation at 150/min; a synchronised 120 J biphasic shock after 3 min "
        "(seed 2: it succeeds, as about two thirds of first shocks at this energy do)"
    ),
    protocol=lambda twin: [
        (START_S, "rhythm atrial fibrillation rate 150"),
        (CARDIOVERSION_S, "cardiovert 120 J"),
    ],
    duration_s=AF_END_S,
    seed=2,
    expectations=(
        Expectation(
            "ventricular rate in AF",
            "/min",
            value("heart_rate", 120.0, CARDIOVERSION_S),
            "the order's rate of 150/min, as the AV node conducts it",
            120.0,
            170.0,
        ),
        Expectation(
            "RR interval variation in AF",
            "1",
            interval_variation(120.0, CARDIOVERSION_S),
            TATENO,
            0.12,
            0.30,
        ),
        Expectation(
            "share of the last minute in sinus rhythm",
            "1",
            share_in("sinus", AF_END_S - 60.0, AF_END_S),
            PAGE,
            1.0,
            None,
        ),
        Expectation(
            "RR interval variation after the shock",
            "1",
            interval_variation(AF_END_S - 60.0, AF_END_S),
            "sinus rhythm varies by a few per cent (Task Force ESC/NASPE 1996)",
            None,
            0.06,
        ),
    ),
    plotted=("heart_rate", "mean_arterial_pressure", "cardiac_output"),
)

ARRHYTHMIAS = (COMPLETE_BLOCK, SVT_ADENOSINE, AF_CARDIOVERSION)
"""The arrhythmia scenarios, in report order."""
