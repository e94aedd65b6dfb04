"""The batched cardiopulmonary arm runs each patient exactly as a `Twin` would."""

import numpy as np
import pytest

from medtwin import Twin, generate_population
from medtwin.actions import parse_order
from medtwin.physiology.layout import M
from medtwin.trials import parse_trial
from medtwin.trials.cardio_arm import CHECK_S, cohort_seed, run_cardio_job
from medtwin.trials.cohort import CohortBatch, RestingCohort

TRIAL = {
    "name": "pressors", "twin": "cardiopulmonary", "seed": 2, "cohort": {"generated": 4},
    "duration_min": 5, "at_start": ["propofol 2 mg/kg IV bolus"],
    "arms": [{"name": "none"}, {"name": "phenylephrine",
                                "vasopressor": "phenylephrine 100 mcg IV bolus"}],
    "rescue": {"when_map_below_mmHg": 68, "repeat_after_min": 1, "max_doses": 2},
}  # fmt: skip


def _twin_outcomes(trial, key, vasopressor):
    """The arm's rule played on one `Twin` through the public API: the reference."""
    patient = generate_population(trial.cohort.generated, seed=trial.seed)[key]
    twin = Twin(patient, seed=cohort_seed(trial, key), waveform_seconds=0.0)
    for order in trial.at_start:
        twin.apply(order)
    doses = []
    while twin.time_s < trial.duration_min * 60 - 1e-9:
        twin.advance(CHECK_S)
        minute = twin.time_s / 60
        ready = not doses or minute - doses[-1] >= trial.rescue.repeat_after_min - 1e-9
        low = twin.vitals()["mean_arterial_pressure"] < trial.rescue.when_map_below_mmHg
        if vasopressor and len(doses) < trial.rescue.max_doses and ready and low:
            twin.apply(vasopressor)
            doses.append(minute)
    pressure = twin.history()["mean_arterial_pressure"].to_numpy()
    rate = twin.history()["heart_rate"].to_numpy()
    return {"min_map_mmHg": pressure.min(), "time_map_below_65_min": np.sum(pressure < 65) / 60,
            "final_map_mmHg": pressure[-1], "max_heart_rate_per_min": rate.max(),
            "min_heart_rate_per_min": rate.min(), "vasopressor_doses": float(len(doses)),
            "first_dose_min": doses[0] if doses else np.nan}  # fmt: skip


def test_each_row_of_the_batch_is_bit_for_bit_the_patients_twin():
    trial = parse_trial(TRIAL)
    results = run_cardio_job((trial, [1, 3], None)).set_index(["arm", "key"])
    assert (results["vasopressor_doses"].xs("phenylephrine") >= 1).all()  # the rule fired
    for arm in trial.arms:
        for key in (1, 3):
            expected = _twin_outcomes(trial, key, arm.vasopressor)
            got = results.loc[(arm.name, key)]
            for name, value in expected.items():
                assert got[name] == value or (np.isnan(value) and np.isnan(got[name])), name


def test_a_follow_up_ends_its_order_at_the_same_step_as_in_a_twin():
    # A bag given over 1.5 min is stopped by its follow-up 90 s later, between two
    # 60 s advances: the batch must stop there too, for one row as for the twin, also
    # in a copy of the batch taken after the order (its queue is copied with it).
    patients = generate_population(2, seed=5)
    order = parse_order("normal saline 500 mL over 1.5 min")
    given = CohortBatch(RestingCohort.settle(patients, [11, 12]))
    given.apply(1, order)
    cohort = given.take([0, 1])
    history = np.concatenate([cohort.advance(60.0), cohort.advance(60.0)], axis=1)
    twin = Twin(patients[1], seed=12, waveform_seconds=0.0)
    twin.apply(order)
    twin.advance(60.0)
    twin.advance(60.0)
    np.testing.assert_array_equal(history[1, :, M.central_venous_pressure],
                                  twin.history()["central_venous_pressure"].to_numpy())  # fmt: skip
    untreated = Twin(patients[0], seed=11, waveform_seconds=0.0)
    untreated.advance(120.0)
    resting = untreated.history()["mean_arterial_pressure"].to_numpy()
    np.testing.assert_array_equal(history[0, :, M.mean_arterial_pressure], resting)
    assert len(cohort.queues[1]) == 0  # the stop was given
    assert len(given.queues[1]) == 1 and given.time_s == 0  # the copy's run left it alone
    assert given.treatments[1].fluids and not cohort.treatments[1].fluids


def test_refusal_is_tried_on_a_copy():
    # Seed 13 draws a woman with BMI 37.1 kg/m² first (see test_trials_runner.py): the
    # James lean body mass of propofol's dose model is refused for her.
    patients = generate_population(2, seed=13)
    cohort = CohortBatch(RestingCohort.settle(patients, [1, 2]))
    before = cohort.batch.params.copy()
    orders = [parse_order("propofol 2 mg/kg IV bolus")]
    assert cohort.refusal(0, orders).startswith("propofol 2 mg/kg IV bolus: bmi = 37.1")
    assert cohort.refusal(1, orders) == ""
    np.testing.assert_array_equal(cohort.batch.params, before)
    assert cohort.treatments[1].slots == {}


@pytest.mark.parametrize("cluster", ["serial", "local"])
def test_jobs_run_every_arm_and_results_come_arm_by_arm(cluster):
    from medtwin.trials import run_trial

    trial = parse_trial(TRIAL | {"duration_min": 1})
    results = run_trial(trial, cluster=cluster, workers=2, chunk=3)
    assert results["arm"].tolist() == ["none"] * 4 + ["phenylephrine"] * 4
    assert results["key"].tolist() == [0, 1, 2, 3] * 2
