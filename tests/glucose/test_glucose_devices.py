"""Sensor, pump and controllers."""

import numpy as np
import pytest

from medtwin.glucose import (
    Scenario,
    load_virtual_patients,
    make_controller,
    parse_meals,
    register_controller,
    simulate,
)
from medtwin.glucose.controllers import BasalController
from medtwin.glucose.pump import pump
from medtwin.glucose.sensor import read, sensor, sensor_noise
from medtwin.glucose.simulation import patient_generators

DAY = parse_meals("7:00 45g, 12:00 70g, 18:00 80g")


def test_a_patients_noise_does_not_depend_on_its_batch():
    cgm = sensor("cgm")
    alone = sensor_noise(cgm, [patient_generators(3, [7])[0][1]], 1440)
    together = sensor_noise(cgm, [rng for _, rng in patient_generators(3, [5, 6, 7])], 1440)
    np.testing.assert_array_equal(alone[0], together[2])


def test_noise_is_held_between_five_minute_samples_and_has_breton_2008_spread():
    noise = sensor_noise(sensor("cgm"), [g for _, g in patient_generators(0, range(40))], 1440)
    assert np.all(noise[:, 1:5] == noise[:, :1])
    # Breton & Kovatchev 2008: a Johnson SU error with SD about 10 mg/dL around 0 (their
    # fitted ξ, λ, δ, γ); computed here from the model's own stationary AR(1) law.
    e = np.random.default_rng(0).normal(0, np.sqrt(0.49 / 0.51), 400_000)
    johnson = -5.47 + 15.9574 * np.sinh((e + 0.5444) / 1.6898)
    assert noise.std() == pytest.approx(johnson.std(), rel=0.2)
    assert abs(noise.mean() - johnson.mean()) < 3


def test_ideal_sensor_reads_interstitial_glucose():
    ideal = sensor("ideal")
    values = np.array([35.0, 120.0, 450.0])
    np.testing.assert_array_equal(read(ideal, values, np.zeros(3), 17), values)
    clipped = read(sensor("cgm"), values, np.zeros(3), 0)
    assert clipped[0] == 40 and clipped[2] == 400  # Dexcom G6 LOW/HIGH


def test_calibration_error_follows_facchinetti_2014_eqs_5_and_6():
    # Facchinetti et al. IEEE TBME 2014;61:620: reading = a(t)·IG + b(t) + noise, with
    # a(t) = a0 + a1·t, b(t) = b0 + b1·t (t in days since calibration). Dexcom SEVEN Plus
    # coefficients a0 = 1.1, a1 = 2e-4 /day, b0 = -14.8 mg/dL, b1 = 0.04 mg/dL/day (Table 1,
    # as LoopInsighT1 tabulates it). A reading is taken at the last 5-min sample.
    cgm, glucose = sensor("cgm"), np.array([80.0, 150.0, 300.0])
    np.testing.assert_allclose(read(cgm, glucose, np.zeros(3), 0), 1.1 * glucose - 14.8)
    two_days = 2 * 1440 + 3  # read at the sample of minute 2·1440
    np.testing.assert_allclose(read(cgm, glucose, np.zeros(3), two_days),
                               (1.1 + 2 * 2e-4) * glucose - 14.8 + 2 * 0.04)  # fmt: skip


def test_pump_dose_resolution_of_0_05():
    basal, bolus = pump("cozmo").deliver(np.array([1.278 / 60]), np.array([3.33]))
    assert basal[0] * 60 == pytest.approx(1.30)
    assert bolus[0] == pytest.approx(3.35)
    assert pump("insulet").deliver(np.array([0.0]), np.array([45.0]))[1][0] == 30


def test_basal_bolus_gives_carbs_over_cr_plus_correction_above_150():
    patients = load_virtual_patients(["adult#001", "adult#002"])
    controller = make_controller("basal-bolus", patients)
    _, bolus = controller.dose(0, np.array([200.0, 120.0]), np.array([60.0, 60.0]))
    expected_first = 60 / patients.carb_ratio_g_per_U[0] + (
        60 / patients.correction_factor_mg_per_dL_per_U[0]
    )
    assert bolus == pytest.approx([expected_first, 60 / patients.carb_ratio_g_per_U[1]])
    assert controller.dose(1, np.array([300.0, 300.0]), np.zeros(2))[1].tolist() == [0, 0]


def test_meal_boluses_and_pid_both_beat_basal_alone():
    patients = load_virtual_patients("adult")
    tir = {
        name: simulate(patients, Scenario(DAY, controller=name, announce_meals=name != "pid"))
        .metrics()["time_in_range_70_180_percent"]
        .mean()
        for name in ("basal", "basal-bolus", "pid")
    }
    assert tir["basal-bolus"] > tir["basal"] + 30
    assert tir["pid"] > tir["basal"] + 20


def test_plug_in_controller():
    class Double(BasalController):
        def dose(self, minute, cgm_mg_per_dL, announced_carbs_g):
            basal, bolus = super().dose(minute, cgm_mg_per_dL, announced_carbs_g)
            return 2 * basal, bolus

    register_controller("double-basal", Double)
    patients = load_virtual_patients("adult#003")
    run = simulate(patients, Scenario((), controller="double-basal", sensor="ideal"))
    assert run.insulin_U_per_min[0, 0] == pytest.approx(2 * patients.basal_insulin_U_per_min[0])
    assert run.plasma_glucose_mg_per_dL[0, -1] < run.plasma_glucose_mg_per_dL[0, 0] - 20


def test_same_seed_same_run_and_other_seed_other_noise():
    patients = load_virtual_patients("child")
    first = simulate(patients, Scenario(None, days=1), seed=2)
    again = simulate(patients, Scenario(None, days=1), seed=2)
    other = simulate(patients, Scenario(None, days=1), seed=3)
    np.testing.assert_array_equal(first.cgm_mg_per_dL, again.cgm_mg_per_dL)
    np.testing.assert_array_equal(first.plasma_glucose_mg_per_dL, again.plasma_glucose_mg_per_dL)
    assert not np.array_equal(first.cgm_mg_per_dL, other.cgm_mg_per_dL)
