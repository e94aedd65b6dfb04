"""NEWS2 against the Royal College of Physicians' charts (National Early Warning Score
(NEWS) 2, RCP 2017: Chart 1, the bands; Chart 2, the thresholds; Chart 3, the response)."""

from __future__ import annotations

import math

import pytest

from medtwin.training.news2 import news2

NORMAL = {
    "respiratory_rate": 16,
    "spo2": 97,
    "fio2": 0.21,
    "systolic_bp": 125,
    "heart_rate": 72,
    "consciousness_index": 97,
    "core_temperature": 37.0,
}


def _with(**changes):
    return {**NORMAL, **changes}


def test_normal_observations_score_zero():
    result = news2(NORMAL)
    assert result.score == 0 and result.risk == "low"


@pytest.mark.parametrize(
    ("signal", "part", "value", "points"),
    [  # Chart 1: each band's edges
        ("respiratory_rate", "respiration_rate", 8, 3),
        ("respiratory_rate", "respiration_rate", 9, 1),
        ("respiratory_rate", "respiration_rate", 11, 1),
        ("respiratory_rate", "respiration_rate", 12, 0),
        ("respiratory_rate", "respiration_rate", 20, 0),
        ("respiratory_rate", "respiration_rate", 21, 2),
        ("respiratory_rate", "respiration_rate", 24, 2),
        ("respiratory_rate", "respiration_rate", 25, 3),
        ("spo2", "spo2", 91, 3),
        ("spo2", "spo2", 92, 2),
        ("spo2", "spo2", 93, 2),
        ("spo2", "spo2", 94, 1),
        ("spo2", "spo2", 95, 1),
        ("spo2", "spo2", 96, 0),
        ("systolic_bp", "systolic_bp", 90, 3),
        ("systolic_bp", "systolic_bp", 91, 2),
        ("systolic_bp", "systolic_bp", 101, 1),
        ("systolic_bp", "systolic_bp", 110, 1),
        ("systolic_bp", "systolic_bp", 111, 0),
        ("systolic_bp", "systolic_bp", 219, 0),
        ("systolic_bp", "systolic_bp", 220, 3),
        ("heart_rate", "pulse", 40, 3),
        ("heart_rate", "pulse", 41, 1),
        ("heart_rate", "pulse", 51, 0),
        ("heart_rate", "pulse", 90, 0),
        ("heart_rate", "pulse", 91, 1),
        ("heart_rate", "pulse", 111, 2),
        ("heart_rate", "pulse", 130, 2),
        ("heart_rate", "pulse", 131, 3),
        ("core_temperature", "temperature", 35.0, 3),
        ("core_temperature", "temperature", 35.1, 1),
        ("core_temperature", "temperature", 36.1, 0),
        ("core_temperature", "temperature", 38.0, 0),
        ("core_temperature", "temperature", 38.1, 1),
        ("core_temperature", "temperature", 39.1, 2),
    ],
)
def test_each_parameter_scores_its_band(signal, part, value, points):
    assert news2(_with(**{signal: value})).parts[part] == points


def test_supplemental_oxygen_scores_two_and_scale_2_rewards_the_88_92_target():
    on_oxygen = _with(fio2=0.4, spo2=90)
    assert news2(on_oxygen).parts["air_or_oxygen"] == 2
    assert news2(on_oxygen).parts["spo2"] == 3  # scale 1: 90 % is 3
    assert news2(on_oxygen, scale=2).parts["spo2"] == 0  # scale 2: on target
    assert news2(_with(fio2=0.4, spo2=97), scale=2).parts["spo2"] == 3  # >= 97 on oxygen
    assert news2(_with(spo2=97), scale=2).parts["spo2"] == 0  # >= 93 on air


def test_the_aggregate_and_a_single_three_set_the_risk_and_the_response():
    assert news2(_with(heart_rate=35)).risk == "low-medium"  # a 3 in one parameter
    medium = news2(_with(respiratory_rate=22, heart_rate=115, core_temperature=38.5))
    assert (medium.score, medium.risk) == (5, "medium")
    high = news2(
        _with(respiratory_rate=22, spo2=93, systolic_bp=105, heart_rate=115, core_temperature=38.5)
    )
    assert (high.score, high.risk) == (8, "high")
    assert "Emergency" in high.response
    assert news2(_with(consciousness_index=60)).parts["consciousness"] == 3


def test_what_the_monitor_cannot_measure_scores_the_worst_band():
    assert news2(_with(spo2=math.nan, heart_rate=math.nan)).parts == {
        **news2(NORMAL).parts,
        "spo2": 3,
        "pulse": 3,
    }
