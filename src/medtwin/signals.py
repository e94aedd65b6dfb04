"""The one vocabulary of the signals a twin reports and the waveforms it draws.

Names, units, UCUM units and LOINC codes are read from the package's ``data/signals.csv``
(a copy of the shared reference table); waveform channels from ``data/waveforms.csv``.
Engine outputs, CSV columns, API fields and FHIR export all use these names.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from typing import TypeVar

_Row = TypeVar("_Row")


@dataclass(frozen=True)
class Signal:
    """A reported signal: a per-beat, per-breath or slower value.

    ``unit`` is the clinical unit used everywhere in medtwin, ``ucum`` the same unit in UCUM
    for FHIR and HL7 export, ``loinc`` the LOINC code or ``""`` when the signal has none.
    """

    name: str
    unit: str
    ucum: str
    description: str
    loinc: str


@dataclass(frozen=True)
class Waveform:
    """A waveform channel sampled at the waveform rate (ECG, pressures, pleth, capnogram)."""

    name: str
    unit: str
    description: str


class UnknownNameError(KeyError):
    """A name that a vocabulary does not hold; the message offers the closest known names."""

    def __init__(self, kind: str, name: str, known: Iterable[str]) -> None:
        known = sorted(known)
        close = difflib.get_close_matches(name, known, n=5, cutoff=0.7)
        hint = f"did you mean {', '.join(close)}?" if close else f"known: {', '.join(known)}"
        super().__init__(f"unknown {kind} {name!r}; {hint}")

    def __str__(self) -> str:
        # KeyError would print the message in quotes, as if it were the missing key.
        return str(self.args[0])


def _read_table(filename: str, row_type: type[_Row]) -> tuple[_Row, ...]:
    """Rows of a package CSV as frozen records; columns must match the record's fields."""
    text = files("medtwin").joinpath("data", filename).read_text(encoding="utf-8")
    reader = csv.DictReader(text.splitlines())
    expected = [field.name for field in dataclasses.fields(row_type)]
    if reader.fieldnames != expected:
        raise ValueError(f"{filename}: columns {reader.fieldnames}, expected {expected}")
    rows = tuple(row_type(**row) for row in reader)
    names = [row.name for row in rows]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"{filename}: duplicate names {duplicates}")
    return rows


SIGNALS: tuple[Signal, ...] = _read_table("signals.csv", Signal)
WAVEFORMS: tuple[Waveform, ...] = _read_table("waveforms.csv", Waveform)

BEDSIDE_VITALS = (
    "heart_rate",
    "systolic_bp",
    "diastolic_bp",
    "mean_arterial_pressure",
    "spo2",
    "respiratory_rate",
    "etco2",
    "core_temperature",
)
"""The vital signs a bedside monitor shows on every patient, whatever else it shows."""

_SIGNAL_BY_NAME = {s.name: s for s in SIGNALS}
_WAVEFORM_BY_NAME = {w.name: w for w in WAVEFORMS}


def signal(name: str) -> Signal:
    """The signal called ``name``; ``UnknownNameError`` (a ``KeyError``) names close matches."""
    try:
        return _SIGNAL_BY_NAME[name]
    except KeyError:
        raise UnknownNameError("signal", name, _SIGNAL_BY_NAME) from None


def unit_of(name: str) -> str:
    """The clinical unit of the signal called ``name``, e.g. ``unit_of("etco2") == "mmHg"``."""
    return signal(name).unit


def waveform(name: str) -> Waveform:
    """The waveform channel called ``name``; ``UnknownNameError`` names close matches."""
    try:
        return _WAVEFORM_BY_NAME[name]
    except KeyError:
        raise UnknownNameError("waveform", name, _WAVEFORM_BY_NAME) from None
