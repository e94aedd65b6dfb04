"""Speed of the physiology engine, measured and printed (never asserted).

Run by hand:

    .venv/bin/python benchmarks/engine.py           # full run, about a minute
    .venv/bin/python benchmarks/engine.py --quick   # smoke run with short durations

Figures:
1. one twin, full model, one simulated hour after compilation: best wall time of
   several runs and the real-time multiple, without and with waveform recording, with
   drugs running, on a ventilator and in CPR;
2. batch throughput in simulated patient-seconds per wall-second for 1 to 1000
   twins, on one thread and on two, with the per-core figure and the speed-up;
3. start-up: a fresh process with an empty cache (import, compile, settle), also
   without the helper process that compiles half the kernel on a second core, the
   same command again with the cache filled, and the settle cost of a new custom
   patient.

In-process figures use the user's medtwin cache; the first run after an engine change
settles the 1111 benchmark patients once (about two minutes on two cores). Each run
also settles one new custom patient, leaving one small file in the steady-state cache.
Accuracy is the tests' job, not this script's.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numba
import numpy as np
from rich.console import Console
from rich.table import Table

from medtwin import Twin, generate_population
from medtwin.physiology.batch import MIN_PATIENTS_PER_THREAD, Batch
from medtwin.physiology.scaling import parameters_for
from medtwin.physiology.steady_state import resting_states

BATCH_SIZES = (1, 10, 100, 1000)
START_COMMAND = "import medtwin; medtwin.Twin('standard-male').advance(1)"
ONE_PROCESS_START_COMMAND = (
    "from medtwin.compiled import precompile; precompile.ensure_compiled(cores=1); " + START_COMMAND
)
IMPORT_COMMAND = "import medtwin"


@dataclass(frozen=True)
class Settings:
    """How long and how often each figure is measured."""

    twin_seconds: float
    """Simulated seconds of the single-twin runs."""
    twin_repeats: int
    batch_patient_seconds: float
    """Simulated patient-seconds per batch measurement (duration = this / batch size)."""
    batch_repeats: int


FULL = Settings(twin_seconds=3600.0, twin_repeats=5, batch_patient_seconds=30_000.0,
                batch_repeats=3)  # fmt: skip
QUICK = Settings(twin_seconds=360.0, twin_repeats=2, batch_patient_seconds=3_000.0,
                 batch_repeats=1)  # fmt: skip


def best_wall_s(run: Callable[[], object], repeats: int) -> float:
    """The shortest wall time (s) of `repeats` calls of `run`."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


# --- machine ---------------------------------------------------------------------
def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo, or what `platform` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_table() -> Table:
    """CPU, cores, load and library versions: the context every figure needs."""
    table = Table(title="Machine", show_header=False)
    table.add_column(style="bold")
    table.add_column()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    rows = {
        "CPU": cpu_model(),
        "cores (usable / total)": f"{usable} / {os.cpu_count()}",
        "load average 1/5/15 min": load,
        "Python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "medtwin": importlib.metadata.version("medtwin"),
    }
    for name, value in rows.items():
        table.add_row(name, value)
    return table


# --- 1. one twin -------------------------------------------------------------------
THREE_DRUGS = (
    "propofol 6 mg/kg/h IV infusion",
    "remifentanil 0.1 mcg/kg/min IV infusion",
    "norepinephrine 0.05 mcg/kg/min IV infusion",
)
"""A typical total intravenous anaesthetic with a vasopressor: the issue's speed case."""
VENTILATED = ("rocuronium 1.2 mg/kg IV bolus", "intubate",
              "ventilator VC rate 14 VT 450 mL PEEP 5 FiO2 0.5")  # fmt: skip
"""Paralysed on a ventilator: the Rescue issue's first speed case."""
IN_CPR = ("rhythm ventricular fibrillation", "start CPR rate 110 depth 5.5 cm",
          "bag-valve-mask rate 10 volume 500 mL FiO2 1")  # fmt: skip
"""Fibrillation under CPR with bag ventilation: its second."""


def single_twin_table(settings: Settings) -> Table:
    """Wall time and real-time multiple of one twin, waveforms off and on."""
    seconds = settings.twin_seconds
    table = Table(title=f"1. One twin (standard-male), {seconds:g} simulated s, after compile")
    for column in ("run", "best wall s", "real-time multiple", "vs plain"):
        table.add_column(column, justify="right")
    Twin("standard-male").advance(1.0)  # compile, or load the compiled kernels
    runs = (
        ("at rest, waveforms off", 0.0, ()),
        (f"at rest, waveforms kept {seconds:g} s", seconds, ()),
        ("three drugs running, waveforms off", 0.0, THREE_DRUGS),
        ("on a ventilator, waveforms off", 0.0, VENTILATED),
        ("in CPR with a bag, waveforms off", 0.0, IN_CPR),
    )
    plain = None
    for label, waveform_seconds, orders in runs:
        twin = Twin("standard-male", waveform_seconds=waveform_seconds)
        for order in orders:
            twin.apply(order)
        wall = best_wall_s(lambda twin=twin: twin.advance(seconds), settings.twin_repeats)
        plain = plain or wall
        table.add_row(label, f"{wall:.3f}", f"{seconds / wall:,.0f}×", f"{wall / plain:.2f}×")
    return table


