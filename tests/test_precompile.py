"""Compiling the kernel on an empty cache (`physiology.precompile`), in fresh processes.

Each case starts a new Python process with its own empty cache folder, as a user's
first run would, and reads back what the process compiled, loaded and simulated.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

_RUN = """
import json, sys
import numpy as np
from medtwin import Twin
from medtwin.compiled import precompile
from medtwin.physiology import kernel

precompile.ensure_compiled(cores=int(sys.argv[1]))
twin = Twin("standard-male")
twin.apply("propofol 2 mg/kg IV bolus")
twin.advance(60)
np.save(sys.argv[2], twin.history().select_dtypes(float).to_numpy())
slow = kernel._slow_step.stats
print(json.dumps({
    "child_started": precompile._child is not None,
    "slow_step_from_cache": slow.cache_hits.total(),
    "slow_step_compiled_here": slow.cache_misses.total(),
    "fast_part_signatures": [len(f.signatures) for f, _ in precompile.FAST_PART_SIGNATURES],
    "kernel_signatures": len(kernel.advance_batch.signatures),
    "kernel_from_cache": kernel.advance_batch.stats.cache_hits.total(),
    "marker": precompile._marker().exists(),
}))
"""


def _start(cache: Path, cores: int, out: Path) -> dict:
    """Run `_RUN` in a new process whose cache is `cache`; its report."""
    env = {**os.environ, "MEDTWIN_CACHE_DIR": str(cache)}
    env.pop("NUMBA_CACHE_DIR", None)
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(cores), str(out)],
        env=env, capture_output=True, text=True, timeout=600, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, tuple[dict, np.ndarray]]:
    """A cold start on two cores, then a warm one, and a cold start on one core."""
    results = {}
    two_cores = tmp_path_factory.mktemp("two-cores")
    for name, cache, cores in (
        ("cold, two cores", two_cores, 2),
        ("warm", two_cores, 2),
        ("cold, one core", tmp_path_factory.mktemp("one-core"), 1),
    ):
        out = tmp_path_factory.mktemp("out") / "history.npy"
        results[name] = (_start(cache, cores, out), np.load(out))
    return results


def test_on_two_cores_the_slow_step_comes_from_the_child(runs):
    report, _ = runs["cold, two cores"]
    assert report["child_started"]
    assert report["slow_step_from_cache"] == 1 and report["slow_step_compiled_here"] == 0
    assert report["kernel_from_cache"] == 0  # the kernel itself was compiled here


def test_the_parts_compiled_ahead_are_the_ones_the_kernel_calls(runs):
    """One signature each: a mismatch would compile a second version at the first run."""
    for name in ("cold, two cores", "cold, one core"):
        report, _ = runs[name]
        assert report["fast_part_signatures"] == [1, 1, 1], name
        assert report["kernel_signatures"] == 1, name


def test_on_one_core_everything_is_compiled_in_process(runs):
    report, _ = runs["cold, one core"]
    assert not report["child_started"]
    assert report["slow_step_compiled_here"] == 1


def test_a_warm_start_starts_no_child_and_loads_the_kernel(runs):
    assert runs["cold, two cores"][0]["marker"]
    report, _ = runs["warm"]
    assert not report["child_started"]
    assert report["kernel_from_cache"] == 1 and report["slow_step_compiled_here"] == 0


def test_results_are_identical_however_the_kernel_was_compiled(runs):
    histories = [history for _, history in runs.values()]
    for other in histories[1:]:
        np.testing.assert_array_equal(histories[0], other)
