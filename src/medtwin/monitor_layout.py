"""The bedside monitor's channels and a layout of them: which waveforms and numerics a
monitor shows, and in what order.

One vocabulary for a case's `monitor:` (training) and the live room's layout per role
(service), read by the web app from `/api/config`. The waveform channels are the ones
the live stream may carry (`service.codec.FRAME_CHANNELS` is this list; a session's
frames carry those its layouts draw), named as `data/waveforms.csv` names them; the
numerics are the monitor's tiles.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from medtwin.physiology.twelve_lead import MONITOR_LEADS, monitor_channel

WAVE_CHANNELS = (
    "ecg_ii",
    "arterial_pressure",
    "pleth",
    "co2",
    "central_venous_pressure",
    "airway_flow",
    "airway_pressure",
    "lung_volume",
    "ecg_i",
    "ecg_iii",
    "ecg_avr",
    "ecg_avl",
    "ecg_avf",
    "ecg_v1",
    "ecg_v5",
)
"""The waveforms a monitor can draw, in the order the stream's frames carry them: the
other ECG leads (`twelve_lead.MONITOR_LEADS`) after the channels frames carried before
them, so those keep their places."""
_ECG_LEADS = frozenset(monitor_channel(lead) for lead in MONITOR_LEADS)
_VENTILATION = frozenset({"airway_flow", "airway_pressure", "lung_volume"})
WAVE_GROUPS = {
    "ECG leads": tuple(name for name in WAVE_CHANNELS if name in _ECG_LEADS),
    "Pressures and gases": tuple(
        name for name in WAVE_CHANNELS if name not in _ECG_LEADS | _VENTILATION
    ),
    "Ventilation": tuple(name for name in WAVE_CHANNELS if name in _VENTILATION),
}
"""The waveforms as the layout editor groups them, each group in WAVE_CHANNELS order:
the monitor's ECG leads (lead II first), the pressures, pleth and capnogram, and the
ventilator's curves."""
NUMERIC_CHANNELS = (
    "heart_rate",
    "arterial_pressure",
    "spo2",
    "temperature",
    "etco2",
    "respiratory_rate",
    "nibp",
    "central_venous_pressure",
    "cardiac_output",
    "bis",
    "train_of_four",
    "urine_output",
    "chest_drain_output",
)
"""The numerics a monitor can show: the big tiles, then the lower strip's (the chest
drains' output only while a drain is in)."""
DEFAULT_WAVES = ("ecg_ii", "arterial_pressure", "pleth", "co2", "airway_pressure")
"""What a monitor draws unless a case or the instructor says otherwise: the four
traces of a standard adult configuration (ECG, invasive pressure, SpO2, capnogram), and
the airway pressure while a ventilator or bag is on (the web monitor shows a channel
the stream leaves missing only while it has data)."""

WaveChannel = Literal[WAVE_CHANNELS]
NumericChannel = Literal[NUMERIC_CHANNELS]


class MonitorLayout(BaseModel):
    """What a monitor shows: its waveforms top to bottom and its numerics in order;
    each channel at most once, at least one waveform."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    waves: list[WaveChannel] = Field(default=list(DEFAULT_WAVES), min_length=1)
    numerics: list[NumericChannel] = Field(default=list(NUMERIC_CHANNELS))

    @field_validator("waves", "numerics")
    @classmethod
    def _each_once(cls, channels: list[str]) -> list[str]:
        twice = sorted({name for name in channels if channels.count(name) > 1})
        if twice:
            raise ValueError(f"{', '.join(map(repr, twice))} listed twice: give each channel once")
        return channels


DEFAULT_LAYOUT = MonitorLayout()


def channels() -> dict[str, object]:
    """The channels a layout may name, the editor's groups of the waveforms and the
    default layout (for `/api/config`)."""
    groups = [{"name": name, "waves": list(waves)} for name, waves in WAVE_GROUPS.items()]
    return {"waves": list(WAVE_CHANNELS), "wave_groups": groups,
            "numerics": list(NUMERIC_CHANNELS), "default": DEFAULT_LAYOUT.model_dump()}  # fmt: skip
