"""Twin snapshots as files: a versioned, documented format (docs/snapshot-format.md).

A snapshot is a ZIP archive (NumPy's `.npz`) holding `manifest.json` and the arrays.
The manifest names the format and its version, the engine's column layout (the names
of every state, parameter and monitor column), the patient, the twin's settings, what
runs, the event log and the scheduler's queue, all as JSON. A reader of a newer medtwin
reads an older file of the same version and layout, and refuses any other with a
message that says what differs; nothing is unpickled, so a file cannot run code.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import numpy as np

from medtwin.actions import Event, Treatments, action_from_dict, fluid
from medtwin.patients import patient_from_dict
from medtwin.physiology.layout import M, S
from medtwin.physiology.parameters import P
from medtwin.scheduler import Scheduled
from medtwin.twin import Snapshot, TwinSettings

FORMAT = "medtwin-snapshot"
VERSION = 1
_ARRAYS = ("state", "monitors", "params", "history_times_s", "history", "wave_times_s", "waves")


class SnapshotFormatError(ValueError):
    """A snapshot file this medtwin cannot continue, with the reason."""


def _layout() -> dict[str, list[str]]:
    return {"state": [m.name for m in S], "params": [m.name for m in P],
            "monitors": [m.name for m in M]}  # fmt: skip


def snapshot_to_bytes(snapshot: Snapshot) -> bytes:
    """The snapshot as the bytes of a versioned `.npz` archive."""
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "layout": _layout(),
        "patient": snapshot.patient.model_dump(mode="json"),
        "settings": {
            "seed": snapshot.settings.seed,
            "waveform_seconds": snapshot.settings.waveform_seconds,
            "history_seconds": snapshot.settings.history_seconds,
            "drug_models": dict(snapshot.settings.drug_models),
        },
        "treatments": {
            "models": snapshot.treatments.models,
            "slots": snapshot.treatments.slots,
            "fluids": {name: rate for name, (_, rate) in snapshot.treatments.fluids.items()},
            "bleeds": snapshot.treatments.bleeds,
        },
        "events": [event.model_dump(mode="json") for event in snapshot.events],
        "scheduled": [_entry_dict(entry) for entry in snapshot.scheduled],
        "next_sequence": snapshot.next_sequence,
    }
    buffer = io.BytesIO()
    arrays = {name: getattr(snapshot, name) for name in _ARRAYS}
    np.savez(buffer, manifest=np.frombuffer(json.dumps(manifest).encode(), dtype=np.uint8),
             **arrays)  # fmt: skip
    return buffer.getvalue()


def _entry_dict(entry: Scheduled) -> dict[str, Any]:
    return {"due_step": entry.due_step, "sequence": entry.sequence,
            "action": entry.action.model_dump(mode="json"), "source": entry.source,
            "note": entry.note, "cause": entry.cause}  # fmt: skip


def snapshot_from_bytes(blob: bytes) -> Snapshot:
    """The snapshot in `blob`; `SnapshotFormatError` if it is not one this medtwin reads."""
    try:
        with np.load(io.BytesIO(blob), allow_pickle=False) as archive:
            manifest = json.loads(archive["manifest"].tobytes().decode())
            arrays = {name: archive[name] for name in _ARRAYS}
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, UnicodeDecodeError) as error:
        raise SnapshotFormatError(f"not a medtwin snapshot file ({error})") from None
    _check(manifest)
    patient = patient_from_dict(manifest["patient"])
    settings = TwinSettings(**manifest["settings"])
    book = manifest["treatments"]
    treatments = Treatments(
        patient,
        models=dict(book["models"]),
        slots={name: int(slot) for name, slot in book["slots"].items()},
        fluids={name: (fluid(name), float(rate)) for name, rate in book["fluids"].items()},
        bleeds={site: float(rate) for site, rate in book["bleeds"].items()},
    )
    scheduled = tuple(
        Scheduled(
            e["due_step"],
            e["sequence"],
            action_from_dict(e["action"]),
            e["source"],
            e["note"],
            e["cause"],
        )
        for e in manifest["scheduled"]
    )
    return Snapshot(
        patient=patient,
        settings=settings,
        treatments=treatments,
        events=tuple(Event(**event) for event in manifest["events"]),
        scheduled=scheduled,
        next_sequence=int(manifest["next_sequence"]),
        **arrays,
    )


def _check(manifest: Any) -> None:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise SnapshotFormatError("not a medtwin snapshot file (no medtwin-snapshot manifest)")
    if manifest.get("version") != VERSION:
        raise SnapshotFormatError(
            f"snapshot format version {manifest.get('version')!r}: this medtwin reads "
            f"version {VERSION} only"
        )
    written, current = manifest.get("layout", {}), _layout()
    for part, names in current.items():
        if written.get(part) != names:
            old = set(written.get(part) or ())
            added, removed = sorted(set(names) - old), sorted(old - set(names))
            raise SnapshotFormatError(
                f"snapshot written by an engine with another {part} layout (this engine "
                f"adds {', '.join(added[:5]) or 'none'}; lacks {', '.join(removed[:5]) or 'none'})"
                ": it cannot be continued by this version of medtwin"
            )
