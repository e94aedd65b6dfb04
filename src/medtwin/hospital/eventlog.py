"""Event logs: a CSV of `patient_id, activity, start, end` (ISO 8601 timestamps).

This is the shape of a hospital's timestamp extract (one row per activity a patient
began and finished). A row with activity `arrival` marks when a patient arrived
(start = end); a patient without one is taken to arrive at their first start. The
simulator writes the same format (`medtwin hospital run --events`), so a calibration can
be checked against a model whose parameters are known.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from medtwin.hospital.errors import ModelError
from medtwin.hospital.model import HospitalModel
from medtwin.hospital.simulation import ReplicationRecord

COLUMNS = ("patient_id", "activity", "start", "end")
ARRIVAL = "arrival"
FIRST_DAY = pd.Timestamp("2024-01-01")
"""Replication r of an exported log is dated r run-lengths (in whole days) after this day."""


def read_event_log(path: Path) -> pd.DataFrame:
    """The log with `start` and `end` as timestamps, checked row by row."""
    label = f"event log {path}"
    try:
        log = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise ModelError(f"{label}: no such file") from None
    except pd.errors.EmptyDataError:
        raise ModelError(f"{label}: the file is empty") from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as error:
        raise ModelError(f"{label}: cannot read it as CSV ({error})") from None
    missing = [c for c in COLUMNS if c not in log.columns]
    if missing:
        raise ModelError(
            f"{label}: missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}"
        )
    if log.empty:
        raise ModelError(f"{label}: no rows")
    for column in ("patient_id", "activity"):
        blank = np.flatnonzero(log[column].str.strip() == "")
        if blank.size:
            raise ModelError(f"{label}: row {blank[0] + 2} has an empty {column}")
    for column in ("start", "end"):
        log[column] = _timestamps(log[column], label, column)
    backwards = np.flatnonzero((log["end"] < log["start"]).to_numpy())
    if backwards.size:
        row = backwards[0]
        raise ModelError(
            f"{label}: row {row + 2} ends ({log['end'][row]}) before it starts "
            f"({log['start'][row]})"
        )
    return log[list(COLUMNS)]


def _timestamps(texts: pd.Series, label: str, column: str) -> pd.Series:
    parsed = pd.to_datetime(texts, format="ISO8601", errors="coerce")
    bad = np.flatnonzero(parsed.isna().to_numpy())
    if bad.size:
        row = bad[0]
        raise ModelError(
            f"{label}: row {row + 2} {column} {texts.iloc[row]!r} is not an ISO 8601 "
            "timestamp such as 2024-01-01T06:30:00"
        )
    if parsed.dt.tz is not None:
        parsed = parsed.dt.tz_convert(None)
    return parsed


def write_event_log(model: HospitalModel, records: list[ReplicationRecord], path: Path) -> None:
    """Write the arrivals and finished services of `records` as an event log CSV."""
    frames = [_record_rows(model, record) for record in records]
    pd.concat(frames, ignore_index=True).to_csv(path, index=False)


def _record_rows(model: HospitalModel, record: ReplicationRecord) -> pd.DataFrame:
    days_per_run = math.ceil(model.run.length_min / (24 * 60))
    opening = FIRST_DAY + pd.Timedelta(days=record.replication * days_per_run,
                                       hours=model.arrivals.start_hour)  # fmt: skip
    names = np.array(list(model.activities))
    end = record.service_start_min + record.service_duration_min
    finished = np.isfinite(end) & (end <= model.run.length_min)
    patients = np.arange(len(record.arrival_min))
    patient_id = np.concatenate((patients, record.service_patient[finished]))
    start_min = np.concatenate((record.arrival_min, record.service_start_min[finished]))
    end_min = np.concatenate((record.arrival_min, end[finished]))
    activity = np.concatenate(
        (np.full(len(patients), ARRIVAL), names[record.service_activity[finished]])
    )
    order = np.lexsort((end_min, start_min))
    return pd.DataFrame({
        "patient_id": [f"r{record.replication}-p{p}" for p in patient_id[order]],
        "activity": activity[order],
        "start": _stamp(opening, start_min[order]),
        "end": _stamp(opening, end_min[order]),
    })  # fmt: skip


def _stamp(opening: pd.Timestamp, minutes: np.ndarray) -> pd.Series:
    times = opening + pd.to_timedelta(minutes, unit="min")
    return pd.Series(times.round("s").strftime("%Y-%m-%dT%H:%M:%S"))
