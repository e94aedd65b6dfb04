"""Snapshots on disk: the versioned format of docs/snapshot-format.md, read back exactly,
and files of another format, version or engine layout refused with a clear message."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from medtwin import Twin
from medtwin.snapshot_format import (
    SnapshotFormatError,
    snapshot_from_bytes,
    snapshot_to_bytes,
)


@pytest.fixture(scope="module")
def busy() -> Twin:
    """A twin with drugs, a fluid, a bleed and queued orders."""
    twin = Twin("standard-female", seed=4, waveform_seconds=3.0, drug_models={"propofol": "marsh"})
    twin.apply("propofol 1 mg/kg IV bolus")
    twin.apply("norepinephrine 0.05 mcg/kg/min IV infusion")
    twin.apply("haemorrhage 100 mL/min for 3 min from muscle site")
    twin.apply("packed red cells 300 mL over 20 min")
    twin.schedule(400.0, "stop norepinephrine infusion", source="protocol")
    twin.advance(60.0)
    return twin


def test_a_snapshot_file_continues_the_twin_bit_for_bit(busy):
    blob = snapshot_to_bytes(busy.snapshot())
    assert b"pickle" not in blob
    restored = Twin.from_snapshot(snapshot_from_bytes(blob))
    straight = busy.fork()
    restored.advance(600.0)
    straight.advance(600.0)
    assert list(restored.events) == list(straight.events)
    assert restored.settings == straight.settings
    assert restored.history().equals(straight.history())  # exact, NaN where NaN
    assert np.array_equal(restored.waveforms().to_numpy(), straight.waveforms().to_numpy(),
                          equal_nan=True)  # fmt: skip


def _with_manifest(blob: bytes, change) -> bytes:
    archive = dict(np.load(io.BytesIO(blob)))
    manifest = json.loads(archive["manifest"].tobytes())
    change(manifest)
    archive["manifest"] = np.frombuffer(json.dumps(manifest).encode(), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **archive)
    return buffer.getvalue()


def test_other_versions_layouts_and_files_are_refused_with_the_reason(busy):
    blob = snapshot_to_bytes(busy.snapshot())
    newer = _with_manifest(blob, lambda m: m.update(version=2))
    with pytest.raises(SnapshotFormatError, match="version 2: this medtwin reads version 1"):
        snapshot_from_bytes(newer)
    older = _with_manifest(blob, lambda m: m["layout"]["state"].remove("RHYTHM"))
    with pytest.raises(SnapshotFormatError, match=r"another state layout .* adds RHYTHM"):
        snapshot_from_bytes(older)
    with pytest.raises(SnapshotFormatError, match="not a medtwin snapshot file"):
        snapshot_from_bytes(b"\x80\x04 certainly not a snapshot")
