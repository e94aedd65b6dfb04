"""Haemothorax: blood bled into a pleural space is lost from the circulation and takes
the lung's room; a needle does not let it out, a chest drain does.

Source: American College of Surgeons, ATLS Student Course Manual, 10th ed., 2018, ch. 4
(a massive haemothorax, 1500 mL or more of blood in the chest, gives shock from the
blood lost and hypoxia from the collapsed lung, with flat neck veins from hypovolaemia;
it is treated by a chest drain and blood, not by needle decompression).
"""

from __future__ import annotations

import math

import pytest

from medtwin import Twin


@pytest.fixture(scope="module")
def bled():
    twin = Twin("standard-male", waveform_seconds=0)
    twin.advance(60)
    rest = twin.history().iloc[-60:].mean().to_dict()
    twin.apply("haemothorax left 1500 mL over 10 min")
    twin.advance(900)
    return rest, twin


def _last_minute(twin: Twin) -> dict:
    return twin.history().iloc[-60:].mean().to_dict()


def test_a_massive_haemothorax_is_blood_lost_and_a_lung_down(bled):
    rest, twin = bled
    now = _last_minute(twin)
    assert twin.blood_lost_mL == pytest.approx(1500, rel=0.1)
    assert now["mean_arterial_pressure"] < rest["mean_arterial_pressure"]
    assert now["heart_rate"] > rest["heart_rate"] + 10  # hypovolaemic tachycardia
    assert now["pao2"] < 0.8 * rest["pao2"]  # the collapsed lung's blood is a shunt
    assert now["central_venous_pressure"] < rest["central_venous_pressure"]  # flat neck veins


def test_a_needle_leaves_the_blood_and_a_chest_drain_lets_the_lung_up(bled):
    _, twin = bled
    needled, drained = twin.fork(), twin.fork()
    needled.apply("needle decompression left")
    drained.apply("chest drain left")
    needled.advance(300)
    drained.advance(300)
    before = _last_minute(twin)["pao2"]
    assert _last_minute(needled)["pao2"] == pytest.approx(before, rel=0.1)
    assert _last_minute(drained)["pao2"] > 1.15 * before


def test_the_drains_bottle_shows_the_massive_haemothorax_and_a_continuing_bleed(bled):
    """ATLS 10th ed. ch. 4: 1500 mL let out at once by the drain, or 200 mL/h for 2-4 h,
    calls for a thoracotomy. The bottle is the blood in the chest at insertion plus
    what still bleeds; without a drain there is no reading."""
    _, twin = bled
    assert math.isnan(twin.vitals()["chest_drain_output_left"])
    in_chest = twin.blood_lost_mL
    stopped, bleeding = twin.fork(), twin.fork()
    stopped.apply("chest drain left")
    bleeding.apply("chest drain left")
    bleeding.apply("haemothorax left 5 mL/min")  # above 200 mL/h
    stopped.advance(3600)
    bleeding.advance(3600)
    assert stopped.vitals()["chest_drain_output_left"] == pytest.approx(in_chest, rel=0.02)
    assert stopped.vitals()["chest_drain_output_left"] >= 1500 - 50
    hourly = (
        bleeding.vitals()["chest_drain_output_left"] - stopped.vitals()["chest_drain_output_left"]
    )
    # what bled in the hour is all in the bottle, and more than ATLS's 200 mL/h (the
    # ordered 5 mL/min is the wound's flow at resting pressure; the pressure is lower now)
    bled_in_hour = bleeding.blood_lost_mL - stopped.blood_lost_mL
    assert hourly == pytest.approx(bled_in_hour, rel=0.02)
    assert 200 < hourly <= 300
    assert math.isnan(stopped.vitals()["chest_drain_output_right"])
