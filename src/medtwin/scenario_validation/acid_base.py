"""Scenario validation of the breathing's answer to a lactic acidosis: an untreated
class III haemorrhage, whose lactic acidosis comes and clears, followed for 12 hours."""

from __future__ import annotations

from medtwin.scenario_validation.model import Expectation, Run, Scenario
from medtwin.scenario_validation.reading import START_S, change, value

LAG_SOURCE = (
    "Posner JB, Plum F. N Engl J Med 1967;277:605 (the cerebrospinal fluid stays acid, "
    "and breathing raised, for hours after the blood's acidosis is corrected); Albert "
    "MS, Dell RB, Winters RW. Ann Intern Med 1967;66:312 (Winter's PaCO2 = 1.5 HCO3 + 8)"
)
CLEARING_SOURCE = (
    "Levy B. Crit Care 2005;9:561 (adrenaline's lactate is transient); Levraut J et al. "
    "Am J Respir Crit Care Med 1998;157:1021 (clearance about 800 mL/min); ATLS 10th ed. "
    "2018 (class I: base deficit 0 to -2 mmol/L)"
)
ACUTE_SOURCE = (
    "Wasserman K et al. J Appl Physiol 1975;39:354 (the carotid bodies lower PaCO2 "
    "within minutes of a lactic acidosis); Adrogue HJ, Madias NE. N Engl J Med "
    "1998;338:26 (compensation begins at once and is complete only after 12-24 h)"
)
BLEED_ML = 1750.0
"""About 35 % of the standard man's blood volume (ATLS class III), at 100 mL/min."""
HOUR_S = 3600.0
CLEARED = (START_S + 12.0 * HOUR_S - 600.0, START_S + 12.0 * HOUR_S)
"""The last 10 minutes of 12 hours, when the lactic acid has been cleared."""
FIRST_HOUR = (START_S + HOUR_S - 600.0, START_S + HOUR_S)


def _bleed(twin) -> list[tuple[float, str]]:
    return [(START_S, f"haemorrhage {BLEED_ML:g} mL over {BLEED_ML / 100.0:g} min")]


def _paco2_less_winter(window: tuple[float, float]):
    """Mean PaCO2 over `window` less Winter's expected PaCO2 for the mean HCO3 there."""

    def measure(run: Run) -> float:
        # Winter's formula itself, independent of the engine's WINTER_SLOPE
        expected = 1.5 * run.window("hco3_arterial", *window) + 8.0
        return run.window("paco2", *window) - expected

    return measure


ACIDOSIS_COMPENSATION = Scenario(
    name="lactic-acidosis-compensation",
    title="Lactic acidosis of an untreated class III haemorrhage, 12 h",
    description=f"{BLEED_ML:g} mL bled at 100 mL/min and not replaced; breathing followed",
    protocol=_bleed,
    duration_s=CLEARED[1],
    expectations=(
        Expectation(
            "PaCO2 change at 1 h",
            "mmHg",
            change("paco2", *FIRST_HOUR),
            ACUTE_SOURCE,
            None,
            -5.0,
        ),
        Expectation(
            "PaCO2 less Winter's expected, 1 h",
            "mmHg",
            _paco2_less_winter(FIRST_HOUR),
            ACUTE_SOURCE + " (not yet compensated: above Winter's PaCO2)",
            0.0,
            None,
        ),
        Expectation(
            "base excess at 12 h",
            "mmol/L",
            value("base_excess", *CLEARED),
            CLEARING_SOURCE,
            -2.0,
            None,
        ),
        Expectation(
            "PaCO2 less Winter's expected, 12 h",
            "mmHg",
            _paco2_less_winter(CLEARED),
            LAG_SOURCE + " (the acid CSF keeps PaCO2 below Winter's)",
            None,
            0.0,
        ),
    ),
    plotted=("paco2", "hco3_arterial", "lactate", "minute_ventilation"),
)

ACID_BASE = (ACIDOSIS_COMPENSATION,)
"""The acid-base scenario validations, in report order."""
