"""The unconscious patient's airway: the pharynx closes without support, and head
tilt–chin lift, a jaw thrust, an adjunct or a tube opens it.

Sources: Nandi PR et al. Br J Anaesth 1991;66:157 (under anaesthesia the pharynx closes
at the soft palate and epiglottis); American Society of Anesthesiologists, Continuum of
depth of sedation, 2019 (moderate sedation: the airway needs no intervention; general
anaesthesia: intervention often required); Resuscitation Council UK 2021 (head
tilt–chin lift or jaw thrust opens the airway of an unconscious patient).
"""

from __future__ import annotations

import pytest

from medtwin import Twin

DEEP_PROPOFOL = "propofol 250 mcg/kg/min IV infusion"
"""Deep enough for general anaesthesia (BIS below 40 with the airway supported)."""


def _settled(orders: list[str], minutes: float = 6.0) -> dict:
    twin = Twin("standard-male", waveform_seconds=0)
    twin.advance(30)
    for order in orders:
        twin.apply(order)
    twin.advance(minutes * 60.0)
    return twin.history().iloc[-60:].mean().to_dict()


@pytest.fixture(scope="module")
def rest() -> dict:
    return _settled([])


def test_moderate_sedation_leaves_the_airway_open(rest):
    """Midazolam 5 mg (a BIS in the 80s: moderate sedation) needs no airway support."""
    sedated = _settled(["midazolam 5 mg IV bolus"])
    assert 70 < sedated["consciousness_index"] < 90
    assert sedated["inspiratory_resistance"] == pytest.approx(rest["inspiratory_resistance"],
                                                              rel=0.1)  # fmt: skip


def test_the_unsupported_pharynx_obstructs_under_deep_propofol_and_a_jaw_thrust_opens_it(rest):
    unsupported = _settled([DEEP_PROPOFOL], minutes=8.0)
    supported = _settled([DEEP_PROPOFOL, "jaw thrust"], minutes=8.0)
    assert supported["consciousness_index"] < 50  # general anaesthesia
    # obstruction: the airway's resistance several times its resting value, and less
    # air moved than with the airway held open
    assert unsupported["inspiratory_resistance"] > 5 * rest["inspiratory_resistance"]
    assert supported["inspiratory_resistance"] == pytest.approx(
        rest["inspiratory_resistance"], rel=0.1
    )
    assert unsupported["minute_ventilation"] < 0.5 * supported["minute_ventilation"]
    assert unsupported["pao2"] < supported["pao2"] - 5


@pytest.mark.parametrize("support", ["head tilt chin lift", "insert oropharyngeal airway",
                                     "insert nasopharyngeal airway"])  # fmt: skip
def test_every_manoeuvre_and_adjunct_holds_the_pharynx_open(rest, support):
    held = _settled([DEEP_PROPOFOL, support], minutes=8.0)
    assert held["inspiratory_resistance"] == pytest.approx(rest["inspiratory_resistance"],
                                                           rel=0.1)  # fmt: skip


def test_letting_go_of_the_jaw_lets_the_pharynx_close_again(rest):
    twin = Twin("standard-male", waveform_seconds=0)
    twin.apply(DEEP_PROPOFOL)
    twin.apply("jaw thrust")
    twin.advance(600)
    held = twin.vitals()["inspiratory_resistance"]
    twin.apply("stop jaw thrust")
    twin.advance(60)
    assert twin.vitals()["inspiratory_resistance"] > 5 * held


def test_a_tracheal_tube_bypasses_the_pharynx(rest):
    """A tube adds its own resistance but none of the pharynx's."""
    intubated = _settled(["intubate"])
    deep_intubated = _settled([DEEP_PROPOFOL, "intubate"], minutes=8.0)
    assert deep_intubated["consciousness_index"] < 50
    assert deep_intubated["inspiratory_resistance"] == pytest.approx(
        intubated["inspiratory_resistance"], rel=0.1
    )
