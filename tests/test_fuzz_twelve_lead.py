"""Fuzzing the 12-lead ECG: whatever the orders' times, the electrocardiograph's
recordings are whole 10 s runs that never overlap, each from the first whole second
after an order given while it was idle; whatever the waves, the 12 leads keep
Einthoven's and Goldberger's relations and lead II is the waves' sum.

The normal suite runs a small budget; `pytest -m fuzz -k twelve_lead` runs 10,000 cases
each.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from medtwin.actions.kinds.twelve_lead import recordings
from medtwin.physiology.ecg import WAVES
from medtwin.physiology.twelve_lead import RECORD_S, leads_mV

TIMES = st.lists(st.floats(0.0, 7200.0, allow_nan=False), max_size=30).map(sorted)
NOW = st.floats(0.0, 8000.0, allow_nan=False)
WAVE_SAMPLES = arrays(
    np.float64, st.tuples(st.integers(0, 50), st.just(len(WAVES))),
    elements=st.floats(-5.0, 5.0, allow_nan=False),
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(TIMES, NOW)
def test_recordings_are_whole_and_never_overlap(order_times, now_s):
    done = recordings(order_times, now_s)
    for start, end in done:
        assert start == math.floor(start) and end - start == RECORD_S
        assert end <= now_s + 1e-6
        assert any(start - 1.0 < t <= start + 1e-9 for t in order_times), "starts after an order"
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(done))
    assert done == recordings(order_times, now_s)  # from the orders alone
    assert len(done) <= len(order_times)


@settings(max_examples=200, deadline=None)
@given(WAVE_SAMPLES)
def test_the_leads_keep_einthoven_and_goldberger(waves):
    leads = leads_mV(waves)
    assert np.allclose(leads["II"], waves.sum(axis=-1), atol=1e-9)
    assert np.allclose(leads["III"], leads["II"] - leads["I"], atol=1e-9)
    assert np.allclose(leads["aVR"] + leads["aVL"] + leads["aVF"], 0.0, atol=1e-9)
    assert all(np.all(np.isfinite(lead)) for lead in leads.values())


@pytest.mark.fuzz
@settings(max_examples=10_000, deadline=None)
@given(TIMES, NOW)
def test_fuzz_twelve_lead_recordings(order_times, now_s):
    test_recordings_are_whole_and_never_overlap.hypothesis.inner_test(order_times, now_s)


@pytest.mark.fuzz
@settings(max_examples=10_000, deadline=None)
@given(WAVE_SAMPLES)
def test_fuzz_twelve_lead_leads(waves):
    test_the_leads_keep_einthoven_and_goldberger.hypothesis.inner_test(waves)
