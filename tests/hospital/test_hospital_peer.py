"""medtwin's Treatment Centre against treat-sim 3.0.0 (Monks et al.), both run here.

Same published parameters (Nelson 2013, exercise 13, as treat-sim sets them), independent
random numbers: every KPI's 95 % confidence interval must overlap treat-sim's. The second
test shows the comparison has teeth: with one examination room fewer in treat-sim, the
examination wait no longer agrees.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from treat_sim.model import Scenario, multiple_replications

from medtwin.hospital import load_model, run_replications
from medtwin.hospital.statistics import confidence_interval

REPLICATIONS = 25
TREAT_SIM_COLUMN = {
    "arrivals": "00_arrivals",
    "triage_wait": "01a_triage_wait",
    "triage_util": "01b_triage_util",
    "registration_wait": "02a_registration_wait",
    "registration_util": "02b_registration_util",
    "examination_wait": "03a_examination_wait",
    "examination_util": "03b_examination_util",
    "treatment_wait_non_trauma": "04a_treatment_wait(non_trauma)",
    "treatment_util_non_trauma": "04b_treatment_util(non_trauma)",
    "total_time_non_trauma": "05_total_time(non-trauma)",
    "trauma_wait": "06a_trauma_wait",
    "trauma_util": "06b_trauma_util",
    "treatment_wait_trauma": "07a_treatment_wait(trauma)",
    "treatment_util_trauma": "07b_treatment_util(trauma)",
    "total_time_trauma": "08_total_time(trauma)",
    "throughput": "09_throughput",
}


@pytest.fixture(scope="module")
def medtwin_table() -> pd.DataFrame:
    return run_replications(load_model("treatment-centre"), REPLICATIONS, cluster="serial").table


def treat_sim_table(**changes) -> pd.DataFrame:
    with np.errstate(all="ignore"):  # treat-sim averages empty lists in quiet replications
        return multiple_replications(Scenario(**changes), n_reps=REPLICATIONS)


def test_every_kpi_agrees_with_treat_sim_within_the_95_percent_intervals(medtwin_table):
    theirs = treat_sim_table()
    assert list(medtwin_table.columns[1:]) == list(TREAT_SIM_COLUMN)
    disagree = []
    for kpi, column in TREAT_SIM_COLUMN.items():
        ours = confidence_interval(medtwin_table[kpi].to_numpy())
        peer = confidence_interval(theirs[column].to_numpy(dtype=float))
        assert ours.n == peer.n == REPLICATIONS
        if not ours.overlaps(peer):
            disagree.append(f"{kpi}: {ours} vs treat-sim {peer}")
    assert not disagree


def test_the_peer_comparison_detects_one_examination_room_fewer(medtwin_table):
    theirs = treat_sim_table(n_exam=2)
    ours = confidence_interval(medtwin_table["examination_wait"].to_numpy())
    peer = confidence_interval(theirs["03a_examination_wait"].to_numpy(dtype=float))
    assert not ours.overlaps(peer)
    assert peer.mean > ours.mean
