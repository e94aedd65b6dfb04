"""Glycaemic measures against their published definitions."""

import numpy as np
import pytest

from medtwin.glucose.metrics import glucose_metrics, risk_function


def test_kovatchev_1997_scale_is_symmetric_over_20_to_600_mg_per_dL():
    # Kovatchev et al. Diabetes Care 1997;20:1655: f(112.5) = 0; risk 10 f² reaches 100
    # at both ends of the meter range, 20 and 600 mg/dL.
    assert risk_function(np.array(112.5)) == pytest.approx(0.0, abs=2e-3)
    assert 10 * risk_function(np.array(20.0)) ** 2 == pytest.approx(100, rel=0.01)
    assert 10 * risk_function(np.array(600.0)) ** 2 == pytest.approx(100, rel=0.01)


def test_risk_is_read_on_the_meter_range_20_to_600_mg_per_dL():
    # Kovatchev 1997 defines the scale on 20–600 mg/dL, where risk reaches 100: glucose
    # below (above) it counts as 20 (600), so no minute weighs more than 100.
    deep = glucose_metrics(np.array([5.0, 112.5]))
    assert deep["lbgi"][0] == pytest.approx(glucose_metrics(np.array([20.0, 112.5]))["lbgi"][0])
    assert deep["lbgi"][0] == pytest.approx(50, rel=0.01)
    assert glucose_metrics(np.array([900.0]))["hbgi"][0] == pytest.approx(100, rel=0.01)


def test_lbgi_and_hbgi_count_only_their_side():
    low = glucose_metrics(np.full(10, 60.0))
    high = glucose_metrics(np.full(10, 250.0))
    assert low["hbgi"][0] == 0 and low["lbgi"][0] > 5
    assert high["lbgi"][0] == 0 and high["hbgi"][0] > 10


@pytest.mark.parametrize(("mean", "gmi"), [(100, 5.7), (150, 6.9), (200, 8.1), (250, 9.3)])
def test_gmi_matches_bergenstal_2018_table(mean, gmi):
    # Bergenstal et al. Diabetes Care 2018;41:2275, Table 1 (GMI to one decimal).
    assert round(glucose_metrics(np.full(5, float(mean)))["gmi_percent"][0], 1) == gmi


def test_times_in_ranges_follow_the_2019_consensus_cut_points():
    # Battelino et al. Diabetes Care 2019;42:1593: 70–180 in range (both ends included).
    glucose = np.array([50, 60, 70, 180, 181, 260, 100, 100, 100, 100], dtype=float)
    m = glucose_metrics(glucose)
    assert m["time_below_54_percent"][0] == 10
    assert m["time_below_70_percent"][0] == 20
    assert m["time_in_range_70_180_percent"][0] == 60
    assert m["time_above_180_percent"][0] == 20
    assert m["time_above_250_percent"][0] == 10
    assert m["mean_glucose_mg_per_dL"][0] == pytest.approx(120.1)  # 1201 / 10
