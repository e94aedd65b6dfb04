"""Reading PhysioNet WFDB numerics records (MIMIC-II style) as measurements.

A numerics record holds trend values (HR, ABPSys, SpO2, ...) at a low rate (MIMIC-II:
one a minute). `read_numerics("path/s00001-2896-10-10-00-31n")` (the path without
`.hea`) reads it with `wfdb` (Xie C et al. Waveform Database Software Package (WFDB)
for Python, PhysioNet, version 4.3) and maps its channels to signals.csv through
`data/wfdb_signals.csv`; unknown channels are listed as ignored. Values are passed on
as recorded (MIMIC writes 0 for "no reading"): the estimator's screening refuses them
with the reason logged. The header comment `<age>: 60 <sex>: F` gives the patient.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from pathlib import Path

from medtwin.interop.measurement import InteropError, Measurement

_AGE_SEX = re.compile(r"<age>:\s*(?P<age>\d+(?:\.\d+)?)\s*<sex>:\s*(?P<sex>[MF])", re.I)
_RECORD_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
"""Start time given to a record whose header has no base date and time."""


def _channel_table() -> dict[str, tuple[str, str]]:
    text = files("medtwin.interop").joinpath("data", "wfdb_signals.csv").read_text("utf-8")
    return {
        row["wfdb_name"]: (row["signal"], row["units"]) for row in csv.DictReader(text.splitlines())
    }


@dataclass(frozen=True)
class NumericsRecord:
    """A numerics record's measurements (time order), its start, patient and channels."""

    name: str
    start: datetime
    sample_interval_s: float
    measurements: tuple[Measurement, ...]
    age_years: float | None
    sex: str | None
    channels: dict[str, str]
    ignored_channels: tuple[str, ...]


def read_numerics(record: str | os.PathLike) -> NumericsRecord:
    """Read a WFDB numerics record (path without `.hea`); `InteropError` naming the
    record and channel when it cannot be read or a channel's unit is not the expected."""
    import wfdb

    path = Path(record)
    if not path.with_suffix(path.suffix + ".hea").is_file() and not Path(f"{path}.hea").is_file():
        raise InteropError(f"{record}: no WFDB header {record}.hea")
    try:
        data = wfdb.rdrecord(str(path))
    except (OSError, ValueError) as error:
        raise InteropError(f"{record}: not a readable WFDB record ({error})") from None
    table = _channel_table()
    start = data.base_datetime.replace(tzinfo=UTC) if data.base_datetime else _RECORD_EPOCH
    interval = 1.0 / float(data.fs)
    channels, ignored, measurements = {}, [], []
    for j, (name, unit) in enumerate(zip(data.sig_name, data.units, strict=True)):
        if name not in table:
            ignored.append(name)
            continue
        signal, expected = table[name]
        if unit != expected:
            raise InteropError(f"{record}: channel {name} has unit {unit!r}; expected {expected!r}")
        channels[name] = signal
        for k, value in enumerate(data.p_signal[:, j]):
            when = start + timedelta(seconds=k * interval)
            measurements.append(Measurement(signal, float(value), when, f"{path.name}:{name}[{k}]"))
    measurements.sort(key=lambda m: m.time)
    age, sex = _patient(data.comments)
    return NumericsRecord(
        path.name, start, interval, tuple(measurements), age, sex, channels, tuple(ignored)
    )


def _patient(comments: list[str]) -> tuple[float | None, str | None]:
    for comment in comments:
        match = _AGE_SEX.search(comment)
        if match:
            return float(match["age"]), "female" if match["sex"].upper() == "F" else "male"
    return None, None
