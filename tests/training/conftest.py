"""One BLAS thread for the training tests.

The first bolus of a drug whose effect-site rate comes from its time to peak (the t_peak
method, `pharmacology.kinetics.ke0_for_peak_time`) takes thousands of 5 x 5 matrix
exponentials. On this project's 2-core machines, shared by other jobs, OpenBLAS's second
thread makes each of them wait for a busy core: measured 10-26 s for the first
epinephrine bolus instead of 0.2-0.3 s with one thread. The numbers are the same either
way; only the wait differs. NumPy and SciPy each bundle their own OpenBLAS, so SciPy's is
loaded before the limit is set. Subprocesses get the limit through the environment.
"""

import os

import scipy.linalg  # noqa: F401  (loads SciPy's OpenBLAS, so the limit reaches it too)

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
try:
    from threadpoolctl import threadpool_limits
except ImportError:  # without it, only processes started from here get one thread
    pass
else:
    threadpool_limits(1, "blas")
