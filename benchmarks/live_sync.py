"""Speed of live sync: one twin, a 50-member ensemble, a monitor's numerics at 1 Hz.

A "truth" twin (resting heart period 0.75 s against the patient's own) gives heart
rate, systolic, diastolic and mean pressure, SpO2 and respiratory rate every second,
with noise. They go through the live loop (`LiveSync`: hold and reorder, screening,
EnKF analysis) on a fake clock, two ways:
1. as `Measurement`s, submitted once a second (what the MQTT feed hands over);
2. as one HL7 v2 ORU^R01 (IHE PCD-01) message a second, parsed by
   `measurements_from_oru` first (what the MLLP listener hands over).
Printed: simulated seconds per wall second (the real-time multiple) and, per stage,
the share of the wall time; then the replay of run 1's journal of step inputs (through
JSON, as the service's `twin_steps` rows), which is how the service rebuilds a tracked
twin at start-up. `--profile` adds the top functions of run 2.

Run: .venv/bin/python benchmarks/live_sync.py [--seconds 120] [--members 50] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import time
from datetime import UTC, datetime, timedelta

import numpy as np

from medtwin import Patient, Twin
from medtwin.assimilation.enkf import EnsembleKalmanFilter
from medtwin.assimilation.live import LiveSync
from medtwin.assimilation.step_input import StepInput
from medtwin.interop import Measurement
from medtwin.interop.hl7v2 import measurements_from_oru

PATIENT = Patient(name="bench", sex="male", age_years=55, height_cm=178, weight_kg=82)
START = datetime(2024, 1, 1, tzinfo=UTC)
MDC = {  # signal -> OBX-3 and OBX-6 (IEEE 11073-10101 codes, as in interop/data)
    "heart_rate": ("147842^MDC_ECG_HEART_RATE^MDC", "264864^MDC_DIM_BEAT_PER_MIN^MDC"),
    "systolic_bp": ("150037^MDC_PRESS_BLD_ART_ABP_SYS^MDC", "266016^MDC_DIM_MMHG^MDC"),
    "diastolic_bp": ("150038^MDC_PRESS_BLD_ART_ABP_DIA^MDC", "266016^MDC_DIM_MMHG^MDC"),
    "mean_arterial_pressure": ("150039^MDC_PRESS_BLD_ART_ABP_MEAN^MDC", "266016^MDC_DIM_MMHG^MDC"),
    "spo2": ("150456^MDC_PULS_OXIM_SAT_O2^MDC", "262688^MDC_DIM_PERCENT^MDC"),
    "respiratory_rate": ("151562^MDC_RESP_RATE^MDC", "264928^MDC_DIM_RESP_PER_MIN^MDC"),
}


def monitor_stream(seconds: int) -> list[list[Measurement]]:
    truth = Twin(PATIENT.model_copy(update={"overrides": {"T_REST": 0.75}}), waveform_seconds=0.0)
    rng = np.random.default_rng(0)
    stream = []
    for k in range(1, seconds + 1):
        truth.advance(1.0)
        vitals = truth.vitals()
        when = START + timedelta(seconds=k)
        stream.append([Measurement(s, vitals[s] + rng.normal(0, 1), when, "bench") for s in MDC])
    return stream


def oru_message(batch: list[Measurement], number: int) -> str:
    stamp = batch[0].time.strftime("%Y%m%d%H%M%S+0000")
    lines = [
        f"MSH|^~\\&|BENCH^0000000000000001^EUI-64|BENCH|||{stamp}||ORU^R01^ORU_R01|{number}|P|2.6"
        "|||AL|NE||UNICODE UTF-8|||IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO",
        "PID|||BENCH^^^AA1^PI||Bench^Patient",
        f"OBR|1|{number}^BENCH|{number}^BENCH|182777000^monitoring of patient^SCT|||{stamp}",
    ]
    for row, m in enumerate(batch, start=1):
        code, unit = MDC[m.signal]
        lines.append(f"OBX|{row}|NM|{code}|1.1.1.{row}|{m.value:.1f}|{unit}|||||R")
    return "\r".join(lines)


def new_sync(members: int, clock: dict) -> LiveSync:
    estimator = EnsembleKalmanFilter(members=members, seed=0).fit(PATIENT, start=START)
    return LiveSync(estimator, clock=lambda: clock["now"], hold_s=0.0)


def run(stream, members: int, as_hl7: bool, journal: list | None = None) -> tuple[float, float]:
    """(wall seconds of the loop, of which parsing); each step's input goes to `journal`."""
    clock = {"now": START}
    sync = new_sync(members, clock)
    messages = [oru_message(batch, k) for k, batch in enumerate(stream)] if as_hl7 else []
    parsing = 0.0
    begin = time.perf_counter()
    for k, batch in enumerate(stream):
        if as_hl7:
            tick = time.perf_counter()
            batch = list(measurements_from_oru(messages[k]).measurements)
            parsing += time.perf_counter() - tick
        sync.submit(batch)
        clock["now"] = batch[0].time
        step = sync.collect()
        if journal is not None:
            journal.append(step)
        sync.apply(step)
    return time.perf_counter() - begin, parsing


def replay(journal: list[StepInput], members: int) -> tuple[float, float]:
    """(wall seconds to fit the ensemble again, to replay the journal's rows on it)."""
    rows = [json.dumps(step.to_dict(), allow_nan=False) for step in journal]
    begin = time.perf_counter()
    sync = new_sync(members, {"now": START})
    fitted = time.perf_counter()
    for row in rows:
        sync.apply(StepInput.from_dict(json.loads(row)))
    return fitted - begin, time.perf_counter() - fitted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    stream = monitor_stream(args.seconds)
    run(stream[:3], args.members, as_hl7=True)  # warm caches (hl7apy tables, kernels)
    journal: list[StepInput] = []
    for label, as_hl7 in (("measurements", False), ("HL7 ORU^R01", True)):
        wall, parsing = run(stream, args.members, as_hl7, None if as_hl7 else journal)
        print(
            f"live sync, {label}: {args.members} members, {args.seconds} s of 1 Hz data "
            f"({len(MDC)} signals) in {wall:.2f} s wall = {args.seconds / wall:.0f}x real time"
            + (f"; HL7 parsing {parsing / wall:.0%} of it" if as_hl7 else "")
        )
    fit_s, replay_s = replay(journal, args.members)
    print(
        f"replay of the journal ({len(journal)} steps): fit {fit_s:.2f} s, steps {replay_s:.2f} s"
        f" = {args.seconds / replay_s:.0f}x real time"
    )
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(run, stream, args.members, True)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(18)


if __name__ == "__main__":
    main()
