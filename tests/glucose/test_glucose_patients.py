"""Virtual patients: the basal steady state of DM2007 and the patient generator."""

import numpy as np
import pytest

from medtwin.glucose import (
    GlucosePatientError,
    Scenario,
    generate_virtual_patients,
    load_virtual_patients,
    simulate,
)
from medtwin.glucose.model import derivatives
from medtwin.glucose.parameters import P
from medtwin.glucose.steady_state import DERIVED, with_basal_state


def test_the_thirty_patients_are_ten_per_group():
    patients = load_virtual_patients("all")
    assert len(patients) == 30
    assert sum(name.startswith("adult#") for name in patients.names) == 10
    assert patients.names[10] == "adult#001"


def test_basal_conditions_of_dalla_man_2007_reproduce_the_published_sets():
    # DM2007 section II.B: at basal every derivative is zero; the distributed sets were
    # built that way, so the derived kp1, Vm0, u2ss and states must match them.
    patients = load_virtual_patients("all")
    derived, state = with_basal_state(patients.params)
    for name in DERIVED:
        np.testing.assert_allclose(derived[:, P[name]], patients.params[:, P[name]], rtol=1e-9)
    np.testing.assert_allclose(state[:, :13], patients.basal_state[:, :13], rtol=1e-9, atol=1e-12)
    rates = derivatives(patients.basal_state, patients.params, patients.basal_insulin_U_per_min)
    assert np.abs(rates).max() < 1e-9


def test_basal_insulin_alone_holds_every_patient_at_gb_for_a_day():
    patients = load_virtual_patients("all")
    run = simulate(patients, Scenario(meals=(), controller="basal", sensor="ideal"))
    gb = patients.params[:, P.Gb]
    assert np.abs(run.plasma_glucose_mg_per_dL - gb[:, None]).max() < 1e-6
    np.testing.assert_allclose(
        run.insulin_U_per_min[:, 0], patients.params[:, P.u2ss] * patients.params[:, P.BW] / 6000
    )


def test_unknown_patient_is_refused_with_the_allowed_names():
    with pytest.raises(GlucosePatientError, match=r"'adult#011'.*adult#001–010"):
        load_virtual_patients("adult#011")


def test_generated_patients_are_seeded_and_rest_at_their_own_basal_glucose():
    first = generate_virtual_patients(8, "child", seed=4)
    again = generate_virtual_patients(8, "child", seed=4)
    other = generate_virtual_patients(8, "child", seed=5)
    np.testing.assert_array_equal(first.params, again.params)
    assert not np.array_equal(first.params, other.params)
    assert first.names[0] == "child-gen#0001"
    run = simulate(first, Scenario(meals=(), controller="basal", sensor="ideal"))
    drift = np.abs(run.plasma_glucose_mg_per_dL - first.params[:, P.Gb][:, None]).max()
    assert drift < 1e-6
    assert np.all(first.params[:, [P.b, P.d, P.f]] < 1)


def test_generated_patients_spread_like_their_group():
    source = load_virtual_patients("adult")
    made = generate_virtual_patients(2000, "adult", seed=1)
    for name in ("BW", "Vmx", "kp3"):
        log_source = np.log(source.params[:, P[name]])
        log_made = np.log(made.params[:, P[name]])
        assert abs(log_made.mean() - log_source.mean()) < 0.1 * log_source.std() + 0.02
        assert log_made.std() == pytest.approx(log_source.std(), rel=0.15)
