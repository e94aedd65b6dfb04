"""Scenario validations of the unconscious patient's airway and of the chest: deep
propofol with the airway left alone and with a jaw thrust, 1500 mL bled into the left
chest, then drained, and a tension pneumothorax on a ventilator, then decompressed."""

from __future__ import annotations

from medtwin.scenario_validation.model import Expectation, Run, Scenario
from medtwin.scenario_validation.reading import (
    START_S,
    change,
    change_from,
    ratio,
    ratio_to,
    value,
)

AIRWAY = (
    "Nandi PR et al. Br J Anaesth 1991;66:157 (the anaesthetised pharynx closes); ASA 2019 "
    "continuum of depth of sedation (under general anaesthesia airway intervention is "
    "often required); Resuscitation Council UK 2021 (a jaw thrust opens it)"
)
ATLS_CHEST = (
    "American College of Surgeons, ATLS 10th ed. 2018, ch. 4 (massive haemothorax: shock "
    "with flat neck veins, hypoxia from the collapsed lung; a chest drain re-expands it)"
)
PROPOFOL = "propofol 250 mcg/kg/min IV infusion"
OBSTRUCTED_WINDOW = (START_S + 420.0, START_S + 480.0)
"""Seven to eight minutes into the infusion, when the unsupported pharynx has closed."""


def _deep_propofol(twin) -> list[tuple[float, str]]:
    return [(START_S, PROPOFOL)]


def _deep_propofol_jaw_thrust(twin) -> list[tuple[float, str]]:
    return [(START_S, PROPOFOL), (START_S, "jaw thrust")]


PROPOFOL_UNSUPPORTED = Scenario(
    name="propofol-airway-unsupported",
    title="Propofol 250 mcg/kg/min, airway left unsupported",
    description="a deep propofol infusion on room air, nobody holding the airway",
    protocol=_deep_propofol,
    duration_s=START_S + 480.0,
    expectations=(
        Expectation(
            "consciousness index at 7-8 min",
            "1",
            value("consciousness_index", *OBSTRUCTED_WINDOW),
            AIRWAY,
            None,
            60.0,
        ),
        Expectation(
            "airway resistance at 7-8 min / rest",
            "1",
            ratio("inspiratory_resistance", *OBSTRUCTED_WINDOW),
            AIRWAY,
            5.0,
            None,
        ),
        Expectation(
            "minute ventilation at 7-8 min / rest",
            "1",
            ratio("minute_ventilation", *OBSTRUCTED_WINDOW),
            AIRWAY,
            None,
            0.3,
        ),
    ),
    plotted=("consciousness_index", "inspiratory_resistance", "minute_ventilation", "spo2"),
)
PROPOFOL_JAW_THRUST = Scenario(
    name="propofol-airway-jaw-thrust",
    title="Propofol 250 mcg/kg/min with a jaw thrust",
    description="the same infusion with the airway held open from the start",
    protocol=_deep_propofol_jaw_thrust,
    duration_s=START_S + 480.0,
    expectations=(
        Expectation(
            "airway resistance at 7-8 min / rest",
            "1",
            ratio("inspiratory_resistance", *OBSTRUCTED_WINDOW),
            AIRWAY,
            0.9,
            1.1,
        ),
        Expectation(
            "minute ventilation at 7-8 min / rest",
            "1",
            ratio("minute_ventilation", *OBSTRUCTED_WINDOW),
            AIRWAY,
            0.3,
            None,
        ),
    ),
    plotted=("consciousness_index", "inspiratory_resistance", "minute_ventilation", "spo2"),
)

BLEED_S = START_S
DRAIN_S = BLEED_S + 900.0
BLED_WINDOW = (DRAIN_S - 60.0, DRAIN_S)
DRAINED_WINDOW = (DRAIN_S + 240.0, DRAIN_S + 300.0)


def _haemothorax(twin) -> list[tuple[float, str]]:
    return [(BLEED_S, "haemothorax left 1500 mL over 10 min"), (DRAIN_S, "chest drain left")]


def _pao2_after_over_before_drain(run: Run) -> float:
    return run.window("pao2", *DRAINED_WINDOW) / run.window("pao2", *BLED_WINDOW)


