"""The waveform frame on the wire (docs/service-api.md): a frame carries the channels its
mask names, round-trips exactly, and a frame that breaks the layout is refused with a
`FrameError` naming the field, never a crash; a frame of the old format (a channel count
where the mask is) is refused, not misread.

The normal suite runs a small budget; `pytest -m fuzz -k codec` runs 10,000 cases each.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medtwin.service.codec import (
    FRAME_CHANNELS,
    FRAME_HEADER,
    FrameError,
    channel_mask,
    read_waveform_frame,
    waveform_frame,
)

CARRIED = st.lists(st.sampled_from(FRAME_CHANNELS), min_size=1, unique=True)
SAMPLE = st.floats(width=32, allow_nan=True, allow_infinity=True)
START_S = st.floats(0.0, 1e6, allow_nan=False)


@st.composite
def frames(draw) -> tuple[float, dict[str, np.ndarray]]:
    """A start time and equal-length channels, any subset of FRAME_CHANNELS."""
    names = draw(CARRIED)
    n = draw(st.integers(0, 40))
    samples = {name: np.array(draw(st.lists(SAMPLE, min_size=n, max_size=n)), "<f4")
               for name in names}  # fmt: skip
    return draw(START_S), samples


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal bit for bit (NaN included)."""
    return a.tobytes() == b.tobytes()


@settings(max_examples=200, deadline=None)
@given(frames())
def test_a_frame_round_trips_the_channels_it_was_given(frame):
    start_s, channels = frame
    read_start_s, rate_hz, read = read_waveform_frame(waveform_frame(start_s, channels))
    assert (read_start_s, rate_hz) == (start_s, 125.0)
    assert list(read) == [name for name in FRAME_CHANNELS if name in channels]
    assert all(_same(read[name], channels[name]) for name in channels)


def test_the_header_says_which_channels_and_nothing_else_is_sent():
    """Bit i of the mask is FRAME_CHANNELS[i]; every channel at once fits the uint32."""
    default = ("ecg_ii", "arterial_pressure", "pleth", "co2", "airway_pressure")
    samples = {name: np.arange(16.0) for name in default}
    frame = waveform_frame(3.0, samples)
    mask, n, start_s, rate_hz = FRAME_HEADER.unpack_from(frame)
    assert mask == 0b1001111 and (n, start_s, rate_hz) == (16, 3.0, 125.0)
    assert len(frame) == FRAME_HEADER.size + len(default) * 16 * 4
    everything = waveform_frame(0.0, dict.fromkeys(FRAME_CHANNELS, np.zeros(2)))
    assert FRAME_HEADER.unpack_from(everything)[0] == 2 ** len(FRAME_CHANNELS) - 1


def test_a_frame_of_the_old_format_is_refused_not_misread():
    """Before the mask the first field counted the channels, all of them in order: 15
    (or 8, before the ECG leads), read now as a mask that names fewer channels than the
    samples fill."""
    for count in (15, 8):
        old = FRAME_HEADER.pack(count, 10, 0.0, 125.0) + bytes(count * 10 * 4)
        with pytest.raises(FrameError, match="bytes"):
            read_waveform_frame(old)


def _header(mask=1, n=2, start_s=0.0, rate_hz=125.0) -> bytes:
    return FRAME_HEADER.pack(mask, n, start_s, rate_hz)


BAD_FRAMES = [
    (b"", "frame of 0 bytes: shorter than its 20-byte header"),
    (_header()[:19], "frame of 19 bytes: shorter than its 20-byte header"),
    (_header(mask=0), "channel_mask = 0: a frame carries at least one channel"),
    (_header(mask=1 << 15) + bytes(8), "channel_mask = 0x8000 names channels past the 15"),
    (_header(start_s=math.nan) + bytes(8), "start_time_s = nan: must be a finite"),
    (_header(rate_hz=0.0) + bytes(8), "rate_hz = 0.0: must be a positive number"),
    (_header(rate_hz=-math.inf) + bytes(8), "rate_hz = -inf: must be a positive number"),
    (_header() + bytes(7), "frame of 27 bytes: sample_count = 2 samples of 1 channel(s) take 28"),
    (_header(mask=0b11) + bytes(8), "sample_count = 2 samples of 2 channel(s) take 36"),
    (_header(n=2**32 - 1), "sample_count = 4294967295 samples of 1 channel(s) take 17179869200"),
]


@pytest.mark.parametrize(("frame", "message"), BAD_FRAMES)
def test_a_bad_frame_is_refused_naming_the_field_the_value_and_what_is_allowed(frame, message):
    with pytest.raises(FrameError) as refused:
        read_waveform_frame(frame)
    assert message in str(refused.value)


def test_a_frame_of_an_unknown_channel_is_not_made():
    with pytest.raises(FrameError, match="'ecg_v3': a frame carries only ecg_ii, arterial"):
        waveform_frame(0.0, {"ecg_ii": np.zeros(2), "ecg_v3": np.zeros(2)})
    with pytest.raises(FrameError, match="channel_mask = 0"):
        waveform_frame(0.0, {})
    assert channel_mask(["ecg_v5", "ecg_ii"]) == 1 | 1 << FRAME_CHANNELS.index("ecg_v5")


@st.composite
def damaged_frames(draw) -> bytes:
    """A valid frame with a few bytes changed, cut short or lengthened."""
    frame = bytearray(waveform_frame(*draw(frames())))
    for _ in range(draw(st.integers(0, 4))):
        frame[draw(st.integers(0, len(frame) - 1))] = draw(st.integers(0, 255))
    cut = draw(st.integers(0, len(frame) + 8))
    return bytes(frame[:cut]) + bytes(max(cut - len(frame), 0))


ANY_FRAME = st.one_of(st.binary(max_size=200), damaged_frames())


def _decoded_or_refused(frame: bytes) -> None:
    """Either the frame decodes to what its header says, or FrameError says why."""
    try:
        start_s, rate_hz, channels = read_waveform_frame(frame)
    except FrameError as refused:
        assert str(refused) and "\n" not in str(refused)
        return
    mask, n, *_ = FRAME_HEADER.unpack_from(frame)
    assert math.isfinite(start_s) and rate_hz > 0
    assert channel_mask(channels) == mask and all(len(s) == n for s in channels.values())
    assert len(frame) == FRAME_HEADER.size + 4 * n * len(channels)


@settings(max_examples=500, deadline=None)
@given(ANY_FRAME)
def test_any_bytes_decode_or_get_a_clear_error(frame):
    _decoded_or_refused(frame)


@pytest.mark.fuzz
@settings(max_examples=10_000, deadline=None)
@given(ANY_FRAME)
def test_fuzz_codec_frame_decoder(frame):
    _decoded_or_refused(frame)


def test_a_frame_of_no_samples_is_its_20_byte_header_alone():
    start_s, rate_hz, channels = read_waveform_frame(_header(n=0))
    assert (start_s, rate_hz) == (0.0, 125.0) and list(channels) == ["ecg_ii"]
    assert channels["ecg_ii"].size == 0 and FRAME_HEADER.size == 20
