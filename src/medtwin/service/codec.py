"""Bytes on the wire: waveform frames and the main numerics (snapshots on disk are
`medtwin.snapshot_format`'s).

The waveform frame layout is the contract's (docs/service-api.md): little-endian
`uint32 channel_mask, uint32 sample_count, float64 start_time_s, float32 rate_hz`, then
the samples as float32, channel by channel, in `FRAME_CHANNELS` order. Bit i of the mask
says the frame carries `FRAME_CHANNELS[i]`: a session streams only what its monitors
draw. The mask sits where the channel count was, so a decoder of either format rejects a
frame of the other as the wrong size instead of misreading it (a frame of lead II alone
reads the same in both).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Collection, Mapping

import numpy as np

from medtwin.monitor_layout import WAVE_CHANNELS
from medtwin.signals import BEDSIDE_VITALS

FRAME_CHANNELS = WAVE_CHANNELS
"""The channels a frame may carry, in order (bit i of its mask is the i-th): every
waveform the monitor can draw."""
FRAME_HEADER = struct.Struct("<IIdf")
_SAMPLE = np.dtype("<f4")
WAVEFORM_RATE_HZ = 125.0
MAIN_NUMERICS = (
    *BEDSIDE_VITALS,
    "central_venous_pressure",
    "cardiac_output",
    "consciousness_index",
    "train_of_four_ratio",
    "urine_output",
    "chest_drain_output_left",
    "chest_drain_output_right",
)
_CONCENTRATION = "_concentration_"


class FrameError(ValueError):
    """A waveform frame that does not follow the contract's layout."""


def main_numerics(vitals: Mapping[str, float]) -> dict[str, float]:
    """The numerics a monitor shows: MAIN_NUMERICS and every drug concentration."""
    values = {name: float(vitals[name]) for name in MAIN_NUMERICS if name in vitals}
    values.update({k: float(v) for k, v in vitals.items() if _CONCENTRATION in k})
    return values


def channel_mask(names: Collection[str]) -> int:
    """The frame mask of the channels `names` (each one of FRAME_CHANNELS)."""
    unknown = sorted(set(names) - set(FRAME_CHANNELS))
    if unknown:
        raise FrameError(f"channels {', '.join(map(repr, unknown))}: a frame carries only "
                         f"{', '.join(FRAME_CHANNELS)}")  # fmt: skip
    return sum(1 << bit for bit, name in enumerate(FRAME_CHANNELS) if name in names)


def mask_channels(mask: int) -> tuple[str, ...]:
    """The channels of frame mask `mask`, in FRAME_CHANNELS order (at least one)."""
    if not mask:
        raise FrameError("channel_mask = 0: a frame carries at least one channel")
    if mask >> len(FRAME_CHANNELS):
        raise FrameError(f"channel_mask = {mask:#x} names channels past the "
                         f"{len(FRAME_CHANNELS)} a frame may carry (bits 0-"
                         f"{len(FRAME_CHANNELS) - 1})")  # fmt: skip
    return tuple(name for bit, name in enumerate(FRAME_CHANNELS) if mask >> bit & 1)


def waveform_frame(start_time_s: float, channels: Mapping[str, np.ndarray]) -> bytes:
    """One binary frame of `channels` (equal-length, sampled at WAVEFORM_RATE_HZ): it
    carries exactly those, in FRAME_CHANNELS order."""
    mask = channel_mask(channels)
    carried = mask_channels(mask)
    samples = np.stack([np.asarray(channels[name], dtype=_SAMPLE) for name in carried])
    header = FRAME_HEADER.pack(mask, samples.shape[1], start_time_s, WAVEFORM_RATE_HZ)
    return header + samples.tobytes()


def read_waveform_frame(frame: bytes) -> tuple[float, float, dict[str, np.ndarray]]:
    """`(start_time_s, rate_hz, {channel: samples})` of a frame (for clients and tests);
    `FrameError`, naming the field, for a frame that breaks the layout."""
    if len(frame) < FRAME_HEADER.size:
        raise FrameError(f"frame of {len(frame)} bytes: shorter than its "
                         f"{FRAME_HEADER.size}-byte header")  # fmt: skip
    mask, n, start_time_s, rate_hz = FRAME_HEADER.unpack_from(frame)
    names = mask_channels(mask)
    _check_clock(start_time_s, rate_hz)
    expected = FRAME_HEADER.size + len(names) * n * _SAMPLE.itemsize
    if len(frame) != expected:
        raise FrameError(f"frame of {len(frame)} bytes: sample_count = {n} samples of "
                         f"{len(names)} channel(s) take {expected}")  # fmt: skip
    samples = np.frombuffer(frame, dtype=_SAMPLE, offset=FRAME_HEADER.size)
    return start_time_s, rate_hz, dict(zip(names, samples.reshape(len(names), n), strict=True))


def _check_clock(start_time_s: float, rate_hz: float) -> None:
    """Refuse a header's time or rate that no server sends."""
    if not math.isfinite(start_time_s):
        raise FrameError(f"start_time_s = {start_time_s}: must be a finite number of seconds")
    if not (math.isfinite(rate_hz) and rate_hz > 0):
        raise FrameError(f"rate_hz = {rate_hz}: must be a positive number of samples a second")
