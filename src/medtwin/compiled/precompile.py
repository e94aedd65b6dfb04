"""Compiling the kernel on an empty cache, on two cores at once.

A new process with an empty cache spends most of its start compiling the kernel. The
kernel's two halves share little code: the slow step (blood and gas transport,
metabolism, heat, drugs, reflexes, fluids) and the fast step (RK4 over circulation and
lungs, airway gas, beat and breath bookkeeping). So when no kernel is cached yet and a
second core is free, a child process compiles the slow step into the on-disk cache
while this process compiles the fast step; the kernel then loads the slow step from
the cache instead of compiling it.

This only saves time. If the child fails or is slow, the kernel compiles whatever the
cache lacks itself, and its results are the same either way.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import numba
from numba import types

from medtwin.compiled.cache import versioned_cache_dir
from medtwin.physiology import kernel
from medtwin.physiology.control import apply_effectors
from medtwin.physiology.layout import M_RECORD, S_RECORD
from medtwin.physiology.monitors import update_gas_monitors
from medtwin.physiology.parameters import P_RECORD

CHILD_TIMEOUT_S = 300.0
"""How long to wait for the child before compiling the slow step here instead."""

_STATE, _PARAMS, _MONITORS = (numba.from_dtype(r) for r in (S_RECORD, P_RECORD, M_RECORD))
_VECTOR = types.float64[::1]
_MATRIX = types.float64[:, ::1]
SLOW_STEP_SIGNATURE = (_STATE, _PARAMS, _VECTOR, types.float64)
"""`kernel._slow_step(s, p, act, dt_slow)` as the kernel calls it."""
FAST_PART_SIGNATURES = (
    (kernel._fast_step, (_STATE, _PARAMS, _MONITORS, _VECTOR, types.float64,
                         types.Array(_STATE, 1, "C"), *[_VECTOR] * 5, _MATRIX)),
    (update_gas_monitors, (_STATE, _PARAMS, _MONITORS)),
    (apply_effectors, (_STATE, _PARAMS, _VECTOR)),
)  # fmt: skip
"""What the kernel calls besides the slow step, with its argument types there."""

KERNEL_SIGNATURE = (
    types.Array(_STATE, 1, "C"), types.Array(_PARAMS, 1, "C"), types.Array(_MONITORS, 1, "C"),
    types.int64, types.float64, types.int64,
    types.float64[:, :, ::1], types.float64[:, :, ::1],
)  # fmt: skip
"""`kernel.advance_batch` as `Batch` calls it."""

_lock = threading.Lock()
_child: subprocess.Popen | None = None
_compiled = False


def _marker() -> Path:
    """A file that says this engine version's kernel, compiled by this Numba, is in
    the cache."""
    return versioned_cache_dir("numba") / f"kernel-compiled-numba-{numba.__version__}"


def compile_slow_step() -> None:
    """Compile the slow step into the on-disk cache (what the child process does)."""
    kernel._slow_step.compile(SLOW_STEP_SIGNATURE)


def start(cores: int) -> None:
    """On an empty cache with a second core, start compiling the slow step in a child
    process now, so that it is ready when the kernel is first run. Idempotent."""
    global _child
    with _lock:
        if _compiled or _child is not None or cores < 2 or _marker().exists():
            return
        _child = subprocess.Popen(
            [sys.executable, "-m", __name__],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def ensure_compiled(cores: int) -> None:
    """Compile the kernel, or load it from the cache, once per process.

    On an empty cache the slow step is compiled by a child process meanwhile, if
    `cores` allow (see the module docstring and `start`).
    """
    global _compiled
    if _compiled:  # every kernel run asks; only the first waits for the lock
        return
    start(cores)
    with _lock:
        if _compiled:
            return
        marker = _marker()
        if not marker.exists():
            for function, signature in FAST_PART_SIGNATURES:
                function.compile(signature)
            _wait_for_child()
        kernel.advance_batch.compile(KERNEL_SIGNATURE)
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:
            pass  # an unwritable cache only costs the next process a slower start
        _compiled = True


def _wait_for_child() -> None:
    if _child is None:
        return
    try:
        _child.wait(timeout=CHILD_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        _child.kill()
        _child.wait()


if __name__ == "__main__":
    compile_slow_step()
