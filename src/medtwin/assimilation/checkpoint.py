"""A live sync's checkpoint: its whole state between two steps, as bytes, and back.

A journal of step inputs (`live.StepInput`) replays a sync from its fit; a checkpoint
lets the replay start later. The members' engine rows go as snapshots in the snapshot
format (`snapshot_format`: versioned, checked against the engine's layout, nothing
unpickled), one per member; the rest of `LiveSync.state` (the values held, the logs
and counts, the filter's parameters, generator state, time origin, duplicate memory and
gate counts) and what the caller adds (`extra`, such as the service's numbered track)
as JSON in the archive's manifest. A checkpoint is restored into a sync fitted again
from the same twin, members and seed, which gives what never changes (the parameters'
names and base values, the members' patient and settings); the steps journaled after
it then replay as they would have run on, bit for bit.
"""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np

from medtwin.assimilation.live import LiveSync
from medtwin.assimilation.screening import Decision
from medtwin.assimilation.step_input import aware_time, measurement_from_record, measurement_record
from medtwin.snapshot_format import SnapshotFormatError, snapshot_from_bytes, snapshot_to_bytes

FORMAT = "medtwin-live-checkpoint"
VERSION = 1


def checkpoint_bytes(sync: LiveSync, extra: dict) -> bytes:
    """The sync's state (taken between steps) and `extra` (JSON) as a compressed `.npz`."""
    state = sync.state()
    estimator = state["filter"]
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "held": [measurement_record(m) for m in state["held"]],
        "log": [_decision_record(d) for d in state["log"]],
        "counts": state["counts"],
        "filter": {
            "theta": estimator["theta"].tolist(),
            "rng": estimator["rng"],
            "origin": None if estimator["origin"] is None else estimator["origin"].isoformat(),
            "memory": [[signal, time.isoformat()] for signal, time in estimator["memory"]],
            "gated": estimator["gated"],
            "last_analysis_s": estimator["last_analysis_s"],
            "log": [_decision_record(d) for d in estimator["log"]],
            "counts": estimator["counts"],
        },
        "extra": extra,
    }
    members = {
        f"member_{i}": np.frombuffer(snapshot_to_bytes(s), dtype=np.uint8)
        for i, s in enumerate(sync.estimator.ensemble.snapshots())
    }
    buffer = io.BytesIO()
    np.savez_compressed(buffer, manifest=np.frombuffer(json.dumps(manifest).encode(), np.uint8),
                        **members)  # fmt: skip
    return buffer.getvalue()


def restore_checkpoint(sync: LiveSync, blob: bytes) -> dict:
    """Put the state of `blob` into `sync` (fitted as the checkpointed one was, never
    stepped) and return its `extra`; SnapshotFormatError (a ValueError) if `blob` is not
    a checkpoint this medtwin continues, with the reason."""
    try:
        with np.load(io.BytesIO(blob), allow_pickle=False) as archive:
            manifest = json.loads(archive["manifest"].tobytes().decode())
            names = sorted((n for n in archive.files if n.startswith("member_")),
                           key=lambda n: int(n.removeprefix("member_")))  # fmt: skip
            members = [snapshot_from_bytes(archive[n].tobytes()) for n in names]
    except SnapshotFormatError:
        raise
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, UnicodeDecodeError) as error:
        raise SnapshotFormatError(f"not a medtwin live checkpoint ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise SnapshotFormatError("not a medtwin live checkpoint (no checkpoint manifest)")
    if manifest.get("version") != VERSION:
        raise SnapshotFormatError(
            f"checkpoint version {manifest.get('version')!r}: this medtwin reads {VERSION} only"
        )
    try:
        state = _state(manifest)
    except (KeyError, TypeError, ValueError) as error:
        raise SnapshotFormatError(f"damaged live checkpoint ({error!r})") from None
    try:
        sync.estimator.ensemble.members.restore_rows(members)
    except ValueError as error:
        raise SnapshotFormatError(f"checkpoint of another ensemble: {error}") from None
    sync.restore_state(state)
    return manifest["extra"]


def _state(manifest: dict) -> dict:
    """The `LiveSync.state` of a checkpoint's manifest."""
    estimator = manifest["filter"]
    origin = estimator["origin"]
    return {
        "held": [measurement_from_record(m, f"held[{k}]") for k, m in enumerate(manifest["held"])],
        "log": [_decision(d, f"log[{k}]") for k, d in enumerate(manifest["log"])],
        "counts": manifest["counts"],
        "filter": {
            "theta": estimator["theta"],
            "rng": estimator["rng"],
            "origin": None if origin is None else aware_time(origin, "filter origin"),
            "memory": [
                (signal, aware_time(text, "filter memory")) for signal, text in estimator["memory"]
            ],
            "gated": estimator["gated"],
            "last_analysis_s": estimator["last_analysis_s"],
            "log": [_decision(d, f"filter log[{k}]") for k, d in enumerate(estimator["log"])],
            "counts": estimator["counts"],
        },
    }


def _decision_record(decision: Decision) -> dict:
    """`decision` as JSON: its measurement's record, the outcome, reason and lag."""
    return {"measurement": measurement_record(decision.measurement),
            "accepted": decision.accepted, "reason": decision.reason,
            "lag_s": decision.lag_s}  # fmt: skip


def _decision(record: dict, field: str) -> Decision:
    """The Decision `_decision_record` gave."""
    measurement = measurement_from_record(record["measurement"], f"{field}.measurement")
    return Decision(measurement, record["accepted"], record["reason"], record["lag_s"])