# --- 2. batches --------------------------------------------------------------------
def resting_batch_arrays(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parameters, resting state and monitors of a seeded population of `n`."""
    params = np.array([parameters_for(patient) for patient in generate_population(n, seed=0)])
    return resting_states(params)


def machine_cpu_s() -> float:
    """CPU seconds all processes have used since boot, from /proc/stat; NaN elsewhere.

    Includes hypervisor steal: time a virtual CPU wanted to run but was not allowed to.
    """
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return float("nan")
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Throughput:
    """One batch run: its rate and the cores kept busy while it ran."""

    patient_seconds_per_s: float
    cores_ours: float
    """This process's CPU seconds per wall second: the thread count if they all ran."""
    cores_others: float
    """Everyone else's (other processes, hypervisor steal): cores taken from us."""


def batch_throughput(arrays: tuple[np.ndarray, ...], seconds: float, threads: int,
                     repeats: int) -> Throughput:  # fmt: skip
    """The fastest of `repeats` runs; only `advance` is timed."""
    params, state, monitors = arrays
    runs = []
    for _ in range(repeats):
        # Fresh copies each time: Batch works in place on the arrays it is given.
        batch = Batch(params, state.copy(), monitors.copy(), threads=threads)
        ours_start, everyone_start = time.process_time(), machine_cpu_s()
        wall_start = time.perf_counter()
        batch.advance(seconds)
        wall = time.perf_counter() - wall_start
        ours = time.process_time() - ours_start
        others = max(machine_cpu_s() - everyone_start - ours, 0.0)
        runs.append(Throughput(len(params) * seconds / wall, ours / wall, others / wall))
    return max(runs, key=lambda run: run.patient_seconds_per_s)


def batch_table(settings: Settings, console: Console) -> Table:
    """Throughput of each batch size on one thread and on two, and the speed-up."""
    table = Table(title="2. Batch throughput, simulated patient-s per wall-s (best run)")
    for column in ("twins", "simulated s", "1 thread", "2 threads", "per core (2 thr)",
                   "speed-up", "busy cores: ours/others"):  # fmt: skip
        table.add_column(column, justify="right")
    for n in BATCH_SIZES:
        with console.status(f"resting states of {n} twins (settled once, then cached)"):
            arrays = resting_batch_arrays(n)
        seconds = round(settings.batch_patient_seconds / n)
        with console.status(f"{n} twins × {seconds:g} s"):
            one = batch_throughput(arrays, seconds, 1, settings.batch_repeats)
            if n < 2 * MIN_PATIENTS_PER_THREAD:  # Batch does not split so small a batch
                table.add_row(f"{n}", f"{seconds:g}", f"{one.patient_seconds_per_s:,.0f}",
                              *["—"] * 4)  # fmt: skip
                continue
            two = batch_throughput(arrays, seconds, 2, settings.batch_repeats)
        table.add_row(
            f"{n}",
            f"{seconds:g}",
            f"{one.patient_seconds_per_s:,.0f}",
            f"{two.patient_seconds_per_s:,.0f}",
            f"{two.patient_seconds_per_s / 2:,.0f}",
            f"{two.patient_seconds_per_s / one.patient_seconds_per_s:.2f}×",
            f"{two.cores_ours:.2f} / {two.cores_others:.2f}",
        )
    return table


# --- 3. start-up -------------------------------------------------------------------
def process_wall_s(code: str, cache_dir: Path) -> float:
    """Wall seconds of `python -c code` with `cache_dir` as medtwin's only cache."""
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["MEDTWIN_CACHE_DIR"] = str(cache_dir)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    return time.perf_counter() - start


def new_patient_file(directory: Path) -> Path:
    """A YAML patient whose demographics no earlier run has settled."""
    weight_kg = 70.0 + (uuid.uuid4().int % 10_000) / 1000.0
    path = directory / "benchmark-patient.yaml"
    path.write_text(
        f"name: benchmark-patient\nsex: female\nage_years: 52\nheight_cm: 166\n"
        f"weight_kg: {weight_kg:.3f}\n"
    )
    return path


def startup_table(console: Console) -> Table:
    """Cold and warm process start, and the settle cost of a new patient."""
    table = Table(title="3. Start-up")
    table.add_column("what", justify="left")
    table.add_column("wall s", justify="right")
    with tempfile.TemporaryDirectory(prefix="medtwin-bench-") as tmp:
        cache = Path(tmp) / "cache"
        with console.status("cold start: empty cache, compiling"):
            cold = process_wall_s(START_COMMAND, cache)
            cold_one_process = process_wall_s(ONE_PROCESS_START_COMMAND, Path(tmp) / "cache-1")
        warm = process_wall_s(START_COMMAND, cache)
        bare_import = process_wall_s(IMPORT_COMMAND, cache)
        path = new_patient_file(Path(tmp))
        Twin("standard-male", waveform_seconds=0)  # this process is warm
        new_patient = best_wall_s(lambda: Twin(path, waveform_seconds=0), 1)
        known_patient = best_wall_s(lambda: Twin(path, waveform_seconds=0), 3)
    rows = {
        "cold process: import + compile + settle + 1 s (empty cache)": cold,
        "cold process, compiling without the helper process": cold_one_process,
        "warm process: same command, cache filled": warm,
        "warm process: import medtwin only": bare_import,
        "new custom patient (YAML) in a warm process: load + settle": new_patient,
        "same patient again (resting state from cache)": known_patient,
    }
    for what, wall in rows.items():
        table.add_row(what, f"{wall:.3f}")
    return table


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short durations, a smoke run")
    settings = QUICK if parser.parse_args(argv).quick else FULL
    console = Console(width=max(Console().width, 110))
    console.print(machine_table())
    with console.status("one twin"):
        console.print(single_twin_table(settings))
    console.print(batch_table(settings, console))
    console.print(startup_table(console))


if __name__ == "__main__":
    main()
