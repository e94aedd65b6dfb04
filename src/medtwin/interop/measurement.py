"""One measured value of one signal: what every reader produces and every estimator eats.

A `Measurement` names its signal with the vocabulary of `data/signals.csv` (in that
file's unit), carries an aware UTC `time` and says where it came from (`source`: a FHIR
resource, an HL7 message and OBX row, a WFDB record and sample), so that an estimate
can always be traced back to its inputs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from medtwin.signals import SIGNALS

SIGNAL_NAMES = frozenset(s.name for s in SIGNALS)


class InteropError(ValueError):
    """Input from outside (a FHIR bundle, an HL7 message, an MQTT payload, a WFDB record)
    that cannot be read; the message names the resource or field, the value and what
    is allowed."""


@dataclass(frozen=True)
class Measurement:
    """A value of `signal` (unit as in signals.csv) measured at `time` (aware, UTC)."""

    signal: str
    value: float
    time: datetime
    source: str

    def __post_init__(self) -> None:
        if self.signal not in SIGNAL_NAMES:
            raise InteropError(f"{self.source}: signal {self.signal!r} is not in signals.csv")
        if self.time.tzinfo is None:
            raise InteropError(f"{self.source}: time {self.time.isoformat()} has no time zone")
        object.__setattr__(self, "time", self.time.astimezone(UTC))
        object.__setattr__(self, "value", float(self.value))

    @property
    def is_missing(self) -> bool:
        """True for a NaN value: the device reported the signal as unavailable."""
        return math.isnan(self.value)

    def to_dict(self) -> dict[str, object]:
        return {
            "signal": self.signal,
            "value": self.value,
            "time": self.time.isoformat(),
            "source": self.source,
        }
