"""The command line and the live service play a timed protocol through the same
scheduler (`Twin.run` / `Twin.schedule`), so they give the same history (issue 8)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from test_service_support import account, advance, running_client
from typer.testing import CliRunner

from medtwin.cli import app
from medtwin.service.clock import ManualClock
from medtwin.service.codec import MAIN_NUMERICS

PROTOCOL = [
    "20 s: haemorrhage 400 mL over 2 min",
    "150 s: lactated Ringer's 500 mL over 2 min",
    "200 s: phenylephrine 100 mcg IV bolus",
]
DURATION_S = 300


def test_the_same_protocol_gives_the_same_history(tmp_path):
    out = tmp_path / "run.csv"
    arguments = ["simulate", "--duration", str(DURATION_S), "--out", str(out), "--seed", "3"]
    for order in PROTOCOL:
        arguments += ["--action", order]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    command_line = pd.read_csv(out).set_index("time_s")

    with running_client(tmp_path, ManualClock()) as client:
        instructor = account(client, "ines")
        body = {"title": "Protocol", "patient": "standard-male", "seed": 3, "protocol": PROTOCOL}
        session = client.post("/api/sessions", json=body, headers=instructor).json()
        url = f"/api/sessions/{session['id']}"
        client.post(f"{url}/clock", json={"speed": 60}, headers=instructor)
        advance(client, DURATION_S / 60)
        history = client.get(f"{url}/history", headers=instructor).json()
        events = client.get(f"{url}/events", headers=instructor).json()

    assert [e["order"] for e in events] == [
        "haemorrhage 400 mL over 2 min",
        "stop haemorrhage from arterial site",
        "lactated Ringer's 500 mL over 2 min",
        "phenylephrine 100 mcg IV bolus",
        "stop lactated Ringer's",
    ]
    service = pd.DataFrame(history["signals"], index=history["time_s"])
    times = [t for t in service.index if 1 <= t <= DURATION_S]
    assert len(times) == DURATION_S
    for name in MAIN_NUMERICS:
        written = command_line.loc[times, name].to_numpy()
        # a value the monitor cannot give is NaN in the CSV, null from the service
        served = service.loc[times, name].map(lambda v: math.nan if v is None else
                                              float(f"{v:.6g}")).to_numpy()  # fmt: skip
        assert served == pytest.approx(written, rel=0, abs=0, nan_ok=True), name
