"""Speed: the 30 virtual patients for one simulated day, batched, against simglucose.

Same machine, same run, same inputs (basal insulin, three meals with boluses): medtwin's
batch (one compiled step a minute for all 30) and simglucose 0.2.11's T1DPatient stepped
each minute, as distributed (`T1DPatient.withName`). Prints CPU seconds and the ratio.

    .venv/bin/python benchmarks/glucose.py [--simglucose-patients 30]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from simglucose.patient.t1dpatient import Action, T1DPatient

from medtwin.glucose import Scenario, load_virtual_patients, parse_meals, simulate

DAY = parse_meals("7:00 45g, 12:00 70g, 18:00 80g")


def medtwin_seconds(repeats: int = 5) -> float:
    patients = load_virtual_patients("all")
    scenario = Scenario(DAY, controller="basal-bolus", sensor="ideal")
    simulate(patients, scenario)  # compile / load the cached kernel
    best = np.inf
    for _ in range(repeats):
        start = time.process_time()
        simulate(patients, scenario)
        best = min(best, time.process_time() - start)
    return best


def simglucose_seconds(n_patients: int) -> float:
    patients = load_virtual_patients("all")
    carbs = np.zeros(1440)
    for meal in DAY:
        carbs[meal.minute] = meal.grams
    start = time.process_time()
    for row, name in enumerate(patients.names[:n_patients]):
        patient = T1DPatient.withName(name)
        basal = patients.basal_insulin_U_per_min[row]
        for minute in range(1440):
            bolus = carbs[minute] / patients.carb_ratio_g_per_U[row]
            patient.step(Action(CHO=carbs[minute], insulin=basal + bolus))
    return (time.process_time() - start) * len(patients) / n_patients


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--simglucose-patients", type=int, default=30,
                        help="patients to time simglucose on (scaled to 30)")  # fmt: skip
    args = parser.parse_args()
    ours = medtwin_seconds()
    theirs = simglucose_seconds(args.simglucose_patients)
    print(f"medtwin batch, 30 patients x 1 day (basal-bolus, 1-min steps): {ours:.3f} CPU s")
    print(f"simglucose T1DPatient, 30 patients x 1 day"
          f" (timed on {args.simglucose_patients}, scaled): {theirs:.1f} CPU s")  # fmt: skip
    print(f"speed-up: {theirs / ours:.0f}x (goal >= 100x)")


if __name__ == "__main__":
    main()
