"""`medtwin.scale.run_jobs`: the same results, in job order, in this process, on a local
cluster, and on a running scheduler reached by its tcp:// address."""

from __future__ import annotations

import operator

import pytest
from distributed import LocalCluster

from medtwin.scale import ClusterError, run_jobs

JOBS = list(range(12))
EXPECTED = [-job for job in JOBS]


def test_serial_and_local_cluster_give_the_jobs_in_order():
    seen = []
    assert run_jobs(operator.neg, JOBS, cluster="serial", progress=lambda d, n: seen.append(d))
    assert seen == list(range(1, len(JOBS) + 1))
    assert run_jobs(operator.neg, JOBS, workers=2) == EXPECTED


def test_a_scheduler_address_is_used_as_a_real_cluster():
    """A scheduler listening on tcp:// (here a LocalCluster's), as a real cluster's is."""
    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None) as cluster:
        assert cluster.scheduler_address.startswith("tcp://")
        assert run_jobs(operator.neg, JOBS, cluster=cluster.scheduler_address) == EXPECTED


def test_bad_clusters_and_worker_counts_are_refused_by_name():
    with pytest.raises(ClusterError, match="cluster 'mars' is not understood"):
        run_jobs(operator.neg, JOBS, cluster="mars")
    with pytest.raises(ClusterError, match="workers 0 must be a whole number of 1 or more"):
        run_jobs(operator.neg, JOBS, workers=0)
    with pytest.raises(ClusterError, match="did not answer"):
        run_jobs(operator.neg, JOBS, cluster="tcp://127.0.0.1:9", connect_timeout_s=1.0)
