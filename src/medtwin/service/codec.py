"""Bytes on the wire: waveform frames and the main numerics (snapshots on disk are
`medtwin.snapshot_format`'s).

The waveform frame layout is the contract's (docs/service-api.md): little-endian
`uint32 channel_count, uint32 sample_count, float64 start_time_s, float32 rate_hz`, then
the samples as float32, channel by channel, in `FRAME_CHANNELS` order.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping

import numpy as np

from medtwin.monitor_layout import WAVE_CHANNELS
from medtwin.signals import BEDSIDE_VITALS

FRAME_CHANNELS = WAVE_CHANNELS
"""The channels of a frame, in order: every waveform the monitor can draw."""
FRAME_HEADER = struct.Struct("<IIdf")
WAVEFORM_RATE_HZ = 125.0
MAIN_NUMERICS = (
    *BEDSIDE_VITALS,
    "central_venous_pressure",
    "cardiac_output",
    "consciousness_index",
    "train_of_four_ratio",
    "urine_output",
)
_CONCENTRATION = "_concentration_"


def main_numerics(vitals: Mapping[str, float]) -> dict[str, float]:
    """The numerics a monitor shows: MAIN_NUMERICS and every drug concentration."""
    values = {name: float(vitals[name]) for name in MAIN_NUMERICS if name in vitals}
    values.update({k: float(v) for k, v in vitals.items() if _CONCENTRATION in k})
    return values


def waveform_frame(start_time_s: float, channels: Mapping[str, np.ndarray]) -> bytes:
    """One binary frame of equal-length channels sampled at WAVEFORM_RATE_HZ."""
    samples = np.stack([np.asarray(channels[name], dtype="<f4") for name in FRAME_CHANNELS])
    header = FRAME_HEADER.pack(len(FRAME_CHANNELS), samples.shape[1], start_time_s,
                               WAVEFORM_RATE_HZ)  # fmt: skip
    return header + samples.tobytes()


def read_waveform_frame(frame: bytes) -> tuple[float, float, dict[str, np.ndarray]]:
    """`(start_time_s, rate_hz, {channel: samples})` of a frame (for clients and tests)."""
    count, n, start_time_s, rate_hz = FRAME_HEADER.unpack_from(frame)
    samples = np.frombuffer(frame, dtype="<f4", offset=FRAME_HEADER.size).reshape(count, n)
    return start_time_s, rate_hz, dict(zip(FRAME_CHANNELS, samples, strict=True))