MASSIVE_HAEMOTHORAX = Scenario(
    name="massive-haemothorax",
    title="Massive haemothorax (1500 mL into the left chest over 10 min), drained at 15 min",
    description="blood bled into the left pleural space, untreated for 15 min, then a drain",
    protocol=_haemothorax,
    duration_s=DRAIN_S + 300.0,
    expectations=(
        Expectation(
            "heart rate at 15 min / rest",
            "1",
            ratio("heart_rate", *BLED_WINDOW),
            ATLS_CHEST,
            1.1,
            None,
        ),
        Expectation(
            "MAP at 15 min / rest",
            "1",
            ratio("mean_arterial_pressure", *BLED_WINDOW),
            ATLS_CHEST,
            None,
            1.0,
        ),
        Expectation(
            "PaO2 at 15 min / rest", "1", ratio("pao2", *BLED_WINDOW), ATLS_CHEST, None, 0.8
        ),
        Expectation(
            "CVP change at 15 min (flat neck veins)",
            "mmHg",
            change("central_venous_pressure", *BLED_WINDOW),
            ATLS_CHEST,
            None,
            0.0,
        ),
        Expectation(
            "PaO2 5 min after the drain / before",
            "1",
            _pao2_after_over_before_drain,
            ATLS_CHEST,
            1.15,
            None,
        ),
    ),
    plotted=("heart_rate", "mean_arterial_pressure", "pao2", "central_venous_pressure"),
)

SWINE_TENSION = (
    "Barton ED et al. J Emerg Med 1997;15:147; Nelson D et al. J Surg Res 2013, pii "
    "S0022-4804(13)00505-2 (ventilated swine: hypoxaemia first, then central venous "
    "pressure 7.6 to 15.2 mmHg and cardiac output down 67 % at a pleural 10 mmHg, "
    "pulseless electrical activity at about 20 mmHg)"
)
VENTILATED = (
    "midazolam 3 mg IV bolus", "fentanyl 100 mcg IV bolus", "rocuronium 0.6 mg/kg IV bolus",
    "intubate", "ventilator VC rate 14 VT 500 mL PEEP 5 FiO2 0.4",
)  # fmt: skip
VENTILATED_REST = (240.0, 300.0)
"""The ventilated baseline: the last minute before the leak."""
LEAK_S = VENTILATED_REST[1]
DECOMPRESS_S = LEAK_S + 600.0
TENSE_WINDOW = (DECOMPRESS_S - 30.0, DECOMPRESS_S)


def _ventilated_tension(twin) -> list[tuple[float, str]]:
    return [(0.0, order) for order in VENTILATED] + [
        (LEAK_S, "tension pneumothorax left 1"), (DECOMPRESS_S, "needle decompression left"),
    ]  # fmt: skip


VENTILATED_TENSION = Scenario(
    name="tension-pneumothorax-ventilated",
    title="Tension pneumothorax on volume control (left, 1), needle at 10 min",
    description="a sedated, paralysed, ventilated patient; a lung tear leaks for 10 min",
    protocol=_ventilated_tension,
    duration_s=DECOMPRESS_S + 120.0,
    expectations=(
        Expectation(
            "PaO2 at 3 min / ventilated rest",
            "1",
            ratio_to("pao2", (LEAK_S + 160.0, LEAK_S + 180.0), VENTILATED_REST),
            SWINE_TENSION,
            None,
            0.8,
        ),
        Expectation(
            "peak airway pressure rise at 10 min",
            "cmH2O",
            change_from("peak_inspiratory_pressure", TENSE_WINDOW, VENTILATED_REST),
            "Leigh-Smith S, Harris T. Emerg Med J 2005;22:8 (on a ventilator the airway "
            "pressure rises as the tension builds)",
            5.0,
            None,
        ),
        Expectation(
            "CVP rise at 10 min",
            "mmHg",
            change_from("central_venous_pressure", TENSE_WINDOW, VENTILATED_REST),
            SWINE_TENSION,
            5.0,
            None,
        ),
        Expectation(
            "cardiac output at 10 min / ventilated rest",
            "1",
            ratio_to("cardiac_output", TENSE_WINDOW, VENTILATED_REST),
            SWINE_TENSION,
            None,
            0.6,
        ),
        Expectation(
            "MAP 2 min after the needle / ventilated rest",
            "1",
            ratio_to(
                "mean_arterial_pressure",
                (DECOMPRESS_S + 100.0, DECOMPRESS_S + 120.0),
                VENTILATED_REST,
            ),
            "ATLS 10th ed. 2018 ch. 4 (decompression relieves the tension)",
            0.9,
            None,
        ),
    ),
    plotted=(
        "peak_inspiratory_pressure",
        "central_venous_pressure",
        "cardiac_output",
        "mean_arterial_pressure",
    ),
)


AIRWAY_AND_CHEST = (
    PROPOFOL_UNSUPPORTED, PROPOFOL_JAW_THRUST, MASSIVE_HAEMOTHORAX, VENTILATED_TENSION,
)  # fmt: skip
"""The scenarios of this module, in report order."""
