"""Trend figures from a synthetic history."""

import struct

import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread

from medtwin.plotting import plot_trends

HEART_RATE_GREEN = (0x2E / 255, 0x7D / 255, 0x32 / 255)


def synthetic_history(minutes: float = 20.0) -> pd.DataFrame:
    t = np.arange(0.0, minutes * 60.0, 5.0)
    shock = 1.0 / (1.0 + np.exp(-(t - 400.0) / 60.0))
    sbp, dbp = 120.0 - 30.0 * shock, 80.0 - 20.0 * shock
    return pd.DataFrame(
        {
            "time_s": t,
            "heart_rate": 70.0 + 40.0 * shock,
            "systolic_bp": sbp,
            "diastolic_bp": dbp,
            "mean_arterial_pressure": dbp + (sbp - dbp) / 3.0,
            "respiratory_rate": 14.0 + 6.0 * shock,
            "etco2": 38.0 - 8.0 * shock,
            "spo2": 98.0 - 2.0 * shock,
            "cardiac_output": 5.6 - 2.0 * shock,
            "central_venous_pressure": 5.0 - 3.0 * shock,
            "core_temperature": np.full(t.shape, 37.0),
        }
    )


def png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def has_colour(path, rgb, tolerance=0.02) -> bool:
    pixels = imread(path)[..., :3]
    return bool((np.abs(pixels - np.array(rgb)).max(axis=-1) < tolerance).any())


def test_full_history_draws_five_panels(tmp_path):
    path = plot_trends(synthetic_history(), tmp_path / "trends.png", title="Haemorrhage")
    assert path.stat().st_size > 20_000
    assert png_size(path) == (1210, 1309)  # 11 in × 110 dpi; (0.9 + 5 × 2.2) in tall
    assert has_colour(path, HEART_RATE_GREEN)


def test_missing_columns_are_tolerated(tmp_path):
    history = synthetic_history()[["time_s", "spo2", "core_temperature"]]
    history = history.assign(heart_rate=np.nan)  # an all-missing column counts as absent
    path = plot_trends(history, tmp_path / "partial.png")
    assert png_size(path) == (1210, 583)  # two panels: oxygenation and temperature
    assert not has_colour(path, HEART_RATE_GREEN)


def test_history_without_time_or_signals_is_refused(tmp_path):
    with pytest.raises(ValueError, match="time_s"):
        plot_trends(pd.DataFrame({"heart_rate": [70.0]}), tmp_path / "x.png")
    with pytest.raises(ValueError, match="heart_rate"):
        plot_trends(pd.DataFrame({"time_s": [0.0], "lactate": [1.0]}), tmp_path / "x.png")
