"""The live stream's size: bytes a second that one client of a session receives at 1x.

A session (standard-male) runs `--seconds` of wall time at 1x on a manual clock, the
service's own tick (`RuntimeSettings()`), with one instructor's stream open; then again
with a trainee's layout that shows every waveform. Printed per run: the waveform frames'
bytes a second (the raw frame, header included, per second of samples), their mean size,
the channels they carried, and the JSON messages' bytes a second beside them. Counts
only the bytes of the frames, so it measures any version of the frame format.
Printed, never asserted; not part of the tests.

    .venv/bin/python benchmarks/stream.py [--seconds 60]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from debrief import headers_of, manual_app
from fastapi.testclient import TestClient

from medtwin.monitor_layout import WAVE_CHANNELS
from medtwin.service.clock import ManualClock
from medtwin.service.codec import FRAME_HEADER

EVERY_WAVE = {"role": "trainee", "waves": list(WAVE_CHANNELS)}


@dataclass
class Received:
    """What one stream received: frame bytes, samples per channel and JSON bytes."""

    frame_bytes: int = 0
    frames: int = 0
    sample_seconds: float = 0.0
    text_bytes: int = 0
    channels: set[int] = field(default_factory=set)  # how many channels the frames carried

    def frame(self, data: bytes) -> None:
        _, n, _, rate_hz = FRAME_HEADER.unpack_from(data)
        self.frame_bytes += len(data)
        self.frames += 1
        self.sample_seconds += n / rate_hz
        self.channels.add((len(data) - FRAME_HEADER.size) // (4 * n))


def receive(client: TestClient, clock: ManualClock, session_id: int, headers: dict,
            seconds: int) -> Received:  # fmt: skip
    """Let `seconds` of wall time pass and count what the instructor's stream got."""
    received = Received()
    with client.websocket_connect(f"/ws/sessions/{session_id}") as ws:
        token = headers["Authorization"].removeprefix("Bearer ")
        ws.send_text(json.dumps({"type": "auth", "token": token}))
        ws.receive_text()  # the snapshot: once per connection, not per second
        start_s = client.get(f"/api/sessions/{session_id}", headers=headers).json()["time_s"]
        for _ in range(seconds):
            clock.advance(1.0)
        while True:
            message = ws.receive()
            if message.get("bytes") is not None:
                received.frame(message["bytes"])
                continue
            received.text_bytes += len(message["text"].encode())
            vitals = json.loads(message["text"])
            if vitals["type"] == "vitals" and vitals["time_s"] >= start_s + seconds:
                return received


def report(title: str, received: Received) -> None:
    per_s = received.sample_seconds
    print(f"{title}: waveform frames {received.frame_bytes / per_s / 1000:.2f} kB/s "
          f"({received.frames} frames of {received.frame_bytes / received.frames:.0f} bytes "
          f"on average, {sorted(received.channels)} channels); JSON messages "
          f"{received.text_bytes / per_s / 1000:.2f} kB/s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    clock = ManualClock()
    with (
        tempfile.TemporaryDirectory(prefix="medtwin-stream-") as folder,
        TestClient(manual_app(Path(folder), clock)) as client,
    ):
        ines = headers_of(client, "ines")
        body = {"title": "Stream size", "patient": "standard-male", "seed": 0}
        session_id = client.post("/api/sessions", json=body, headers=ines).json()["id"]
        report("default layouts", receive(client, clock, session_id, ines, args.seconds))
        url = f"/api/sessions/{session_id}/layout"
        client.post(url, json=EVERY_WAVE, headers=ines).raise_for_status()
        every = receive(client, clock, session_id, ines, args.seconds)
        report("a layout of every waveform", every)


if __name__ == "__main__":
    main()
