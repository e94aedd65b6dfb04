"""The ways the engine compiles a function.

All use NumPy's error model: division by zero gives inf/nan instead of a Python
exception check in every division, which the hot loop cannot afford.
- `jit`: a function only other compiled functions call. Its machine code lives in its
  callers' (cached with them), so it has no Python wrapper and no cache of its own:
  each wrapper and cache entry costs compile time on a cold start.
- `jit_inline`: the same, inlined into the caller at Numba level (typed again at
  every call site: for small helpers).
- `jit_forceinline`: compiled once, inlined into its callers by LLVM. For the hot
  calls of every step (the circulation's derivatives at each RK4 stage), where a call
  costs 15 % of the run time and Numba-level inlining a second of compile time.
- `jit_entry`: a function Python calls, cached to disk, in the engine version's folder
  (`cache.versioned_cache_dir`).
- `jit_nogil`: the batch kernel, an entry that releases the GIL.
"""

from __future__ import annotations

import os

import numba

from medtwin.compiled.cache import versioned_cache_dir

_INTERNAL = {"error_model": "numpy", "no_cpython_wrapper": True, "no_cfunc_wrapper": True}
jit = numba.njit(**_INTERNAL)
jit_inline = numba.njit(**_INTERNAL, inline="always")
jit_forceinline = numba.njit(**_INTERNAL, forceinline=True)
jit_entry = numba.njit(cache=True, error_model="numpy")
jit_nogil = numba.njit(cache=True, error_model="numpy", nogil=True)

if "NUMBA_CACHE_DIR" not in os.environ:  # before any function is decorated
    numba.config.CACHE_DIR = str(versioned_cache_dir("numba"))
