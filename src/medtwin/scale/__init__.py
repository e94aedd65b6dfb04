"""Many twins at once: independent jobs fanned out over a Dask cluster.

`run_jobs` is the one way medtwin spreads work across processes or machines (hospital
replications, glucose cohorts, trial arms). A job's result depends only on the job
(its seed travels inside it), so results are identical whatever the number of workers.
"""

from medtwin.scale.cluster import ClusterError, run_jobs

__all__ = ["ClusterError", "run_jobs"]
