"""The one way the engine compiles a function.

Cached to disk (see the package docstring for where), NumPy error model (division by
zero gives inf/nan instead of a Python exception check in every division, which the
hot loop cannot afford), and optionally inlined into the caller at Numba level.
"""

from __future__ import annotations

import numba

jit = numba.njit(cache=True, error_model="numpy")
jit_inline = numba.njit(cache=True, error_model="numpy", inline="always")
jit_nogil = numba.njit(cache=True, error_model="numpy", nogil=True)
